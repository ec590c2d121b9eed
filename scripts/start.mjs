// `npm start`: build, then launch Electron when its binary is present (fetching it with Electron's own
// installer on first start), otherwise evaluation mode: the same renderer and Service, served to a
// browser over the loopback bridge. ENTENTE_EVAL=1 asks for evaluation mode directly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const run = (cmd, args) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1)));
  });

// Read electron's own record of its binary instead of importing it: in plain Node the import tries
// to download the binary and throws when it cannot.
const electronDir = join('node_modules', 'electron');
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const built = await run(process.execPath, ['scripts/build.mjs', '--quiet']);
if (built !== 0) process.exit(built);

if (process.env.ENTENTE_EVAL !== '1') {
  let binary = electronBinary();
  if (binary === null && existsSync(join(electronDir, 'install.js'))) {
    console.log("Fetching Electron's binary for the first start…");
    spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 10 * 60_000 });
    binary = electronBinary();
  }
  if (binary !== null) process.exit(await run(binary, ['.']));
  console.log("Electron's binary is not installed and cannot be downloaded here, so Entente starts in evaluation mode in your browser.");
}
process.exit(await run(process.execPath, ['dist/main/eval.js']));
