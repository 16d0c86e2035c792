import { familyOf } from '../naming/names';
import { type Family } from '../plan/kernel-op';

/** What an aws-cni prevResult says about the pod, for DEL without ipamd and for CHECK. */
export interface PrevResultInfo {
  /** Host veth names (interfaces without a sandbox, not the dummy entry). */
  readonly hostVeths: readonly string[];
  /** Container interfaces in order, with the address pointing at them and the route table kept in `mac`. */
  readonly containers: readonly {
    readonly name: string;
    readonly sandbox: string;
    readonly routeTable?: number;
    readonly address?: string;
    readonly family?: Family;
  }[];
  /** From the dummy entry's mac: > 0 for branch-ENI pods. */
  readonly vlanId: number;
  /** From the dummy entry's sandbox. */
  readonly deviceNumber?: number;
  /** True when a dummy entry was found (the result was written by aws-cni). */
  readonly hasDummy: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const intOrUndef = (v: unknown): number | undefined => {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
};

/**
 * Reads an aws-cni prevResult of any 0.3+/1.x version, tolerantly (never validates MACs or sandboxes; ignores
 * interfaces added by later chained plugins that do not fit). The dummy entry is the one named `dummyName`, else the
 * last whose name starts with `dummy`. Returns undefined when there is nothing usable.
 */
export function readPrevResult(prev: unknown, dummyName?: string): PrevResultInfo | undefined {
  if (!isObj(prev) || !Array.isArray(prev.interfaces)) return undefined;
  const itfs = prev.interfaces.filter(isObj).map((i) => ({
    name: typeof i.name === 'string' ? i.name : '',
    mac: typeof i.mac === 'string' ? i.mac : undefined,
    sandbox: typeof i.sandbox === 'string' ? i.sandbox : '',
  }));
  const raw = prev.interfaces as unknown[];
  let dummyIdx = dummyName ? itfs.findIndex((i) => i.name === dummyName) : -1;
  if (dummyIdx < 0) {
    for (let i = itfs.length - 1; i >= 0; i--)
      if (itfs[i].name.startsWith('dummy')) {
        dummyIdx = i;
        break;
      }
  }
  const dummy = dummyIdx >= 0 ? itfs[dummyIdx] : undefined;
  const ips = Array.isArray(prev.ips) ? prev.ips.filter(isObj) : [];
  const hostVeths: string[] = [];
  const containers: PrevResultInfo['containers'][number][] = [];
  raw.forEach((_, idx) => {
    const itf = itfs[idx];
    // aws-cni's veths come in pairs [host, container] before the dummy; later plugins (bandwidth's ifb) append
    // their own entries after it, which we leave alone. Without a dummy the result is not ours: no host links.
    if (!itf || itf.name === '' || dummyIdx < 0 || idx >= dummyIdx) return;
    if (itf.sandbox === '') {
      hostVeths.push(itf.name);
      return;
    }
    const ip = ips.find((x) => x.interface === idx);
    const addr = typeof ip?.address === 'string' ? ip.address.split('/')[0] : undefined;
    containers.push({
      name: itf.name,
      sandbox: itf.sandbox,
      routeTable: intOrUndef(itf.mac),
      ...(addr ? { address: addr, family: familyOf(addr) } : {}),
    });
  });
  return {
    hostVeths,
    containers,
    vlanId: Math.max(0, intOrUndef(dummy?.mac) ?? 0),
    deviceNumber: intOrUndef(dummy?.sandbox),
    hasDummy: dummy !== undefined,
  };
}
