// SPDX-License-Identifier: Apache-2.0
import type { Clock, Imds, Logger } from '../ports';
import type { IpamdDaemon } from './ipamd-daemon';

/** Something that runs beside the daemon once it serves (HTTP servers, gauge refresher, self-repair). */
export interface SideService {
  readonly name: string;
  /** Start before the daemon (awaited; a rejection stops start-up), instead of after it serves. */
  readonly beforeDaemon?: boolean;
  /**
   * Start; must not reject for a transient problem (e.g. a busy port is retried in the background). `signal` aborts
   * when `stop()` is called during start-up.
   */
  start(signal: AbortSignal): void | Promise<unknown>;
  stop(): void | Promise<void>;
}

export interface IpamdRuntimeDeps {
  readonly daemon: Pick<IpamdDaemon, 'start' | 'stop' | 'node'>;
  readonly clock: Clock;
  readonly imds: Imds;
  readonly logger: Logger;
  /** Started in order after the daemon serves, stopped in reverse order before the daemon stops. */
  readonly services: readonly SideService[];
  /** Called when IMDS shows different VPC CIDRs on the primary ENI than last seen. Absent = IMDS is not watched. */
  readonly onVpcCidrsChanged?: (cidrs: readonly string[]) => Promise<void>;
  /** How often IMDS is re-read for the VPC CIDRs (upstream: 30 s). */
  readonly vpcCidrPollMs?: number;
}

/**
 * The ipamd process: the daemon plus what runs beside it once it serves. `start()` starts the daemon, then each side
 * service, then the VPC CIDR watch; `stop()` undoes that in reverse order.
 */
export class IpamdRuntime {
  private readonly abort = new AbortController();
  private watch: Promise<void> | undefined;
  private started: SideService[] = [];
  private readonly log: Logger;

  constructor(private readonly d: IpamdRuntimeDeps) {
    this.log = d.logger.child({ component: 'runtime' });
  }

  async start(): Promise<void> {
    for (const s of this.d.services.filter((x) => x.beforeDaemon)) {
      this.started.push(s);
      await s.start(this.abort.signal);
    }
    if (this.abort.signal.aborted) return;
    await this.d.daemon.start();
    for (const s of this.d.services.filter((x) => !x.beforeDaemon)) {
      await s.start(this.abort.signal);
      this.started.push(s);
    }
    if (this.d.onVpcCidrsChanged) this.watch = this.watchVpcCidrs(this.d.onVpcCidrsChanged);
  }

  private async watchVpcCidrs(onChange: (cidrs: readonly string[]) => Promise<void>): Promise<void> {
    const signal = this.abort.signal;
    const node = this.d.daemon.node;
    if (!node) return;
    let last = [...node.vpcCidrs].sort().join(',');
    while (!signal.aborted) {
      await this.d.clock.sleep(this.d.vpcCidrPollMs ?? 30_000, signal);
      if (signal.aborted) break;
      try {
        const ifaces = await this.d.imds.interfaces();
        const primary = ifaces.find((i) => i.mac === node.identity.primaryMac);
        if (!primary || !primary.vpcCidrs.length) continue;
        const now = [...primary.vpcCidrs].sort().join(',');
        if (now === last) continue;
        this.log.info({ before: last, after: now }, 'VPC CIDRs changed; updating host rules');
        await onChange(primary.vpcCidrs);
        last = now;
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'VPC CIDR check failed; retrying later');
      }
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.watch;
    for (const s of this.started.reverse()) {
      await Promise.resolve(s.stop()).catch((e) =>
        this.log.warn({ service: s.name, err: (e as Error).message }, 'stopping a side service failed'),
      );
    }
    this.started = [];
    await this.d.daemon.stop();
  }
}
