import table from './instance-limits.json';

/** Networking limits of one EC2 instance type, as DescribeInstanceTypes publishes them. */
export interface InstanceLimits {
  readonly instanceType: string;
  /** ENIs the default network card can attach (upstream's ENILimit; for multi-card types, the default card only). */
  readonly eniLimit: number;
  /** Private IPv4 addresses per ENI, the ENI's primary included. */
  readonly ipv4Limit: number;
  /** IPv6 addresses per ENI; EC2 publishes the same figure as IPv4 for the types in the table. */
  readonly ipv6Limit: number;
  readonly defaultNetworkCardIndex: number;
  readonly networkCards: readonly { readonly networkCardIndex: number; readonly maximumNetworkInterfaces: number }[];
  readonly hypervisor: string;
  readonly bareMetal: boolean;
  /** Prefix delegation (/28 per slot) needs the Nitro system. */
  readonly nitro: boolean;
}

interface RawLimits {
  eniLimit: number;
  ipv4Limit: number;
  defaultNetworkCardIndex: number;
  networkCards: { maximumNetworkInterfaces: number; networkCardIndex: number }[];
  hypervisor: string;
  bareMetal: boolean;
}

const raw = (table as { instanceTypes: Record<string, RawLimits> }).instanceTypes;

/** Every instance type the table knows, sorted. */
export function knownInstanceTypes(): string[] {
  return Object.keys(raw).sort();
}

/**
 * Limits for an instance type from the table vendored in `ipamd/src/limits/instance-limits.json` (a copy of the
 * project's shared data, itself the upstream v1.23.1 table). Returns undefined for an unknown type: the caller
 * falls back to DescribeInstanceTypes or reports the type.
 */
export function lookupInstanceLimits(instanceType: string): InstanceLimits | undefined {
  const r = Object.prototype.hasOwnProperty.call(raw, instanceType) ? raw[instanceType] : undefined;
  if (!r) return undefined;
  return Object.freeze({
    instanceType,
    eniLimit: r.eniLimit,
    ipv4Limit: r.ipv4Limit,
    ipv6Limit: r.ipv4Limit,
    defaultNetworkCardIndex: r.defaultNetworkCardIndex,
    networkCards: Object.freeze(r.networkCards.map((c) => Object.freeze({ ...c }))),
    hypervisor: r.hypervisor,
    bareMetal: r.bareMetal,
    nitro: r.hypervisor === 'nitro' || r.bareMetal,
  });
}

/** Options of the max-pods formula, as the EKS max-pods calculator takes them. */
export interface MaxPodsOptions {
  readonly prefixDelegation?: boolean;
  /** Custom networking: the primary ENI carries no pods, so one ENI fewer. */
  readonly customNetworking?: boolean;
  /** MAX_ENI: caps the ENIs used. */
  readonly maxEni?: number;
}

/**
 * Pods a node's addresses allow: ENIs x (addresses per ENI - 1) + 2, or with prefix delegation
 * ENIs x ((addresses per ENI - 1) x 16) + 2. The +2 is for the host-network pods (aws-node, kube-proxy).
 */
export function maxPodsFor(limits: InstanceLimits, opts: MaxPodsOptions = {}): number {
  let enis = limits.eniLimit;
  if (opts.maxEni !== undefined) enis = Math.min(enis, opts.maxEni);
  if (opts.customNetworking) enis -= 1;
  if (enis <= 0) return 2;
  const slots = limits.ipv4Limit - 1;
  return enis * (opts.prefixDelegation ? slots * 16 : slots) + 2;
}
