// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import {
  addToIp,
  type Cidr,
  cidrContains,
  formatIp,
  type IpAddress,
  lastAddress,
  networkOf,
  tryParseCidr,
  tryParseIp,
} from '@vpc-cni-ts/sdk/kernel';
import { parsePrevResult, type AnyResult } from '@vpc-cni-ts/sdk/spec';
import { normalizeKeys, type SchemaNode } from '@vpc-cni-ts/sdk/validation';

/** SNAT port randomisation, as `AWS_VPC_K8S_CNI_RANDOMIZESNAT`: prng → --random-fully, hashrandom → --random. */
export type RandomizeSnat = 'prng' | 'hashrandom' | 'none';

/** One host-local range, resolved (defaults filled like host-local). */
export interface EgressRange {
  readonly subnet: Cidr;
  readonly rangeStart: IpAddress;
  readonly rangeEnd: IpAddress;
  readonly gateway: IpAddress;
}

/** A route handed to the pod interface (host-local `routes`). */
export interface EgressRoute {
  readonly dst: Cidr;
  readonly gw?: IpAddress;
}

/** The validated, frozen configuration of one egress-cni invocation. */
export interface EgressConfig {
  readonly cniVersion: string;
  readonly name: string;
  readonly enabled: boolean;
  /** 4: IPv4 egress for an IPv6 cluster (`v4if0`); 6: IPv6 egress for an IPv4 cluster (`v6if0`). */
  readonly family: 4 | 6;
  readonly ifName: string;
  readonly mtu: number;
  readonly nodeIp?: IpAddress;
  readonly randomizeSnat: RandomizeSnat;
  readonly range: EgressRange;
  readonly routes: readonly EgressRoute[];
  /** host-local `dataDir`; leases live in `<dataDir>/<network name>/`. */
  readonly dataDir: string;
  readonly logFile: string;
  readonly logLevel: string;
  readonly prevResult?: AnyResult;
}

/** host-local's default store directory. */
export const DEFAULT_IPAM_DATA_DIR = '/var/lib/cni/networks';
/** Upstream's pod MTU default and bounds (`GetPodMTU`: outside [576, 9001] becomes 9001). */
export const DEFAULT_MTU = 9001;

const RANGE_SPELLING: SchemaNode = { properties: { subnet: {}, rangeStart: {}, rangeEnd: {}, gateway: {} } };
/**
 * The keys' canonical spelling (upstream's NetConf and host-local's ipam section), for the SDK's `normalizeKeys`
 * (Go's case-insensitive matching). Spelling only: values are checked below.
 */
export const EGRESS_KEY_SPELLING: SchemaNode = {
  properties: {
    enabled: {},
    nodeIP: {},
    mtu: {},
    randomizeSNAT: {},
    ifName: {},
    pluginLogFile: {},
    pluginLogLevel: {},
    ipam: {
      properties: {
        type: {},
        ranges: { items: { items: RANGE_SPELLING } },
        routes: { items: { properties: { dst: {}, gw: {} } } },
        dataDir: {},
      },
    },
  },
};
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const invalid = (msg: string): CniError => new CniError(CniErrorCode.InvalidNetworkConfig, msg);

function str(obj: Record<string, unknown>, key: string, where = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${where}${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** Upstream's MTU rule: a number or numeric string in [576, 9001], anything else silently 9001. */
export function podMtu(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isInteger(n) && n >= 576 && n <= 9001 ? n : DEFAULT_MTU;
}

function parseRange(raw: unknown): EgressRange {
  if (!isPlainObject(raw)) throw invalid('ipam.ranges[0][0] must be an object with "subnet"');
  const subnetText = str(raw, 'subnet', 'ipam.ranges[0][0].');
  const subnet = subnetText ? tryParseCidr(subnetText) : undefined;
  if (!subnet) throw invalid(`ipam.ranges[0][0].subnet ${JSON.stringify(subnetText)} is not a CIDR`);
  const net = networkOf(subnet).address;
  if (net.value !== subnet.address.value) throw invalid(`ipam subnet ${subnetText}: Network has host bits set`);
  const size = (subnet.address.family === 4 ? 32 : 128) - subnet.prefix;
  if (size < 2) throw invalid(`ipam subnet ${subnetText} is too small to allocate from`);
  const ipIn = (key: string): IpAddress | undefined => {
    const t = str(raw, key, 'ipam.ranges[0][0].');
    if (t === undefined || t === '') return undefined;
    const ip = tryParseIp(t);
    if (!ip || !cidrContains(subnet, ip))
      throw invalid(`ipam.ranges[0][0].${key} ${t} is not an address in ${subnetText}`);
    return ip;
  };
  const last = lastAddress(subnet);
  const gateway = ipIn('gateway') ?? addToIp(net, 1n);
  const rangeStart = ipIn('rangeStart') ?? addToIp(net, 1n);
  const rangeEnd = ipIn('rangeEnd') ?? (subnet.address.family === 4 ? addToIp(last, -1n) : last);
  if (rangeStart.value > rangeEnd.value)
    throw invalid(`ipam range start ${formatIp(rangeStart)} is after its end ${formatIp(rangeEnd)}`);
  return { subnet, rangeStart, rangeEnd, gateway };
}

/**
 * Parses and validates stdin for egress-cni (upstream's NetConf: `enabled`, `nodeIP`, `mtu`, `randomizeSNAT`,
 * `ifName`, `pluginLogFile`, `pluginLogLevel`, and a host-local `ipam` section with one range).
 * The family comes from the range's subnet; `nodeIP` (when set) must be of the same family.
 * @throws CniError 7 naming the bad field, 1/6 for a bad prevResult.
 */
export function parseEgressConfig(input: Record<string, unknown>): EgressConfig {
  const raw = normalizeKeys<Record<string, unknown>>(input, EGRESS_KEY_SPELLING);
  const cniVersion = typeof raw.cniVersion === 'string' ? raw.cniVersion : '0.1.0';
  const name = raw.name;
  if (typeof name !== 'string' || name === '') throw invalid('network config is missing "name"');
  const en = raw.enabled;
  const enabled = en === true || (typeof en === 'string' && en.toLowerCase() === 'true');
  const ipam = raw.ipam;
  if (!isPlainObject(ipam)) throw invalid('ipam section is missing: egress-cni needs ipam.ranges and ipam.dataDir');
  const ipamType = str(ipam, 'type', 'ipam.');
  if (ipamType !== undefined && ipamType !== 'host-local') {
    throw invalid(`ipam.type "${ipamType}" is not supported: egress-cni manages host-local compatible leases itself`);
  }
  const ranges = ipam.ranges;
  if (!Array.isArray(ranges) || !Array.isArray(ranges[0]) || ranges[0].length === 0) {
    throw invalid('ipam.ranges must be [[{"subnet": "..."}]]');
  }
  const range = parseRange(ranges[0][0]);
  const family = range.subnet.address.family;
  const routesRaw = ipam.routes ?? [];
  if (!Array.isArray(routesRaw)) throw invalid('ipam.routes must be a list');
  const routes = routesRaw.map((r, i): EgressRoute => {
    if (!isPlainObject(r)) throw invalid(`ipam.routes[${i}] must be an object with "dst"`);
    const d = str(r, 'dst', `ipam.routes[${i}].`);
    const dst = d ? tryParseCidr(d) : undefined;
    if (!dst || dst.address.family !== family)
      throw invalid(`ipam.routes[${i}].dst ${JSON.stringify(d)} is not an IPv${family} CIDR`);
    const g = str(r, 'gw', `ipam.routes[${i}].`);
    const gw = g ? tryParseIp(g) : undefined;
    if (g && (!gw || gw.family !== family)) throw invalid(`ipam.routes[${i}].gw ${g} is not an IPv${family} address`);
    return gw ? { dst, gw } : { dst };
  });
  const nodeText = str(raw, 'nodeIP');
  let nodeIp: IpAddress | undefined;
  if (nodeText) {
    nodeIp = tryParseIp(nodeText);
    if (!nodeIp) throw invalid(`nodeIP "${nodeText}" is not an IP address`);
    if (nodeIp.family !== family) {
      throw invalid(
        `nodeIP ${nodeText} is IPv${nodeIp.family} but the egress range ${formatIp(range.subnet.address)}/${range.subnet.prefix} is IPv${family}: SNAT needs a node address of the same family`,
      );
    }
  }
  const rs = (str(raw, 'randomizeSNAT') ?? 'prng').toLowerCase();
  if (!['prng', 'hashrandom', 'none', ''].includes(rs)) {
    throw invalid(`randomizeSNAT "${rs}" is not one of prng, hashrandom, none`);
  }
  const ifName = str(raw, 'ifName') || (family === 4 ? 'v4if0' : 'v6if0');
  if (ifName.length > 15 || /[/\s]/.test(ifName)) throw invalid(`ifName "${ifName}" is not a valid interface name`);
  const dataDir = str(ipam, 'dataDir', 'ipam.') || DEFAULT_IPAM_DATA_DIR;
  const prevResult = parsePrevResult({ cniVersion, prevResult: raw.prevResult });
  return Object.freeze({
    cniVersion,
    name,
    enabled,
    family,
    ifName,
    mtu: podMtu(raw.mtu),
    nodeIp,
    randomizeSnat: (rs === '' ? 'prng' : rs) as RandomizeSnat,
    range,
    routes: Object.freeze(routes),
    dataDir,
    logFile: str(raw, 'pluginLogFile') ?? '',
    logLevel: str(raw, 'pluginLogLevel') ?? 'Debug',
    prevResult,
  });
}
