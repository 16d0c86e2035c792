// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: the composition root of egress-cni.
import { runCni } from './cni/run';
import { egressHandlers } from './handlers/egress-handlers';
import { FileLeaseStore } from './ipam/file-lease-store';
import { IpEgressKernel } from './kernel/ip-egress-kernel';
import { fileLogger } from './log/file-logger';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const handlers = egressHandlers({
  kernel: new IpEgressKernel(),
  leases: (dir) => new FileLeaseStore(dir),
  logger: (cfg, req) =>
    fileLogger(
      cfg.logFile,
      cfg.logLevel,
      { plugin: 'egress-cni', containerId: req.containerId, netns: req.netns, command: req.command },
      (s) => process.stderr.write(s),
    ),
});

void runCni(handlers, { env: process.env, readStdin, writeStdout: (t) => process.stdout.write(t) }).then((code) => {
  process.exitCode = code;
});
