#!/usr/bin/env node
import { runMaxPodsCli } from './max-pods-cli';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = runMaxPodsCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  writeFile: () => {
    throw new Error('max-pods writes no files');
  },
});
