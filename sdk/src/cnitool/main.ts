// SPDX-License-Identifier: Apache-2.0
// `node sdk/dist/cnitool/main.js add <network> <netns>`: the only cnitool file touching `process`.
import { runCnitool } from './cnitool';

void runCnitool(process.argv.slice(2), {
  env: process.env,
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}).then((code) => {
  process.exitCode = code;
});
