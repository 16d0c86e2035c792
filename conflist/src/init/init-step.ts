// SPDX-License-Identifier: Apache-2.0
import { inject, injectable } from 'tsyringe';

import { type InitConfig } from '../config';
import { type ExecutableInstaller } from '../fs';
import { type HostLinks, type Sysctl } from '../host';
import { type NodeMetadata } from '../imds';
import { type Logger } from '../log';
import { Tokens } from '../tokens';
import { planSysctls } from './plan-sysctls';

/** Names in the source directory that are never installed on the host: the init step itself. */
export const INIT_SELF_NAMES = Object.freeze(['aws-vpc-cni-init', 'aws-vpc-cni-init.js']);

/** Thrown when the primary interface cannot be found among the host's links. */
export class PrimaryInterfaceError extends Error {
  override readonly name = 'PrimaryInterfaceError';
}

/**
 * `aws-vpc-cni-init`: installs every regular file of the source directory (but itself) into the host CNI bin
 * dir, finds the primary interface (IMDS `mac` matched against link addresses), then sets the sysctls of
 * {@link planSysctls}.
 */
@injectable()
export class InitStep {
  constructor(
    @inject(Tokens.InitConfig) private readonly cfg: InitConfig,
    @inject(Tokens.Installer) private readonly installer: ExecutableInstaller,
    @inject(Tokens.NodeMetadata) private readonly imds: NodeMetadata,
    @inject(Tokens.HostLinks) private readonly links: HostLinks,
    @inject(Tokens.Sysctl) private readonly sysctl: Sysctl,
    @inject(Tokens.Logger) private readonly log: Logger,
  ) {}

  async run(): Promise<void> {
    for (const w of this.cfg.warnings) this.log.warn(w);
    const installed = await this.installer.install(this.cfg.pluginSourceDir, this.cfg.hostCniBinPath, {
      exclude: INIT_SELF_NAMES,
    });
    this.log.info('installed CNI executables', { dir: this.cfg.hostCniBinPath, names: installed });

    const mac = await this.imds.primaryMac();
    const primaryIf = await this.links.findByMac(mac);
    if (!primaryIf) throw new PrimaryInterfaceError(`no link has the primary ENI's MAC address ${mac}`);

    for (const step of planSysctls(this.cfg, primaryIf)) {
      if (step.ifExists && (await this.sysctl.read(step.key)) === undefined) {
        this.log.info('sysctl absent on this kernel, skipped', { key: step.key });
        continue;
      }
      await this.sysctl.write(step.key, step.value);
      this.log.info('sysctl set', { key: step.key, value: step.value });
    }
  }
}
