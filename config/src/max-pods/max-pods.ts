import { knownInstanceTypes, lookupInstanceLimits, maxPodsFor, type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';
import { ManifestError } from '../manifest-error';
import { closestNames } from '../suggest';
import { estimateVcpus } from './vcpu-estimate';

/** Inputs of the calculator (the EKS max-pods calculator's, minus the CNI version: we always support PD). */
export interface MaxPodsRequest {
  readonly instanceType: string;
  readonly prefixDelegation?: boolean;
  readonly customNetworking?: boolean;
  /** MAX_ENI: at most this many ENIs (>= 1). */
  readonly maxEni?: number;
  /** vCPUs of the instance; picks the kubelet cap. Estimated from the size name when absent. */
  readonly cpus?: number;
}

/** What the calculator found. */
export interface MaxPodsReport {
  readonly instanceType: string;
  readonly hypervisor: string;
  readonly nitro: boolean;
  /** ENIs whose addresses serve pods (after MAX_ENI and custom networking). */
  readonly enis: number;
  /** Private IPv4 addresses per ENI, primary included. */
  readonly ipv4PerEni: number;
  /** Whether prefixes were counted (asked for and the type is Nitro). */
  readonly prefixDelegation: boolean;
  /** Pods the addresses allow: ENIs x (IPs - 1) [x 16 with prefixes] + 2. */
  readonly maxPods: number;
  readonly cpus: number | undefined;
  readonly cpusSource: 'given' | 'estimated' | 'unknown';
  /** 110 up to 30 vCPUs, 250 above; undefined when vCPUs are unknown. */
  readonly cap: number | undefined;
  /** min(maxPods, cap): the value for kubelet --max-pods; undefined when vCPUs are unknown. */
  readonly recommended: number | undefined;
  readonly warnings: readonly string[];
}

/** Kubelet's recommended ceiling for a node with `cpus` vCPUs (the EKS calculator's rule). */
export function kubeletCap(cpus: number): number {
  return cpus > 30 ? 250 : 110;
}

/**
 * Maximum pods for an instance type from the vendored limits table and the readme formula, and the recommended
 * kubelet --max-pods. Prefix delegation on a non-Nitro type counts secondary IPs with a warning, as ipamd falls back
 * to them (and the EKS calculator does the same). Throws {@link ManifestError} (exit 2) for an unknown type or
 * out-of-range numbers. Pure.
 */
export function calculateMaxPods(req: MaxPodsRequest): MaxPodsReport {
  // EC2 type names are lower case; accept M5.Large too.
  const limits = lookupInstanceLimits(req.instanceType) ?? lookupInstanceLimits(req.instanceType.toLowerCase());
  if (!limits) throw unknownType(req.instanceType);
  if (req.maxEni !== undefined && !(Number.isInteger(req.maxEni) && req.maxEni >= 1)) {
    throw new ManifestError(`--max-eni must be a whole number of at least 1, got ${req.maxEni}`);
  }
  if (req.cpus !== undefined && !(Number.isInteger(req.cpus) && req.cpus >= 1)) {
    throw new ManifestError(`--cpus must be a whole number of at least 1, got ${req.cpus}`);
  }
  const warnings: string[] = [];
  let pd = req.prefixDelegation ?? false;
  if (pd && !limits.nitro) {
    warnings.push(
      `prefix delegation needs a Nitro instance; ${limits.instanceType} runs on ${limits.hypervisor}, so ipamd uses secondary IPs and the count is without prefixes`,
    );
    pd = false;
  }
  const enis = usableEnis(limits, req);
  if (enis <= 0) warnings.push('no ENI is left for pod addresses: only host-network pods can run');
  const maxPods = maxPodsFor(limits, {
    prefixDelegation: pd,
    customNetworking: req.customNetworking,
    maxEni: req.maxEni,
  });
  const estimated = req.cpus === undefined ? estimateVcpus(limits.instanceType) : undefined;
  const cpus = req.cpus ?? estimated;
  const cap = cpus === undefined ? undefined : kubeletCap(cpus);
  return Object.freeze({
    instanceType: limits.instanceType,
    hypervisor: limits.hypervisor,
    nitro: limits.nitro,
    enis: Math.max(0, enis),
    ipv4PerEni: limits.ipv4Limit,
    prefixDelegation: pd,
    maxPods,
    cpus,
    cpusSource: req.cpus !== undefined ? 'given' : estimated !== undefined ? 'estimated' : 'unknown',
    cap,
    recommended: cap === undefined ? undefined : Math.min(maxPods, cap),
    warnings: Object.freeze(warnings),
  });
}

function usableEnis(limits: InstanceLimits, req: MaxPodsRequest): number {
  let enis = limits.eniLimit;
  if (req.maxEni !== undefined) enis = Math.min(enis, req.maxEni);
  return req.customNetworking ? enis - 1 : enis;
}

function unknownType(instanceType: string): ManifestError {
  const known = knownInstanceTypes();
  const family = instanceType.split('.')[0];
  // Prefer sizes of the same family (m5.huge -> m5.large); else the closest names overall.
  const sameFamily = known.filter((t) => t.startsWith(`${family}.`));
  let names = closestNames(instanceType, sameFamily, 3, Infinity);
  if (names.length === 0) names = closestNames(instanceType, known, 3, Math.max(3, Math.ceil(instanceType.length / 2)));
  const hint = names.length ? `; did you mean ${names.map((n) => `'${n}'`).join(', ')}?` : '';
  return new ManifestError(`unknown instance type '${instanceType}'${hint}`);
}
