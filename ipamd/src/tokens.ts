// SPDX-License-Identifier: Apache-2.0
import type { DependencyContainer } from 'tsyringe';

import type { Checkpoint } from './checkpoint';
import type { IpamdConfig } from './config';
import type { IpamdDaemon, IpamdRuntime } from './daemon';
import type { HostNetworkService } from './hostnet';
import type { LeakedEniCleanupJob } from './eni-hygiene';
import type { IntrospectionServer } from './introspection';
import type { KubeApi, KubeNodeStatus } from './kube';
import type { DatastoreGaugeRefresher, MetricsServer, PromMetrics } from './metrics';
import type { NodeInfo } from './pool';
import type { Clock, Ec2Api, EniPlacement, HostNetwork, Imds, Logger, Metrics, NodeStatus } from './ports';

/** A symbol carrying the type it resolves to. */
export type Token<T> = symbol & { readonly __type?: T };
const token = <T>(name: string): Token<T> => Symbol(name) as Token<T>;

/** Typed injection tokens of the ipamd composition root. */
export const TOKENS = {
  Config: token<IpamdConfig>('IpamdConfig'),
  Logger: token<Logger>('Logger'),
  Clock: token<Clock>('Clock'),
  Metrics: token<Metrics>('Metrics'),
  /** The same instance as `Metrics`, typed as the Prometheus adapter (exposition, build info, gauges). */
  PromMetrics: token<PromMetrics>('PromMetrics'),
  Imds: token<Imds>('Imds'),
  Ec2Api: token<Ec2Api>('Ec2Api'),
  Checkpoint: token<Checkpoint>('Checkpoint'),
  HostNetwork: token<HostNetwork>('HostNetwork'),
  /** The kernel-backed host networking, or undefined when VPC_CNI_TS_MANAGE_HOST_NETWORK=false. */
  HostNetworkService: token<HostNetworkService | undefined>('HostNetworkService'),
  NodeStatus: token<NodeStatus>('NodeStatus'),
  /** The API server, or undefined when no feature wants it or no connection is configured. */
  KubeApi: token<KubeApi | undefined>('KubeApi'),
  /** The Node-backed status when MY_NODE_NAME and the API server are known, else undefined. */
  KubeNodeStatus: token<KubeNodeStatus | undefined>('KubeNodeStatus'),
  Daemon: token<IpamdDaemon>('IpamdDaemon'),
  /** Upstream's leaked-ENI job (start-up pass, then hourly); built once the VPC is known. */
  LeakedEniJob: token<(vpcId: string) => LeakedEniCleanupJob>('LeakedEniJob'),
  /** Subnet/security groups of new ENIs and ENIs excluded for pods (discovery or custom networking), per node. */
  EniPlacementFor: token<(node: NodeInfo) => EniPlacement>('EniPlacementFor'),
  MetricsServer: token<MetricsServer>('MetricsServer'),
  IntrospectionServer: token<IntrospectionServer>('IntrospectionServer'),
  GaugeRefresher: token<DatastoreGaugeRefresher>('DatastoreGaugeRefresher'),
  /** The daemon plus the servers and loops beside it: what `main.ts` starts and stops. */
  Runtime: token<IpamdRuntime>('IpamdRuntime'),
} as const;

/** Resolve a typed token. */
export function resolve<T>(c: DependencyContainer, t: Token<T>): T {
  return c.resolve<T>(t);
}
