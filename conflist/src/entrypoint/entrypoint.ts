// SPDX-License-Identifier: Apache-2.0
import { inject, injectable } from 'tsyringe';

import { ENTRYPOINT_PLUGINS, type EntrypointConfig } from '../config';
import { type ExecutableInstaller } from '../fs';
import {
  assertValidConflist,
  buildConflist,
  neededNodeFacts,
  type NetConfValidators,
  type NodeFacts,
} from '../generate';
import { type HealthProbe } from '../health';
import { type NodeMetadata } from '../imds';
import { type Logger } from '../log';
import { Tokens } from '../tokens';
import { type ConflistSink } from './conflist-sink';
import { type DaemonLauncher, type DaemonProcess, signalExitCode } from './daemon';
import { waitUntilServing, type WaitOptions } from './wait-healthy';

/**
 * `aws-vpc-cni`: installs the plugins, starts ipamd, waits until its gRPC health check answers SERVING, then
 * writes `10-aws.conflist` (which is what makes the node network-ready) and lives as long as ipamd.
 * Configuration was validated before this object exists, so an invalid environment writes nothing.
 */
@injectable()
export class Entrypoint {
  private daemon?: DaemonProcess;
  private stopping?: NodeJS.Signals;
  waitOptions: WaitOptions = {};

  constructor(
    @inject(Tokens.EntrypointConfig) private readonly cfg: EntrypointConfig,
    @inject(Tokens.Installer) private readonly installer: ExecutableInstaller,
    @inject(Tokens.Daemon) private readonly launcher: DaemonLauncher,
    @inject(Tokens.HealthProbe) private readonly probe: HealthProbe,
    @inject(Tokens.NodeMetadata) private readonly imds: NodeMetadata,
    @inject(Tokens.Validators) private readonly validators: NetConfValidators,
    @inject(Tokens.ConflistSink) private readonly sink: ConflistSink,
    @inject(Tokens.Logger) private readonly log: Logger,
  ) {}

  /** Runs to the end and returns the process exit code: ipamd's, or 1 if start-up failed. */
  async run(): Promise<number> {
    for (const w of this.cfg.warnings) this.log.warn(w);
    const installed = await this.installer.install(this.cfg.pluginSourceDir, this.cfg.hostCniBinPath, {
      wanted: ENTRYPOINT_PLUGINS,
    });
    this.log.info('installed CNI plugins', { dir: this.cfg.hostCniBinPath, names: installed });
    if (this.stopping) return signalExitCode(this.stopping);

    const daemon = (this.daemon = this.launcher.start());
    this.log.info('started ipamd', { path: this.cfg.ipamdPath });
    const outcome = await waitUntilServing(this.probe, daemon.exited, this.log, this.waitOptions);
    if (!outcome.healthy && this.stopping) {
      this.log.info('stopped before ipamd served; no conflist written', {
        signal: this.stopping,
        exitCode: outcome.exitCode,
      });
      return outcome.exitCode;
    }
    if (!outcome.healthy) {
      this.log.error('ipamd exited before it served; no conflist written', { exitCode: outcome.exitCode });
      return outcome.exitCode || 1;
    }
    if (this.stopping) return daemon.exited;
    this.log.info('ipamd serves', { socket: this.cfg.ipamdSocket });

    try {
      const facts = await this.nodeFacts();
      const conflist = buildConflist(this.cfg.conflist, facts);
      assertValidConflist(conflist, this.validators);
      const file = await this.sink.write(conflist);
      this.log.info('wrote conflist', { file, plugins: conflist.plugins.map((p) => p.type) });
    } catch (err) {
      this.log.error('could not write the conflist; stopping ipamd', { error: (err as Error).message });
      daemon.kill('SIGTERM');
      await daemon.exited;
      return 1;
    }
    const code = await daemon.exited;
    this.log.info('ipamd exited', { exitCode: code });
    return code;
  }

  /** Forwards a termination signal to ipamd (or prevents it from starting). */
  stop(signal: NodeJS.Signals): void {
    this.stopping = signal;
    this.daemon?.kill(signal);
  }

  private async nodeFacts(): Promise<NodeFacts> {
    const need = neededNodeFacts(this.cfg.conflist);
    const facts: { localIpv4?: string; primaryIpv6?: string } = {};
    if (need.includes('localIpv4')) facts.localIpv4 = await this.imds.localIpv4();
    if (need.includes('primaryIpv6')) {
      facts.primaryIpv6 = await this.imds.primaryIpv6();
      if (!facts.primaryIpv6)
        this.log.warn('ENABLE_V6_EGRESS is set but the primary ENI has no IPv6 address; egress-cni stays disabled');
    }
    return facts;
  }
}
