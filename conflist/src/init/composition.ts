// SPDX-License-Identifier: Apache-2.0
import { container as rootContainer } from 'tsyringe';

import { type InitConfig } from '../config';
import { FsExecutableInstaller } from '../fs';
import { ProcSysctl, SysfsHostLinks } from '../host';
import { ImdsClient } from '../imds';
import { JsonLineLogger } from '../log';
import { Tokens } from '../tokens';
import { InitStep } from './init-step';

/** The init step's composition root: production adapters rooted where the configuration says. */
export function composeInit(cfg: InitConfig, writeErr: (line: string) => void): InitStep {
  const c = rootContainer.createChildContainer();
  c.register(Tokens.InitConfig, { useValue: cfg });
  c.register(Tokens.Installer, { useValue: new FsExecutableInstaller() });
  c.register(Tokens.NodeMetadata, { useValue: new ImdsClient({ endpoint: cfg.imdsEndpoint }) });
  c.register(Tokens.HostLinks, { useValue: new SysfsHostLinks(cfg.sysClassNetRoot) });
  c.register(Tokens.Sysctl, { useValue: new ProcSysctl(cfg.procSysRoot) });
  c.register(Tokens.Logger, { useValue: new JsonLineLogger(writeErr, 'aws-vpc-cni-init') });
  return c.resolve(InitStep);
}
