// Sums the Jest JSON reports of every project into one closing line: "N passed, N failed".
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2] || 'tmp/jest';
let passed = 0, failed = 0, skipped = 0, suites = 0;
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!file.endsWith('.json')) continue;
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
  skipped += report.numPendingTests + (report.numTodoTests || 0);
  suites += report.numTotalTestSuites;
}
console.log(`\n${suites} test suites`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
