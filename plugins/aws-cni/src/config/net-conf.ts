/** Where upstream's conflist puts the plugin log when nothing is configured. */
export const DEFAULT_PLUGIN_LOG_FILE = '/var/log/aws-routed-eni/plugin.log';
export const DEFAULT_VETH_PREFIX = 'eni';
export const DEFAULT_MTU = 9001;
export const MTU_MIN_IPV4 = 576;
export const MTU_MIN_IPV6 = 1280;
export const MTU_MAX = 9001;
/** Pod annotation (passed by the runtime in runtimeConfig) asking for one interface per network card. */
export const MULTI_NIC_ANNOTATION = 'k8s.amazonaws.com/nicConfig';
export const MULTI_NIC_VALUE = 'multi-nic-attachment';
export const POD_ANNOTATIONS_CAPABILITY = 'io.kubernetes.cri.pod-annotations';

export type PodSgEnforcingMode = 'strict' | 'standard';
export type PluginLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const LOG_LEVELS: readonly PluginLogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
const RESERVED_PREFIXES = ['eth', 'lo', 'vlan'];

/** The validated, frozen network configuration of the aws-cni plugin. */
export interface AwsCniNetConf {
  readonly cniVersion: string;
  readonly name: string;
  readonly type: string;
  /** Host veth prefix, 1..4 characters, never eth/lo/vlan. Default `eni`. */
  readonly vethPrefix: string;
  /** Pod MTU, 576..9001 (IPv6 pods additionally need >= 1280). Default 9001. Upstream writes it as a string. */
  readonly mtu: number;
  /** Security-groups-for-pods mode. Default `strict`. */
  readonly podSGEnforcingMode: PodSgEnforcingMode;
  /** Log file path; `''` means stderr. Never stdout (it carries the CNI result). */
  readonly pluginLogFile: string;
  readonly pluginLogLevel: PluginLogLevel;
  /** Pod annotations from runtimeConfig (capability io.kubernetes.cri.pod-annotations). */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** True when the pod asks for a multi-NIC attachment (annotation k8s.amazonaws.com/nicConfig). */
  readonly requiresMultiNicAttachment: boolean;
  /** The prevResult exactly as received (never validated here: aws-cni stores ids in mac/sandbox). */
  readonly prevResult?: unknown;
}

/** A configuration field that is missing or wrong; `field` names it, the message says what was wrong. */
export class NetConfError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'NetConfError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the stdin configuration of aws-cni and applies upstream's defaults. Unknown keys are ignored (runtimes
 * and chaining peers add their own). Throws {@link NetConfError} naming the first bad field.
 */
export function parseNetConf(raw: unknown): AwsCniNetConf {
  if (!isObject(raw)) throw new NetConfError('', 'network configuration must be a JSON object');
  const str = (field: string, required: boolean): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) {
      if (required) throw new NetConfError(field, `${field} is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw new NetConfError(field, `${field} must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const cniVersion = str('cniVersion', false) ?? '0.1.0';
  const name = str('name', true) as string;
  if (name === '') throw new NetConfError('name', 'name must not be empty');
  const type = str('type', false) ?? 'aws-cni';

  const vethPrefix = str('vethPrefix', false) || DEFAULT_VETH_PREFIX;
  if (vethPrefix.length > 4) {
    throw new NetConfError('vethPrefix', `vethPrefix "${vethPrefix}" is longer than 4 characters`);
  }
  if (RESERVED_PREFIXES.includes(vethPrefix)) {
    throw new NetConfError('vethPrefix', `vethPrefix "${vethPrefix}" is reserved (eth, lo and vlan are not allowed)`);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(vethPrefix)) {
    throw new NetConfError('vethPrefix', `vethPrefix "${vethPrefix}" may only contain letters, digits, '_', '.', '-'`);
  }

  const mtu = parseMtu(raw.mtu);

  const modeRaw = str('podSGEnforcingMode', false) || 'strict';
  if (modeRaw !== 'strict' && modeRaw !== 'standard') {
    throw new NetConfError('podSGEnforcingMode', `podSGEnforcingMode "${modeRaw}" must be "strict" or "standard"`);
  }

  const fileRaw = str('pluginLogFile', false);
  const pluginLogFile = fileRaw === undefined ? DEFAULT_PLUGIN_LOG_FILE : fileRaw === 'stderr' ? '' : fileRaw;
  if (pluginLogFile.toLowerCase() === 'stdout') {
    throw new NetConfError('pluginLogFile', 'pluginLogFile must not be stdout (stdout carries the CNI result)');
  }
  if (pluginLogFile !== '' && !pluginLogFile.startsWith('/')) {
    throw new NetConfError('pluginLogFile', `pluginLogFile "${pluginLogFile}" must be an absolute path or "stderr"`);
  }

  const levelRaw = (str('pluginLogLevel', false) || 'debug').toLowerCase();
  const pluginLogLevel = (levelRaw === 'warning' ? 'warn' : levelRaw) as PluginLogLevel;
  if (!LOG_LEVELS.includes(pluginLogLevel)) {
    throw new NetConfError('pluginLogLevel', `pluginLogLevel "${levelRaw}" must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const podAnnotations = parseAnnotations(raw.runtimeConfig);
  if (raw.capabilities !== undefined && !isObject(raw.capabilities)) {
    throw new NetConfError('capabilities', 'capabilities must be an object');
  }

  return Object.freeze({
    cniVersion,
    name,
    type,
    vethPrefix,
    mtu,
    podSGEnforcingMode: modeRaw,
    pluginLogFile,
    pluginLogLevel,
    podAnnotations,
    requiresMultiNicAttachment: podAnnotations[MULTI_NIC_ANNOTATION] === MULTI_NIC_VALUE,
    ...(raw.prevResult !== undefined && raw.prevResult !== null ? { prevResult: raw.prevResult } : {}),
  });
}

function parseMtu(v: unknown): number {
  if (v === undefined || v === null || v === '') return DEFAULT_MTU;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) n = Number(v);
  else throw new NetConfError('mtu', `mtu ${JSON.stringify(v)} is not an integer`);
  if (!Number.isInteger(n) || n < MTU_MIN_IPV4 || n > MTU_MAX) {
    throw new NetConfError('mtu', `mtu ${n} is outside ${MTU_MIN_IPV4}..${MTU_MAX}`);
  }
  return n;
}

function parseAnnotations(runtimeConfig: unknown): Readonly<Record<string, string>> {
  if (runtimeConfig === undefined || runtimeConfig === null) return Object.freeze({});
  if (!isObject(runtimeConfig)) throw new NetConfError('runtimeConfig', 'runtimeConfig must be an object');
  const ann = runtimeConfig[POD_ANNOTATIONS_CAPABILITY];
  if (ann === undefined || ann === null) return Object.freeze({});
  if (!isObject(ann)) {
    throw new NetConfError(`runtimeConfig.${POD_ANNOTATIONS_CAPABILITY}`, 'pod annotations must be an object');
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(ann)) if (typeof val === 'string') out[k] = val;
  return Object.freeze(out);
}

/**
 * The MTU check that depends on the pod's address family, known only once ipamd has answered:
 * IPv6 needs at least 1280. Throws {@link NetConfError} on field `mtu`.
 */
export function checkMtuForFamily(mtu: number, family: 4 | 6): void {
  if (family === 6 && mtu < MTU_MIN_IPV6) {
    throw new NetConfError('mtu', `mtu ${mtu} is below ${MTU_MIN_IPV6}, the minimum for IPv6 pods`);
  }
}
