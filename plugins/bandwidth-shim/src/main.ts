// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: wires the real kernel adapter to the handlers and runs one CNI command.
import { runCni } from './cni/run';
import { bandwidthHandlers } from './handlers/bandwidth-handlers';
import { TcShapingKernel } from './kernel/tc-kernel';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

void runCni(bandwidthHandlers(new TcShapingKernel()), {
  env: process.env,
  readStdin,
  writeStdout: (t) => process.stdout.write(t),
}).then((code) => {
  process.exitCode = code;
});
