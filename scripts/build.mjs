// Builds every part: the renderer with Vite, then main, preload, worker threads, eval launcher, cli and
// relay with esbuild. Node code keeps its npm dependencies external (they are installed next to it); the
// sandboxed preload cannot require anything but electron, so it is bundled whole as CommonJS, and so are
// the Electron app's worker threads (below).
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
rmSync('dist', { recursive: true, force: true });

await vite({ configFile: 'vite.config.ts', logLevel: quiet ? 'error' : 'warn' });

const node = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', sourcemap: false, logLevel: 'warning' };
// The Electron bundles are what electronegativity scans (scripts/scan.mjs), and its parser cannot read
// private class members: a file it cannot parse fails the scan. Lowering them (to WeakMaps) only there
// keeps the scan able to read what ships; Node runs either form.
const PRIVATE_MEMBERS = ['class-private-field', 'class-private-method', 'class-private-accessor', 'class-private-static-field', 'class-private-static-method', 'class-private-static-accessor', 'class-private-brand-check'];
const electronMain = { ...node, supported: Object.fromEntries(PRIVATE_MEMBERS.map((f) => [f, false])) };
const { packages: _external, ...electronWorker } = electronMain;
// The worker threads, each beside every bundle that starts it (main/workers/unpacked-path.ts finds them).
// The Electron app's copies are bundled whole: electron-builder unpacks them from app.asar (asarUnpack in
// electron-builder.yml), and from app.asar.unpacked no node_modules can be reached (those stay packed),
// so they must need nothing but Node's own modules. The package.json written beside them (unpacked too)
// says they are ES modules: unpacked, the project's package.json in the archive is out of their sight,
// and the nearest one above the install folder could say anything.
// test/unit/electron/packaged-workers.test.ts starts them from a copy of that layout.
const ELECTRON_WORKERS = {
  'main/app/kdf-worker': 'main/crypto/kdf-worker.ts',
  'main/app/audit-verify-worker': 'main/audit/verify-worker.ts',
};
const NODE_WORKERS = {
  'main/kdf-worker': 'main/crypto/kdf-worker.ts',
  'main/audit-verify-worker': 'main/audit/verify-worker.ts',
  'cli/audit-verify-worker': 'main/audit/verify-worker.ts',
};
await Promise.all([
  esbuild({ ...electronMain, entryPoints: { 'main/app/main': 'main/app/main.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'main/eval': 'main/eval.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'relay/server': 'relay/server.ts' }, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: { 'cli/entente': 'cli/entente.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
  esbuild({ ...electronWorker, entryPoints: ELECTRON_WORKERS, outdir: 'dist' }),
  esbuild({ ...node, entryPoints: NODE_WORKERS, outdir: 'dist' }),
  esbuild({
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron'], logLevel: 'warning',
    entryPoints: { 'main/app/preload': 'main/app/preload.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' },
  }),
]);
writeFileSync('dist/main/app/package.json', `${JSON.stringify({ type: 'module' })}\n`);
chmodSync('dist/cli/entente.js', 0o755);
if (!quiet) console.log('built dist/: renderer, main, preload, workers, eval, cli, relay');
