import { type Kernel } from '@vpc-cni-ts/sdk/kernel';

import { type IpamdClient } from '../ipamd/ipamd-client';
import { type NpAgentClient } from '../ipamd/np-agent-client';
import { type Logger } from '../log/plugin-logger';

/** What the handlers need from the outside world (built by the composition root, faked in tests). */
export interface AwsCniDeps {
  readonly kernel: Kernel;
  readonly ipamd: IpamdClient;
  /** The network policy agent; called only when ipamd reports a NetworkPolicyMode. */
  readonly npAgent: () => NpAgentClient;
  readonly log: Logger;
  /** Random locally administered MAC for a host veth. */
  readonly randomMac: () => string;
  /** Sent as ClientVersion; ipamd rejects a mismatch, and upstream builds leave both sides empty. */
  readonly clientVersion: string;
}
