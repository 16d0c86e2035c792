// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: the composition root of egress-cni.
import { pluginMain, processIo, requestPlugin } from '@vpc-cni-ts/sdk/skel';

import { egressHandlers } from './handlers/egress-handlers';
import { FileLeaseStore } from './ipam/file-lease-store';
import { IpEgressKernel } from './kernel/ip-egress-kernel';
import { fileLogger } from './log/file-logger';

const egress = egressHandlers({
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

const [verbs, info] = requestPlugin(egress);
void pluginMain(verbs, info, processIo(process));
