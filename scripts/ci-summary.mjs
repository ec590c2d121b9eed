// CI reads one closing line, `N passed, N failed[, N skipped]`. Vitest's own summary is not that
// format, so this sums the JSON reports the test scripts wrote and prints it; it fails when nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const reports = ['test-results/vitest-unit.json', 'test-results/vitest-e2e.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const file of reports) {
  if (!existsSync(file)) {
    missing.push(file);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that failed to load has no tests in the counts; count it as a failure so it cannot hide.
  for (const suite of report.testResults ?? []) if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
}
if (missing.length > 0) console.error(`missing test report(s): ${missing.join(', ')} — an earlier step failed before tests ran`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || missing.length > 0 ? 1 : 0);
