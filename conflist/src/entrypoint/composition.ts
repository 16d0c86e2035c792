// SPDX-License-Identifier: Apache-2.0
import { container as rootContainer, type DependencyContainer } from 'tsyringe';

import { type EntrypointConfig } from '../config';
import { FsExecutableInstaller } from '../fs';
import { defaultValidators, type NetConfValidators } from '../generate';
import { GrpcHealthProbe, unixTarget } from '../health';
import { ImdsClient } from '../imds';
import { JsonLineLogger } from '../log';
import { Tokens } from '../tokens';
import { DirConflistSink } from './conflist-sink';
import { SpawnDaemonLauncher } from './daemon';
import { Entrypoint } from './entrypoint';

/** What the composition root takes from the process (main.ts is the only file touching `process`). */
export interface EntrypointProcess {
  readonly env: NodeJS.ProcessEnv;
  readonly execPath: string;
  readonly writeErr: (line: string) => void;
  readonly validators?: NetConfValidators;
}

/** The entrypoint's composition root: production adapters for a validated configuration. */
export function composeEntrypoint(cfg: EntrypointConfig, proc: EntrypointProcess): Entrypoint {
  const c: DependencyContainer = rootContainer.createChildContainer();
  c.register(Tokens.EntrypointConfig, { useValue: cfg });
  c.register(Tokens.Installer, { useValue: new FsExecutableInstaller() });
  c.register(Tokens.Daemon, { useValue: new SpawnDaemonLauncher(cfg.ipamdPath, proc.execPath, proc.env) });
  c.register(Tokens.HealthProbe, { useValue: new GrpcHealthProbe(unixTarget(cfg.ipamdSocket)) });
  c.register(Tokens.NodeMetadata, { useValue: new ImdsClient({ endpoint: cfg.imdsEndpoint }) });
  c.register(Tokens.Validators, { useValue: proc.validators ?? defaultValidators() });
  c.register(Tokens.ConflistSink, { useValue: new DirConflistSink(cfg.hostCniConfDirPath) });
  c.register(Tokens.Logger, { useValue: new JsonLineLogger(proc.writeErr, 'aws-vpc-cni') });
  return c.resolve(Entrypoint);
}
