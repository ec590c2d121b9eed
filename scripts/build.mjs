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
await Promise.all([
  esbuild({ ...node, entryPoints: { 'main/app/main': 'main/app/main.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'main/eval': 'main/eval.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'relay/server': 'relay/server.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'cli/entente': 'cli/entente.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
  // The audit verify worker thread, found next to the bundle that verifies a history (main/audit/verify-worker-client.ts).
  esbuild({ ...node, entryPoints: { 'cli/audit-verify-worker': 'main/audit/verify-worker.ts' }, outdir: 'dist' }),
  // The Argon2id worker thread, beside each bundle that unlocks profiles (main/crypto/kdf-worker-client.ts).
  esbuild({ ...node, entryPoints: { 'main/app/kdf-worker': 'main/crypto/kdf-worker.ts', 'main/kdf-worker': 'main/crypto/kdf-worker.ts' }, outdir: 'dist' }),
  esbuild({
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron'], logLevel: 'warning',
    entryPoints: { 'main/app/preload': 'main/app/preload.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' },
  }),
]);
chmodSync('dist/cli/entente.js', 0o755);
if (!quiet) console.log('built dist/: renderer, main, preload, eval, cli, relay');
