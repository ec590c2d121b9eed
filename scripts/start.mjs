// `npm start`: build; create the demo alliance in the user data folder on first run (reused after);
// start its relay on 127.0.0.1; then launch Electron when its binary is present (fetching it with
// Electron's own installer on first start), otherwise evaluation mode: the same renderer and Service,
// served to a browser over the loopback bridge. ENTENTE_EVAL=1 asks for evaluation mode directly;
// ENTENTE_DEMO_KDF=interactive makes the first run's demo faster (tests).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
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

// ENTENTE_START_NO_BUILD=1: the tests have just built everything.
if (process.env.ENTENTE_START_NO_BUILD !== '1') {
  const built = await run(process.execPath, ['scripts/build.mjs', '--quiet']);
  if (built !== 0) process.exit(built);
}

const cli = 'dist/cli/entente.js';
const firstRun = spawnSync(process.execPath, [cli, 'demo', '--json', '--kdf', process.env.ENTENTE_DEMO_KDF ?? 'moderate'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (firstRun.status !== 0) process.exit(firstRun.status ?? 1);
const demo = JSON.parse(firstRun.stdout);

// The demo's relay, on a free loopback port, for as long as the app runs; its JSON log goes to a file.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => (stopping = true));
const relayLog = openSync(join(demo.dir, 'relay.log'), 'a', 0o600);
const relay = spawn(process.execPath, [cli, 'relay', '--listen', '127.0.0.1:0', '--data', join(demo.dir, demo.relayData), ...demo.cards.flatMap((c) => ['--trust', join(demo.dir, c)])], { stdio: ['ignore', 'pipe', relayLog] });
const relayUrl = await new Promise((resolve) => {
  let out = '';
  relay.stdout.on('data', (chunk) => {
    out += chunk.toString();
    const line = out.split('\n')[0];
    if (out.includes('\n')) resolve(line.trim());
  });
  relay.on('exit', (code) => {
    if (stopping) return;
    console.error(`The demo relay stopped (exit ${code}); see ${join(demo.dir, 'relay.log')}.`);
    process.exit(1);
  });
});
process.on('exit', () => {
  stopping = true;
  relay.kill('SIGTERM');
});
console.log(`Demo alliance (${demo.firstRun ? 'created now' : 'reused'}) in ${demo.dir}; its relay listens at ${relayUrl}.`);
console.log('Sign in as one of these demo officers (the passphrases are public: this is a demonstration, never a real profile):');
for (const o of demo.officers) console.log(`  ${o.name.padEnd(15)} ${o.agency.padEnd(8)} cleared ${o.clearance.padEnd(30)} passphrase "${o.passphrase}"`);
const example = demo.officers[0];
console.log('The same profiles work with the entente command, e.g.:');
console.log(`  ENTENTE_PASSPHRASE="${example.passphrase}" npx entente messages --profile "${join(demo.dir, example.profile)}" --json`);
console.log(`Send and sync with --relay ${relayUrl} while this runs (README, "A walk through").`);
process.env.ENTENTE_RELAY_URL = relayUrl;
process.env.ENTENTE_DEMO_DIR = demo.dir;

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
