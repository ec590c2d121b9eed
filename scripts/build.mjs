// Builds every part: the renderer with Vite, then main, preload, eval launcher, cli and relay with esbuild.
// Node code keeps its npm dependencies external (they are installed next to it); the sandboxed preload
// cannot require anything but electron, so it is bundled whole as CommonJS.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { chmodSync, rmSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
rmSync('dist', { recursive: true, force: true });

await vite({ configFile: 'vite.config.ts', logLevel: quiet ? 'error' : 'warn' });

const node = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', sourcemap: false, logLevel: 'warning' };
// The Electron bundles are what electronegativity scans (scripts/scan.mjs), and its parser cannot read
// private class members: a file it cannot parse fails the scan. Lowering them (to WeakMaps) only there
// keeps the scan able to read what ships; Node runs either form.
const PRIVATE_MEMBERS = ['class-private-field', 'class-private-method', 'class-private-accessor', 'class-private-static-field', 'class-private-static-method', 'class-private-static-accessor', 'class-private-brand-check'];
const electronMain = { ...node, supported: Object.fromEntries(PRIVATE_MEMBERS.map((f) => [f, false])) };
await Promise.all([
  esbuild({ ...electronMain, entryPoints: { 'main/app/main': 'main/app/main.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'main/eval': 'main/eval.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'relay/server': 'relay/server.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'cli/entente': 'cli/entente.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
  // The audit verify worker thread, found next to the bundle that verifies a history (main/audit/verify-worker-client.ts).
  esbuild({ ...node, entryPoints: { 'cli/audit-verify-worker': 'main/audit/verify-worker.ts' }, outdir: 'dist' }),
  // The Argon2id worker thread, beside each bundle that unlocks profiles (main/crypto/kdf-worker-client.ts).
  esbuild({ ...electronMain, entryPoints: { 'main/app/kdf-worker': 'main/crypto/kdf-worker.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'main/kdf-worker': 'main/crypto/kdf-worker.ts' }, outdir: 'dist' }),
  esbuild({
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron'], logLevel: 'warning',
    entryPoints: { 'main/app/preload': 'main/app/preload.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' },
  }),
]);
chmodSync('dist/cli/entente.js', 0o755);
if (!quiet) console.log('built dist/: renderer, main, preload, eval, cli, relay');
