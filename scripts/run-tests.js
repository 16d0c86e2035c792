#!/usr/bin/env node
// Runs every jest tier and ends with one plain line, "tests: N passed, N failed, N skipped", that CI reads.
// Privileged tests need root; without it they are skipped with a clear message instead of failing.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, '.jest-results', 'results.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.rmSync(out, { force: true });

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const projects = ['unit', 'integ'];
if (isRoot) projects.push('privileged');
else console.log('run-tests: not root: privileged (real kernel) tests are skipped; run as root to include them.');

const args = ['jest', '--selectProjects', ...projects, '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS; // adds ~37 ms to every node start the tests spawn
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });

let summary = {
  numPassedTests: 0,
  numFailedTests: 0,
  numPendingTests: 0,
  numTotalTestSuites: 0,
  numFailedTestSuites: 0,
};
try {
  summary = JSON.parse(fs.readFileSync(out, 'utf8'));
} catch {
  console.error('run-tests: jest wrote no results file');
}
const failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites || 0);
console.log(`tests: ${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests} skipped`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
