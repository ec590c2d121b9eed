// `npm start`: build, then launch Electron when its binary is installed, otherwise evaluation mode
// (the same renderer and Service, served to a browser over the loopback bridge).
import { spawn } from 'node:child_process';
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

const built = await run(process.execPath, ['scripts/build.mjs', '--quiet']);
if (built !== 0) process.exit(built);

// Read electron's own record of its binary instead of importing it: in plain Node the import tries
// to download the binary and throws.
const electronDir = join('node_modules', 'electron');
const pathFile = join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;

if (binary !== null && existsSync(binary)) {
  process.exit(await run(binary, ['.']));
}
console.log("Electron's binary is not installed here (node_modules/electron/dist is missing), so Entente starts in evaluation mode in your browser.");
process.exit(await run(process.execPath, ['dist/main/eval.js']));
