// Reads vitest's JSON report and prints the plain closing line CI reads.
// A test file that failed to load has no assertion results; it counts as one failure so it cannot hide.
import { readFileSync, existsSync } from 'node:fs';

const path = process.argv[2] ?? '.vitest-report.json';
if (!existsSync(path)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of report.testResults ?? []) {
  const results = file.assertionResults ?? [];
  if (file.status === 'failed' && results.every((r) => r.status !== 'failed')) failed += 1;
  for (const r of results) {
    if (r.status === 'passed') passed += 1;
    else if (r.status === 'failed') failed += 1;
    else skipped += 1;
  }
}
// The last line is the plain count line CI reads; skipped tests (corpora absent) are reported just before it.
console.log(`(${skipped} skipped)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
