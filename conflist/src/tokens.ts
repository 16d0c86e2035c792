// SPDX-License-Identifier: Apache-2.0
import { type InjectionToken } from 'tsyringe';

import { type EntrypointConfig, type InitConfig } from './config';
import { type DaemonLauncher } from './entrypoint/daemon';
import { type ConflistSink } from './entrypoint/conflist-sink';
import { type ExecutableInstaller } from './fs';
import { type NetConfValidators } from './generate';
import { type HealthProbe } from './health';
import { type HostLinks, type Sysctl } from './host';
import { type NodeMetadata } from './imds';
import { type Logger } from './log';

/** Typed injection tokens shared by the two composition roots (init step and entrypoint). */
export const Tokens = {
  InitConfig: Symbol('InitConfig') as InjectionToken<InitConfig>,
  EntrypointConfig: Symbol('EntrypointConfig') as InjectionToken<EntrypointConfig>,
  Installer: Symbol('ExecutableInstaller') as InjectionToken<ExecutableInstaller>,
  NodeMetadata: Symbol('NodeMetadata') as InjectionToken<NodeMetadata>,
  HostLinks: Symbol('HostLinks') as InjectionToken<HostLinks>,
  Sysctl: Symbol('Sysctl') as InjectionToken<Sysctl>,
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Daemon: Symbol('DaemonLauncher') as InjectionToken<DaemonLauncher>,
  HealthProbe: Symbol('HealthProbe') as InjectionToken<HealthProbe>,
  ConflistSink: Symbol('ConflistSink') as InjectionToken<ConflistSink>,
  Validators: Symbol('NetConfValidators') as InjectionToken<NetConfValidators>,
} as const;
