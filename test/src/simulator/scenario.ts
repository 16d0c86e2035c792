import { readFileSync } from 'node:fs';

import { type InstanceLimits, lookupInstanceLimits } from '@vpc-cni-ts/ipamd/limits';
import { parse as parseYaml } from 'yaml';

import { parseCidr4, cidr4ContainsCidr, cidr4Overlaps, type Cidr4 } from './ipv4';
import { parseCidr6, cidr6Contains, type Cidr6 } from './ipv6';
import { type AddressAllocation } from './subnet-pool';
import { type BucketConfig } from './token-bucket';

/** A subnet of a VPC. `name` lets instances refer to it before it has an id. */
export interface SubnetSpec {
  readonly id?: string;
  readonly name?: string;
  readonly availabilityZone: string;
  readonly cidrBlock: string;
  /** A /64 inside one of the VPC's IPv6 blocks. */
  readonly ipv6CidrBlock?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Overrides the scenario's `addressAllocation` for this subnet. */
  readonly addressAllocation?: AddressAllocation;
}

export interface VpcSpec {
  readonly id?: string;
  readonly cidrBlocks?: readonly string[];
  readonly ipv6CidrBlocks?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly subnets?: readonly SubnetSpec[];
}

export interface InstanceSpec {
  readonly id?: string;
  /** Any type of the limits table (or of `limits`); default m5.large. */
  readonly instanceType?: string;
  /** Subnet id or name; default the first subnet. */
  readonly subnet?: string;
  readonly securityGroups?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** Replaces or adds instance-type limits (partial fields merge over the table's entry). */
export interface LimitsOverride {
  readonly eniLimit?: number;
  readonly ipv4Limit?: number;
  readonly ipv6Limit?: number;
  readonly hypervisor?: string;
  readonly bareMetal?: boolean;
  readonly networkCards?: readonly { readonly networkCardIndex: number; readonly maximumNetworkInterfaces: number }[];
}

/** EC2's token buckets. Describe* calls with ids, filters or MaxResults are `describe`; without, `unfilteredDescribe`. */
export interface ThrottlingSpec {
  readonly describe?: BucketConfig;
  readonly unfilteredDescribe?: BucketConfig;
  readonly mutating?: BucketConfig;
  /** A bucket of its own for an action. */
  readonly actions?: Readonly<Record<string, BucketConfig>>;
}

export interface TimingSpec {
  /** attaching -> attached. */
  readonly attachDelayMs?: number;
  /** detaching -> available. */
  readonly detachDelayMs?: number;
  /** How long after an EC2 change IMDS shows it. */
  readonly imdsLagMs?: number;
  /**
   * EC2's eventual consistency: a new ENI stays invisible to DescribeNetworkInterfaces (NotFound by id, absent
   * from filtered results) for this long after CreateNetworkInterface. Default 0.
   */
  readonly describeLagMs?: number;
}

/** The world the simulator starts with; every field is optional and has a default. */
export interface Scenario {
  readonly region?: string;
  readonly accountId?: string;
  /** Seeds id and MAC generation (same seed, same ids). */
  readonly seed?: number;
  readonly vpcs?: readonly VpcSpec[];
  /** Security groups that exist; the first is the default for new ENIs. */
  readonly securityGroups?: readonly string[];
  readonly instances?: readonly InstanceSpec[];
  readonly limits?: Readonly<Record<string, LimitsOverride>>;
  /** `false` turns throttling off. */
  readonly throttling?: ThrottlingSpec | false;
  readonly timing?: TimingSpec;
  /** Added latency per action in ms; key `*` for every action. */
  readonly latency?: Readonly<Record<string, number>>;
  /** How subnets pick single addresses: `lowest` (default) or `random` (fragments subnets like EC2). */
  readonly addressAllocation?: AddressAllocation;
}

export interface ResolvedSubnet {
  readonly id?: string;
  readonly name?: string;
  readonly availabilityZone: string;
  readonly cidr: Cidr4;
  readonly ipv6Cidr?: Cidr6;
  readonly tags: Readonly<Record<string, string>>;
  readonly addressAllocation: AddressAllocation;
}

export interface ResolvedVpc {
  readonly id?: string;
  readonly cidrs: readonly Cidr4[];
  readonly ipv6Cidrs: readonly Cidr6[];
  readonly tags: Readonly<Record<string, string>>;
  readonly subnets: readonly ResolvedSubnet[];
}

export interface ResolvedInstance {
  readonly id?: string;
  readonly instanceType: string;
  /** Subnet id or name, as given (default: first subnet of the first VPC). */
  readonly subnet?: string;
  readonly securityGroups?: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** A validated scenario with every default filled in. */
export interface ResolvedScenario {
  /** Marks a scenario that went through resolveScenario. */
  readonly resolved: true;
  readonly region: string;
  readonly accountId: string;
  readonly seed: number;
  readonly vpcs: readonly ResolvedVpc[];
  readonly securityGroups: readonly string[];
  readonly instances: readonly ResolvedInstance[];
  readonly limits: Readonly<Record<string, LimitsOverride>>;
  readonly throttling: false | Required<ThrottlingSpec>;
  readonly timing: Required<TimingSpec>;
  readonly latency: Readonly<Record<string, number>>;
}

/** EC2's documented default buckets (non-mutating 100/20 s, unfiltered non-mutating 50/10 s, mutating 200/5 s). */
export const DEFAULT_THROTTLING: Required<ThrottlingSpec> = Object.freeze({
  describe: { size: 100, refillPerSecond: 20 },
  unfilteredDescribe: { size: 50, refillPerSecond: 10 },
  mutating: { size: 200, refillPerSecond: 5 },
  actions: {},
});

export const DEFAULT_TIMING: Required<TimingSpec> = Object.freeze({
  attachDelayMs: 50,
  detachDelayMs: 50,
  imdsLagMs: 100,
  describeLagMs: 0,
});

export const DEFAULT_SECURITY_GROUP = 'sg-0000000000000a001';

/** The default world: VPC 10.99.0.0/16 (+ fd99:0:0:ff00::/56), three subnets, one m5.large. */
export function defaultVpcs(region: string): VpcSpec[] {
  return [
    {
      cidrBlocks: ['10.99.0.0/16'],
      ipv6CidrBlocks: ['fd99:0:0:ff00::/56'],
      subnets: [
        {
          name: 'node-a',
          availabilityZone: `${region}a`,
          cidrBlock: '10.99.0.0/20',
          ipv6CidrBlock: 'fd99:0:0:ff00::/64',
        },
        {
          name: 'pods-a',
          availabilityZone: `${region}a`,
          cidrBlock: '10.99.16.0/20',
          ipv6CidrBlock: 'fd99:0:0:ff01::/64',
          tags: { 'kubernetes.io/role/cni': '1' },
        },
        {
          name: 'node-b',
          availabilityZone: `${region}b`,
          cidrBlock: '10.99.32.0/20',
          ipv6CidrBlock: 'fd99:0:0:ff02::/64',
        },
      ],
    },
  ];
}

/** A scenario that does not validate; `problems` lists every finding with its path. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid scenario:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: string[] = [];
  fail(path: string, msg: string): void {
    this.problems.push(`${path}: ${msg}`);
  }
  keys(path: string, o: Obj, allowed: readonly string[]): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) this.fail(`${path}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  str(path: string, v: unknown, optional = true): string | undefined {
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || v === '')
      return (this.fail(path, `must be a non-empty string, got ${JSON.stringify(v)}`), undefined);
    return v;
  }
  num(path: string, v: unknown, min: number, integer = true): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      return (
        this.fail(path, `must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`),
        undefined
      );
    }
    return v;
  }
  arr(path: string, v: unknown): unknown[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return (this.fail(path, 'must be a list'), undefined);
    return v;
  }
  obj(path: string, v: unknown): Obj | undefined {
    if (v === undefined) return undefined;
    if (!isObj(v)) return (this.fail(path, 'must be a mapping'), undefined);
    return v;
  }
  tags(path: string, v: unknown): Record<string, string> {
    const o = this.obj(path, v);
    if (!o) return {};
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      if (typeof val !== 'string') this.fail(`${path}.${k}`, 'tag values must be strings');
      else out[k] = val;
    }
    return out;
  }
  bucket(path: string, v: unknown, fallback: BucketConfig): BucketConfig {
    const o = this.obj(path, v);
    if (!o) return fallback;
    this.keys(path, o, ['size', 'refillPerSecond']);
    const size = this.num(`${path}.size`, o.size, 1) ?? fallback.size;
    const refillPerSecond =
      this.num(`${path}.refillPerSecond`, o.refillPerSecond, 0, false) ?? fallback.refillPerSecond;
    return { size, refillPerSecond };
  }
}

/** Limits of an instance type, with scenario overrides applied; undefined for an unknown type. */
export function resolveLimits(
  instanceType: string,
  overrides: Readonly<Record<string, LimitsOverride>>,
): InstanceLimits | undefined {
  const base = lookupInstanceLimits(instanceType);
  const o = Object.prototype.hasOwnProperty.call(overrides, instanceType) ? overrides[instanceType] : undefined;
  if (!o) return base;
  if (!base && (o.eniLimit === undefined || o.ipv4Limit === undefined)) return undefined;
  const eniLimit = o.eniLimit ?? base!.eniLimit;
  const ipv4Limit = o.ipv4Limit ?? base!.ipv4Limit;
  const hypervisor = o.hypervisor ?? base?.hypervisor ?? 'nitro';
  const bareMetal = o.bareMetal ?? base?.bareMetal ?? false;
  const networkCards =
    o.networkCards ??
    (base && o.eniLimit === undefined
      ? base.networkCards
      : [{ networkCardIndex: 0, maximumNetworkInterfaces: eniLimit }]);
  return Object.freeze({
    instanceType,
    eniLimit,
    ipv4Limit,
    ipv6Limit: o.ipv6Limit ?? (o.ipv4Limit !== undefined ? ipv4Limit : (base?.ipv6Limit ?? ipv4Limit)),
    defaultNetworkCardIndex: base?.defaultNetworkCardIndex ?? 0,
    networkCards,
    hypervisor,
    bareMetal,
    nitro: hypervisor === 'nitro' || bareMetal,
  });
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Validates a (partial) scenario and fills defaults. Throws ScenarioError listing every problem (unknown fields,
 * malformed CIDRs, subnets outside their VPC or overlapping, unknown instance types or subnet references...).
 */
export function resolveScenario(input: unknown = {}): ResolvedScenario {
  const c = new Checker();
  const s = input ?? {};
  if (!isObj(s)) throw new ScenarioError(['scenario: must be a mapping']);
  c.keys('scenario', s, [
    'region',
    'accountId',
    'seed',
    'vpcs',
    'securityGroups',
    'instances',
    'limits',
    'throttling',
    'timing',
    'latency',
    'addressAllocation',
  ]);
  const allocation = (path: string, v: unknown, fallback: AddressAllocation): AddressAllocation => {
    if (v === undefined) return fallback;
    if (v === 'lowest' || v === 'random') return v;
    c.fail(path, `must be "lowest" or "random", got ${JSON.stringify(v)}`);
    return fallback;
  };
  const defaultAllocation = allocation('addressAllocation', s.addressAllocation, 'lowest');
  const region = c.str('region', s.region) ?? 'us-west-2';
  if (!REGION.test(region)) c.fail('region', `"${region}" is not a region name like us-west-2`);
  const accountId = c.str('accountId', s.accountId) ?? '123456789012';
  if (!/^\d{12}$/.test(accountId)) c.fail('accountId', 'must be 12 digits');
  const seed = c.num('seed', s.seed, 0) ?? 1;

  // limits first: instance validation needs them
  const limits: Record<string, LimitsOverride> = {};
  const lim = c.obj('limits', s.limits);
  for (const [type, v] of Object.entries(lim ?? {})) {
    const p = `limits.${type}`;
    const o = c.obj(p, v);
    if (!o) continue;
    c.keys(p, o, ['eniLimit', 'ipv4Limit', 'ipv6Limit', 'hypervisor', 'bareMetal', 'networkCards']);
    const cards = c.arr(`${p}.networkCards`, o.networkCards);
    const networkCards = cards?.map((card, i) => {
      const co = c.obj(`${p}.networkCards[${i}]`, card) ?? {};
      return {
        networkCardIndex: c.num(`${p}.networkCards[${i}].networkCardIndex`, co.networkCardIndex, 0) ?? i,
        maximumNetworkInterfaces:
          c.num(`${p}.networkCards[${i}].maximumNetworkInterfaces`, co.maximumNetworkInterfaces, 1) ?? 1,
      };
    });
    limits[type] = {
      eniLimit: c.num(`${p}.eniLimit`, o.eniLimit, 1),
      ipv4Limit: c.num(`${p}.ipv4Limit`, o.ipv4Limit, 1),
      ipv6Limit: c.num(`${p}.ipv6Limit`, o.ipv6Limit, 0),
      hypervisor: c.str(`${p}.hypervisor`, o.hypervisor),
      bareMetal: typeof o.bareMetal === 'boolean' ? o.bareMetal : undefined,
      networkCards,
    };
    if (!lookupInstanceLimits(type) && (limits[type].eniLimit === undefined || limits[type].ipv4Limit === undefined)) {
      c.fail(p, `"${type}" is not in the limits table: give at least eniLimit and ipv4Limit`);
    }
  }

  const vpcsIn = c.arr('vpcs', s.vpcs) ?? defaultVpcs(region);
  const vpcs: ResolvedVpc[] = [];
  const allSubnets: { path: string; cidr: Cidr4; name?: string; id?: string }[] = [];
  vpcsIn.forEach((v, vi) => {
    const p = `vpcs[${vi}]`;
    const o = c.obj(p, v);
    if (!o) return;
    c.keys(p, o, ['id', 'cidrBlocks', 'ipv6CidrBlocks', 'tags', 'subnets']);
    const id = c.str(`${p}.id`, o.id);
    if (id !== undefined && !/^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
      c.fail(`${p}.id`, `"${id}" is not a VPC id (vpc- and 8 or 17 hex digits)`);
    const cidrs: Cidr4[] = [];
    (c.arr(`${p}.cidrBlocks`, o.cidrBlocks) ?? ['10.99.0.0/16']).forEach((x, i) => {
      const cidr = typeof x === 'string' ? parseCidr4(x) : undefined;
      if (!cidr || cidr.prefixLength < 16 || cidr.prefixLength > 28)
        c.fail(`${p}.cidrBlocks[${i}]`, `"${String(x)}" is not an IPv4 network CIDR between /16 and /28`);
      else cidrs.push(cidr);
    });
    const ipv6Cidrs: Cidr6[] = [];
    (c.arr(`${p}.ipv6CidrBlocks`, o.ipv6CidrBlocks) ?? []).forEach((x, i) => {
      const cidr = typeof x === 'string' ? parseCidr6(x) : undefined;
      if (!cidr || cidr.prefixLength > 64)
        c.fail(`${p}.ipv6CidrBlocks[${i}]`, `"${String(x)}" is not an IPv6 network CIDR of /64 or larger`);
      else ipv6Cidrs.push(cidr);
    });
    const subnets: ResolvedSubnet[] = [];
    (c.arr(`${p}.subnets`, o.subnets) ?? []).forEach((sv, si) => {
      const sp = `${p}.subnets[${si}]`;
      const so = c.obj(sp, sv);
      if (!so) return;
      c.keys(sp, so, ['id', 'name', 'availabilityZone', 'cidrBlock', 'ipv6CidrBlock', 'tags', 'addressAllocation']);
      const sid = c.str(`${sp}.id`, so.id);
      if (sid !== undefined && !/^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/.test(sid))
        c.fail(`${sp}.id`, `"${sid}" is not a subnet id (subnet- and 8 or 17 hex digits)`);
      const name = c.str(`${sp}.name`, so.name);
      const az = c.str(`${sp}.availabilityZone`, so.availabilityZone, false) ?? `${region}a`;
      if (!new RegExp(`^${region}[a-z]$`).test(az))
        c.fail(`${sp}.availabilityZone`, `"${az}" is not a zone of ${region} (like ${region}a)`);
      const cidrStr = c.str(`${sp}.cidrBlock`, so.cidrBlock, false);
      const cidr = cidrStr ? parseCidr4(cidrStr) : undefined;
      if (cidrStr && (!cidr || cidr.prefixLength < 16 || cidr.prefixLength > 28)) {
        c.fail(`${sp}.cidrBlock`, `"${cidrStr}" is not an IPv4 network CIDR between /16 and /28`);
      }
      if (cidr && cidrs.length && !cidrs.some((vc) => cidr4ContainsCidr(vc, cidr))) {
        c.fail(`${sp}.cidrBlock`, `${cidrStr} is not inside the VPC's CIDR blocks`);
      }
      if (cidr) {
        for (const other of allSubnets)
          if (cidr4Overlaps(other.cidr, cidr)) c.fail(`${sp}.cidrBlock`, `${cidrStr} overlaps ${other.path}`);
        allSubnets.push({ path: sp, cidr, name, id: sid });
      }
      let ipv6Cidr: Cidr6 | undefined;
      const v6 = c.str(`${sp}.ipv6CidrBlock`, so.ipv6CidrBlock);
      if (v6 !== undefined) {
        ipv6Cidr = parseCidr6(v6);
        if (!ipv6Cidr || ipv6Cidr.prefixLength !== 64) {
          c.fail(`${sp}.ipv6CidrBlock`, `"${v6}" is not an IPv6 /64`);
          ipv6Cidr = undefined;
        } else if (!ipv6Cidrs.some((vc) => cidr6Contains(vc, ipv6Cidr!.base))) {
          c.fail(`${sp}.ipv6CidrBlock`, `${v6} is not inside the VPC's IPv6 CIDR blocks`);
        }
      }
      if (cidr)
        subnets.push({
          id: sid,
          name,
          availabilityZone: az,
          cidr,
          ipv6Cidr,
          tags: c.tags(`${sp}.tags`, so.tags),
          addressAllocation: allocation(`${sp}.addressAllocation`, so.addressAllocation, defaultAllocation),
        });
    });
    vpcs.push({ id, cidrs, ipv6Cidrs, tags: c.tags(`${p}.tags`, o.tags), subnets });
  });
  const names = allSubnets.map((x) => x.name).filter((n): n is string => !!n);
  for (const n of new Set(names))
    if (names.filter((x) => x === n).length > 1) c.fail('vpcs', `subnet name "${n}" is used twice`);

  const securityGroups = (c.arr('securityGroups', s.securityGroups) ?? [DEFAULT_SECURITY_GROUP]).filter(
    (g, i): g is string => {
      if (typeof g !== 'string' || !/^sg-[0-9a-f]{8}([0-9a-f]{9})?$/.test(g)) {
        c.fail(`securityGroups[${i}]`, `${JSON.stringify(g)} is not a security group id (sg- and 8 or 17 hex digits)`);
        return false;
      }
      return true;
    },
  );
  if (securityGroups.length === 0 && !c.problems.length) c.fail('securityGroups', 'needs at least one group');

  const instances: ResolvedInstance[] = [];
  (c.arr('instances', s.instances) ?? [{}]).forEach((iv, ii) => {
    const p = `instances[${ii}]`;
    const o = c.obj(p, iv);
    if (!o) return;
    c.keys(p, o, ['id', 'instanceType', 'subnet', 'securityGroups', 'tags']);
    const id = c.str(`${p}.id`, o.id);
    if (id !== undefined && !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
      c.fail(`${p}.id`, `"${id}" is not an instance id (i- and 8 or 17 hex digits)`);
    const instanceType = c.str(`${p}.instanceType`, o.instanceType) ?? 'm5.large';
    if (!resolveLimits(instanceType, limits))
      c.fail(`${p}.instanceType`, `unknown instance type "${instanceType}" (not in the limits table nor in limits)`);
    const subnet = c.str(`${p}.subnet`, o.subnet);
    if (subnet !== undefined && !allSubnets.some((x) => x.name === subnet || x.id === subnet)) {
      c.fail(`${p}.subnet`, `no subnet with id or name "${subnet}"`);
    }
    if (subnet === undefined && allSubnets.length === 0) c.fail(p, 'there is no subnet to place the instance in');
    const sgs = c.arr(`${p}.securityGroups`, o.securityGroups)?.map(String);
    for (const g of sgs ?? [])
      if (!securityGroups.includes(g)) c.fail(`${p}.securityGroups`, `${g} is not in securityGroups`);
    instances.push({ id, instanceType, subnet, securityGroups: sgs, tags: c.tags(`${p}.tags`, o.tags) });
  });

  let throttling: ResolvedScenario['throttling'];
  if (s.throttling === false) throttling = false;
  else {
    const t = c.obj('throttling', s.throttling) ?? {};
    c.keys('throttling', t, ['describe', 'unfilteredDescribe', 'mutating', 'actions']);
    const actions: Record<string, BucketConfig> = {};
    for (const [a, b] of Object.entries(c.obj('throttling.actions', t.actions) ?? {})) {
      actions[a] = c.bucket(`throttling.actions.${a}`, b, DEFAULT_THROTTLING.mutating);
    }
    throttling = {
      describe: c.bucket('throttling.describe', t.describe, DEFAULT_THROTTLING.describe),
      unfilteredDescribe: c.bucket(
        'throttling.unfilteredDescribe',
        t.unfilteredDescribe,
        DEFAULT_THROTTLING.unfilteredDescribe,
      ),
      mutating: c.bucket('throttling.mutating', t.mutating, DEFAULT_THROTTLING.mutating),
      actions,
    };
  }

  const tm = c.obj('timing', s.timing) ?? {};
  c.keys('timing', tm, ['attachDelayMs', 'detachDelayMs', 'imdsLagMs', 'describeLagMs']);
  const timing = {
    attachDelayMs: c.num('timing.attachDelayMs', tm.attachDelayMs, 0, false) ?? DEFAULT_TIMING.attachDelayMs,
    detachDelayMs: c.num('timing.detachDelayMs', tm.detachDelayMs, 0, false) ?? DEFAULT_TIMING.detachDelayMs,
    imdsLagMs: c.num('timing.imdsLagMs', tm.imdsLagMs, 0, false) ?? DEFAULT_TIMING.imdsLagMs,
    describeLagMs: c.num('timing.describeLagMs', tm.describeLagMs, 0, false) ?? DEFAULT_TIMING.describeLagMs,
  };
  const latency: Record<string, number> = {};
  for (const [a, ms] of Object.entries(c.obj('latency', s.latency) ?? {})) {
    const v = c.num(`latency.${a}`, ms, 0, false);
    if (v !== undefined) latency[a] = v;
  }

  if (c.problems.length) throw new ScenarioError(c.problems);
  return {
    resolved: true,
    region,
    accountId,
    seed,
    vpcs,
    securityGroups,
    instances,
    limits,
    throttling,
    timing,
    latency,
  };
}

/** Reads a YAML or JSON scenario file and resolves it; errors name the file. */
export function loadScenarioFile(path: string): ResolvedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError([`${path}: cannot read: ${(err as Error).message}`]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ScenarioError([`${path}: not valid YAML/JSON: ${(err as Error).message}`]);
  }
  try {
    return resolveScenario(data ?? {});
  } catch (err) {
    if (err instanceof ScenarioError) throw new ScenarioError(err.problems.map((p) => `${path}: ${p}`));
    throw err;
  }
}
