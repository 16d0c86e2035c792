// SPDX-License-Identifier: Apache-2.0
import type { HostNetworkConfig, PoolConfig } from '../config';
import type { AddressView, CidrView, DatastoreView, EniDetail } from './datastore-view';
import { cidrSize } from './datastore-view';
import { goIpNet, goTimeFromMs, goTimeFromNs, sortedObject } from './go-json';

/** Upstream's AddressInfo JSON. `containerID` and `ifName` are always "" (upstream v1.23.0 scrubs them). */
export interface AddressInfoJson {
  Address: string;
  IPAMKey: { networkName: string; containerID: string; ifName: string };
  IPAMMetadata: { k8sPodNamespace?: string; k8sPodName?: string; interfacesCount?: number };
  AssignedTime: string;
  UnassignedTime: string;
}

export interface CidrInfoJson {
  Cidr: { IP: string; Mask: string };
  IPAddresses: Record<string, AddressInfoJson>;
  IsPrefix: boolean;
  AddressFamily: string;
}

export interface EniJson {
  ID: string;
  IsPrimary: boolean;
  IsTrunk: boolean;
  IsEFA: boolean;
  DeviceNumber: number;
  AvailableIPv4Cidrs: Record<string, CidrInfoJson>;
  IPv6Cidrs: Record<string, CidrInfoJson>;
  IsExcludedForPodIPs: boolean;
  RouteTableID: number;
  SubnetID: string;
}

export interface EniInfosJson {
  TotalIPs: number;
  AssignedIPs: number;
  ENIs: Record<string, EniJson>;
}

function addressJson(a: AddressView): AddressInfoJson {
  const md: AddressInfoJson['IPAMMetadata'] = {};
  // Go omitempty: empty strings and 0 are left out.
  if (a.metadata?.k8sPodNamespace) md.k8sPodNamespace = a.metadata.k8sPodNamespace;
  if (a.metadata?.k8sPodName) md.k8sPodName = a.metadata.k8sPodName;
  if (a.metadata?.interfacesCount) md.interfacesCount = a.metadata.interfacesCount;
  return {
    Address: a.address,
    IPAMKey: { networkName: a.key?.networkName ?? '', containerID: '', ifName: '' },
    IPAMMetadata: a.key ? md : {},
    AssignedTime: a.key ? goTimeFromNs(a.assignedAtNs) : goTimeFromNs(undefined),
    UnassignedTime: a.key ? goTimeFromMs(undefined) : goTimeFromMs(a.unassignedAtMs),
  };
}

function cidrJson(c: CidrView): CidrInfoJson {
  return {
    Cidr: goIpNet(c.cidr),
    IPAddresses: sortedObject(c.addresses.map((a) => [a.address, addressJson(a)] as const)),
    IsPrefix: c.isPrefix,
    // Upstream's introspection copy leaves AddressFamily empty (notes 6.1).
    AddressFamily: '',
  };
}

function eniJson(e: EniDetail): EniJson {
  return {
    ID: e.id,
    IsPrimary: e.isPrimary,
    IsTrunk: e.isTrunk ?? false,
    IsEFA: e.isEfa ?? false,
    DeviceNumber: e.deviceNumber,
    AvailableIPv4Cidrs: sortedObject(e.ipv4Cidrs.map((c) => [c.cidr, cidrJson(c)] as const)),
    IPv6Cidrs: sortedObject((e.ipv6Cidrs ?? []).map((c) => [c.cidr, cidrJson(c)] as const)),
    IsExcludedForPodIPs: e.excludedForPodIps ?? false,
    RouteTableID: e.routeTableId ?? (e.isPrimary ? 254 : e.deviceNumber + 1),
    SubnetID: e.subnetId ?? '',
  };
}

/**
 * `GET /v1/enis` (pure): object keyed by network-card index → `{TotalIPs, AssignedIPs, ENIs}` exactly as upstream
 * marshals it (Go map keys sorted, times RFC 3339, masks base64, pod identifiers scrubbed). Totals leave out ENIs
 * excluded for pod IPs, as upstream's stats.
 */
export function enisJson(view: DatastoreView): Record<string, EniInfosJson> {
  return sortedObject(
    view.cards.map((card) => {
      let total = 0,
        assigned = 0;
      for (const e of card.enis) {
        if (e.excludedForPodIps) continue;
        for (const c of [...e.ipv4Cidrs, ...(e.ipv6Cidrs ?? [])]) {
          total += cidrSize(c.cidr);
          assigned += c.addresses.filter((a) => a.key).length;
        }
      }
      return [
        String(card.networkCard),
        {
          TotalIPs: total,
          AssignedIPs: assigned,
          ENIs: sortedObject(card.enis.map((e) => [e.id, eniJson(e)] as const)),
        },
      ] as const;
    }),
  );
}

/** One pod address in `GET /v1/pods` (ours; upstream removed this path with its CRI support). */
export interface PodJson {
  Address: string;
  NetworkCard: number;
  ENI: string;
  DeviceNumber: number;
  RouteTableID: number;
  K8SPodNamespace: string;
  K8SPodName: string;
  NetworkName: string;
  AssignedTime: string;
}

/** `GET /v1/pods` (pure): assigned addresses keyed by address. No container id or interface name. */
export function podsJson(view: DatastoreView): Record<string, PodJson> {
  const out: [string, PodJson][] = [];
  for (const card of view.cards)
    for (const e of card.enis)
      for (const c of [...e.ipv4Cidrs, ...(e.ipv6Cidrs ?? [])])
        for (const a of c.addresses)
          if (a.key)
            out.push([
              a.address,
              {
                Address: a.address,
                NetworkCard: card.networkCard,
                ENI: e.id,
                DeviceNumber: e.deviceNumber,
                RouteTableID: e.routeTableId ?? (e.isPrimary ? 254 : e.deviceNumber + 1),
                K8SPodNamespace: a.metadata?.k8sPodNamespace ?? '',
                K8SPodName: a.metadata?.k8sPodName ?? '',
                NetworkName: a.key.networkName,
                AssignedTime: goTimeFromNs(a.assignedAtNs),
              },
            ]);
  return sortedObject(out);
}

const RANDOMIZE: Record<HostNetworkConfig['randomizeSnat'], number> = { none: 0, hashrandom: 1, prng: 2 };

/** The host-network settings `GET /v1/networkutils-env-settings` reports. */
export type NetworkEnvInput = Pick<
  HostNetworkConfig,
  | 'connmark'
  | 'excludeSnatCidrs'
  | 'externalSnat'
  | 'externalServiceCidrs'
  | 'eniMtu'
  | 'vethPrefix'
  | 'nodePortSupport'
  | 'randomizeSnat'
>;

/**
 * `GET /v1/networkutils-env-settings` (pure), upstream's keys in Go's sorted map order. Empty CIDR lists are
 * `null` (Go nil slices); RANDOMIZESNAT is the enum number 0 none, 1 hashrandom, 2 prng.
 */
export function networkEnvJson(h: NetworkEnvInput): Record<string, unknown> {
  const list = (l: readonly string[]) => (l.length ? [...l] : null);
  return sortedObject<unknown>([
    ['AWS_VPC_K8S_CNI_CONNMARK', h.connmark],
    ['AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS', list(h.excludeSnatCidrs)],
    ['AWS_VPC_K8S_CNI_EXTERNALSNAT', h.externalSnat],
    ['AWS_EXTERNAL_SERVICE_CIDRS', list(h.externalServiceCidrs)],
    ['AWS_VPC_ENI_MTU', h.eniMtu],
    ['AWS_VPC_K8S_CNI_VETHPREFIX', h.vethPrefix],
    ['AWS_VPC_CNI_NODE_PORT_SUPPORT', h.nodePortSupport],
    ['AWS_VPC_K8S_CNI_RANDOMIZESNAT', RANDOMIZE[h.randomizeSnat]],
  ]);
}

/** The settings `GET /v1/ipamd-env-settings` reports. */
export interface IpamdEnvInput {
  readonly pool: Pick<
    PoolConfig,
    'warmIpTarget' | 'warmEniTarget' | 'manageEnisNonSchedulable' | 'enableSubnetDiscovery'
  >;
  readonly hostNetwork: Pick<HostNetworkConfig, 'customNetwork'>;
}

/** `GET /v1/ipamd-env-settings` (pure), upstream's keys in Go's sorted map order. */
export function ipamdEnvJson(c: IpamdEnvInput): Record<string, unknown> {
  return sortedObject<unknown>([
    ['WARM_IP_TARGET', c.pool.warmIpTarget],
    ['WARM_ENI_TARGET', c.pool.warmEniTarget],
    ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', c.hostNetwork.customNetwork],
    ['AWS_MANAGE_ENIS_NON_SCHEDULABLE', c.pool.manageEnisNonSchedulable],
    ['ENABLE_SUBNET_DISCOVERY', c.pool.enableSubnetDiscovery],
  ]);
}

/** `GET /` and unknown paths: `{"AvailableCommands": [...]}`, sorted. */
export function availableCommandsJson(paths: readonly string[]): { AvailableCommands: string[] } {
  return { AvailableCommands: [...paths].sort() };
}

/** What `GET /v1/pool` reads; `PoolManager` satisfies it. */
export interface PoolStatusSource {
  currentTargets(): object;
  stats(): object;
  blockReason(): { reason: string; detail: string; retryInMs?: number } | undefined;
}

/** `GET /v1/pool` (ours): warm-pool targets, totals, and why the pool cannot grow (null when nothing blocks it). */
export function poolJson(p: PoolStatusSource): { targets: object; stats: object; blocked: object | null } {
  return { targets: p.currentTargets(), stats: p.stats(), blocked: p.blockReason() ?? null };
}
