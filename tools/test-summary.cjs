// Sums the Jest JSON reports of every project into one closing line: "N passed, N failed",
// preceded by the name and the first lines of the message of every failed test, so the end
// of a CI log says what failed without scrolling through every project's output.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2] || 'tmp/jest';
let passed = 0, failed = 0, skipped = 0, suites = 0;
const failures = [];
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
  if (!file.endsWith('.json')) continue;
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
  skipped += report.numPendingTests + (report.numTodoTests || 0);
  suites += report.numTotalTestSuites;
  for (const suite of report.testResults || []) {
    const where = path.relative(process.cwd(), suite.name);
    const failedTests = (suite.assertionResults || []).filter((t) => t.status === 'failed');
    for (const t of failedTests) failures.push({ where, name: t.fullName || t.title, message: (t.failureMessages || []).join('\n') });
    if (failedTests.length === 0 && suite.status === 'failed') failures.push({ where, name: '(the file itself)', message: suite.message || '' });
  }
}
// First lines of a message, without terminal colours.
const excerpt = (message) =>
  message.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(0, 8).map((l) => `      ${l}`).join('\n');
if (failures.length > 0) {
  console.log(`\nfailed tests:`);
  for (const f of failures) console.log(`  ✕ ${f.where} › ${f.name}\n${excerpt(f.message)}`);
}
console.log(`\n${suites} test suites`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
