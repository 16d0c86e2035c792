// SPDX-License-Identifier: Apache-2.0
import type { DependencyContainer } from 'tsyringe';

import type { Checkpoint } from './checkpoint';
import type { IpamdConfig } from './config';
import type { IpamdDaemon } from './daemon';
import type { Clock, Ec2Api, HostNetwork, Imds, Logger, Metrics, NodeStatus } from './ports';

/** A symbol carrying the type it resolves to. */
export type Token<T> = symbol & { readonly __type?: T };
const token = <T>(name: string): Token<T> => Symbol(name) as Token<T>;

/** Typed injection tokens of the ipamd composition root. */
export const TOKENS = {
  Config: token<IpamdConfig>('IpamdConfig'),
  Logger: token<Logger>('Logger'),
  Clock: token<Clock>('Clock'),
  Metrics: token<Metrics>('Metrics'),
  Imds: token<Imds>('Imds'),
  Ec2Api: token<Ec2Api>('Ec2Api'),
  Checkpoint: token<Checkpoint>('Checkpoint'),
  HostNetwork: token<HostNetwork>('HostNetwork'),
  NodeStatus: token<NodeStatus>('NodeStatus'),
  Daemon: token<IpamdDaemon>('IpamdDaemon'),
} as const;

/** Resolve a typed token. */
export function resolve<T>(c: DependencyContainer, t: Token<T>): T {
  return c.resolve<T>(t);
}
