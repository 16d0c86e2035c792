#!/usr/bin/env node
// Bundles one executable's compiled entry (dist/main.js) into a single file with ncc: dist/bin/<name>.js.
// Run from the package folder after `tsc -b`. Bundles are build output: never committed.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const name = process.argv[2];
const entry = process.argv[3] || 'dist/main.js';
if (!name) {
  console.error('usage: bundle.js <name> [entry]');
  process.exit(2);
}
const pkgDir = process.cwd();
const outDir = path.join(pkgDir, 'dist', 'bundle', name);
const ncc = require.resolve('@vercel/ncc/dist/ncc/cli.js');
execFileSync(
  process.execPath,
  [ncc, 'build', path.join(pkgDir, entry), '-o', outDir, '-q', '--no-source-map-register', '-t'],
  {
    stdio: 'inherit',
  },
);
const bin = path.join(pkgDir, 'dist', 'bin');
fs.mkdirSync(bin, { recursive: true });
fs.copyFileSync(path.join(outDir, 'index.js'), path.join(bin, `${name}.js`));
console.log(`bundled ${name}: ${(fs.statSync(path.join(bin, `${name}.js`)).size / 1024).toFixed(0)} KiB`);
