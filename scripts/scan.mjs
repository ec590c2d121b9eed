// Security scan of the built Electron app with @doyensec/electronegativity, as `npm test` runs it.
//
//   node scripts/scan.mjs [--dist DIR] [--out DIR]
//
// --dist defaults to dist (build it first with `npm run build`); --out, where the report and the staged
// copy go, defaults to test-results (tests point both elsewhere to prove the gate fails).
//
// It scans what ships in the Electron app (dist/main/app and dist/renderer), not the bridge, relay or
// CLI, excluding the one check that needs the network (AvailableSecurityFixesGlobalCheck). It writes
// test-results/electronegativity.csv and exits 1 while any HIGH or MEDIUM finding is left, or when a
// file could not be parsed (a file it cannot read yields no findings, which must not pass as clean).
//
// Electronegativity's CLI exits 0 whatever it finds, and its CSV writer writes the header and the rows
// with two racing asynchronous writes (the rows can be truncated away). So the scan calls its API,
// gates on the findings it returns and writes the CSV report itself, in the CLI's columns.
//
// Silencing: a finding that does not apply gets `/* eng-disable CHECK_ID -- why */` at its source line.
// esbuild keeps such a comment but moves it onto its own line just above the flagged one, where
// electronegativity (which reads only the flagged line) no longer sees it; this script honours it
// there and names the source module, so every silenced finding stays reviewable.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TOOL_DIR = join(ROOT, 'tools', 'electronegativity');
const TOOL_ENTRY = join(TOOL_DIR, 'node_modules', '@doyensec', 'electronegativity', 'package.json');
const OUT_DIR = argDir('--out', 'test-results');
const STAGE = join(OUT_DIR, 'electronegativity', 'app');
const REPORT = join(OUT_DIR, 'electronegativity.csv');
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);
// The pattern electronegativity itself uses for inline annotations (dist/util/exceptions.js).
const ENG_DISABLE = /(?:\/\*|\/\/)[ \t]*eng-disable[ \t]+([\w \t]+)/i;

function fail(message) {
  console.error(`scan: ${message}`);
  process.exit(1);
}

function argDir(flag, fallback) {
  const at = process.argv.indexOf(flag);
  if (at === -1) return join(ROOT, fallback);
  return resolve(process.argv[at + 1] ?? fail(`${flag} needs a folder`));
}

function ensureInstalled() {
  if (existsSync(TOOL_ENTRY)) return;
  console.log('scan: installing electronegativity (npm ci --prefix tools/electronegativity)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', TOOL_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(TOOL_ENTRY)) fail('could not install tools/electronegativity');
}

/**
 * Copies what the packaged app contains into one folder. Electronegativity reads only .js/.html/.ts
 * files, so the CommonJS preload is staged as preload.js; the package.json names the Electron version
 * so the checks apply that version's defaults.
 */
function stage(dist, electronVersion) {
  const mainApp = join(dist, 'main', 'app');
  const renderer = join(dist, 'renderer');
  for (const need of [join(mainApp, 'main.js'), join(mainApp, 'preload.cjs'), join(renderer, 'index.html')]) {
    if (!existsSync(need)) fail(`${need} is missing; run \`npm run build\` first`);
  }
  rmSync(STAGE, { recursive: true, force: true });
  mkdirSync(join(STAGE, 'main', 'app'), { recursive: true });
  for (const name of readdirSync(mainApp)) {
    if (/\.c?js$/.test(name)) cpSync(join(mainApp, name), join(STAGE, 'main', 'app', name.replace(/\.cjs$/, '.js')));
  }
  cpSync(renderer, join(STAGE, 'renderer'), { recursive: true });
  const pkg = { name: 'entente', private: true, main: 'main/app/main.js', devDependencies: { electron: electronVersion } };
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** The eng-disable comment esbuild left on or just above the flagged line, as the source module holding it. */
function silencedAt(issue) {
  const line = issue.location?.line;
  if (issue.file === 'N/A' || !Number.isInteger(line) || line < 1) return null;
  const path = join(STAGE, issue.file);
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const index of [line - 1, line - 2]) {
    const text = (lines[index] ?? '').trim();
    const commentOnly = /^(\/\*.*\*\/|\/\/.*)$/.test(text);
    if (index === line - 2 && !commentOnly) continue;
    const ids = (text.match(ENG_DISABLE)?.[1] ?? '').trim().split(/[\s,]+/);
    if (!ids.some((id) => id.toUpperCase() === issue.id.toUpperCase())) continue;
    // esbuild marks where each bundled module starts with a `// path/to/source.ts` line.
    const marker = lines.slice(0, index).reverse().find((l) => /^\/\/ \S+\.(tsx?|m?js|cjs)$/.test(l));
    return marker ? marker.slice(3) : issue.file;
  }
  return null;
}

const csvField = (value) => `"${String(value ?? '').replace(/"/g, '""')}"`;

function writeReport(rows) {
  const header = ['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description', 'url', 'silenced_at'];
  const lines = rows.map(({ issue, silenced }) =>
    [
      issue.id,
      issue.severity.name,
      issue.confidence.name,
      issue.file,
      `${issue.location?.line ?? 0}:${issue.location?.column ?? 0}`,
      issue.sample ?? '',
      issue.description ?? '',
      `https://github.com/doyensec/electronegativity/wiki/${issue.id}`,
      silenced ?? '',
    ].map(csvField).join(','),
  );
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(REPORT, `${[header.join(','), ...lines].join('\n')}\n`);
}

async function main() {
  const dist = argDir('--dist', 'dist');
  ensureInstalled();
  const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const electronVersion = rootPkg.devDependencies?.electron ?? fail('package.json pins no electron version');
  stage(dist, electronVersion);

  const electronegativity = createRequire(TOOL_ENTRY)('@doyensec/electronegativity');
  const result = await electronegativity({
    input: STAGE,
    customScan: [],
    excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
    isRelative: true,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
  const unparsed = result.errors.filter((e) => !e.tolerable);
  if (unparsed.length > 0) fail(`could not parse ${unparsed.map((e) => `${e.file}: ${e.message}`).join('; ')}`);

  const rows = result.issues.map((issue) => ({
    issue,
    silenced: BLOCKING.has(issue.severity.name) ? silencedAt(issue) : null,
  }));
  writeReport(rows);

  const blocking = rows.filter((r) => BLOCKING.has(r.issue.severity.name) && r.silenced === null);
  const silenced = rows.filter((r) => r.silenced !== null);
  for (const { issue } of blocking) {
    console.error(`scan: ${issue.severity.name} ${issue.id} at ${issue.file}:${issue.location?.line ?? 0} ${issue.sample ?? ''}`);
  }
  const note = silenced.length > 0 ? `, ${silenced.length} silenced at source (${silenced.map((r) => `${r.issue.id} in ${r.silenced}`).join(', ')})` : '';
  const rest = rows.length - blocking.length - silenced.length;
  console.log(`electronegativity: ${blocking.length} high/medium${note}, ${rest} low/informational; report ${relative(ROOT, REPORT)}`);
  process.exitCode = blocking.length > 0 ? 1 : 0;
}

await main();
