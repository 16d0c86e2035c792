#!/usr/bin/env node
import { writeFileSync } from 'node:fs';

import { runPlanCli } from './plan-cli';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = runPlanCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  writeFile: (path, text) => writeFileSync(path, text),
});
