// `npm run bench`: every test/bench/*.bench.ts, bundled with esbuild and run in its own Node process
// so one benchmark's heap and JIT state never colour another's figures.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
// `npm run bench store` runs store.bench.ts only, not keystore.bench.ts: the name must match exactly.
const files = readdirSync('test/bench').filter((f) => f.endsWith('.bench.ts') && (!only || f === `${only}.bench.ts`)).sort();
if (files.length === 0) {
  console.error('no benchmark matched');
  process.exit(1);
}
mkdirSync('.tsbuild/bench', { recursive: true });
// The audit verify worker, next to the bundles as scripts/build.mjs puts it next to the CLI (main/audit/verify-worker-client.ts).
await build({ entryPoints: { 'audit-verify-worker': 'main/audit/verify-worker.ts' }, outdir: '.tsbuild/bench', bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
let failed = 0;
for (const file of files) {
  const outfile = join('.tsbuild/bench', file.replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join('test/bench', file)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
