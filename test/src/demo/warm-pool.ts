import { type Allocation } from '../e2e/vpc-node';

/** One ENI of the node's warm pool. */
export interface PoolRow {
  readonly device: number;
  readonly eni: string;
  /** Addresses the ENI holds for pods (secondary /32s, 16 per /28 prefix). */
  readonly total: number;
  readonly assigned: number;
  readonly prefixes: readonly string[];
}

type IntroEni = {
  DeviceNumber?: number;
  AvailableIPv4Cidrs?: Record<
    string,
    { IsPrefix?: boolean; IPAddresses?: Record<string, { IPAMKey?: { networkName?: string } } | null> } | null
  >;
};
type Card = { ENIs?: Record<string, IntroEni | null> };

/**
 * Rows from ipamd's introspection `/v1/enis` body: upstream's object with `ENIs`, or one such object per network
 * card (`{"0": {...}}`). An address counts as assigned when its IPAMKey names a network. Undefined when the body is
 * not such JSON.
 */
export function poolFromIntrospection(body: string): PoolRow[] | undefined {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!j || typeof j !== 'object') return undefined;
  const cards: Card[] = 'ENIs' in j ? [j as Card] : Object.values(j as Record<string, Card>);
  const enis = cards.flatMap((c) => (c && typeof c === 'object' ? Object.entries(c.ENIs ?? {}) : []));
  if (!enis.length) return undefined;
  return enis.map(([eni, e]) => {
    const cidrs = Object.entries(e?.AvailableIPv4Cidrs ?? {});
    return {
      device: e?.DeviceNumber ?? -1,
      eni,
      total: cidrs.reduce((n, [, c]) => n + (c?.IsPrefix ? 16 : 1), 0),
      assigned: cidrs.reduce(
        (n, [, c]) => n + Object.values(c?.IPAddresses ?? {}).filter((a) => a?.IPAMKey?.networkName).length,
        0,
      ),
      prefixes: cidrs.filter(([, c]) => c?.IsPrefix).map(([k]) => k),
    };
  });
}

/** Rows from EC2's view (addresses per ENI) and ipamd's checkpoint (what is assigned). */
export function poolFromEc2(
  enis: readonly { eni: string; device: number; addresses: readonly string[]; prefixes: readonly string[] }[],
  allocations: readonly Allocation[],
): PoolRow[] {
  const assigned = new Set(allocations.map((a) => a.ipv4));
  return enis.map((e) => ({
    device: e.device,
    eni: e.eni,
    total: e.addresses.length,
    assigned: e.addresses.filter((a) => assigned.has(a)).length,
    prefixes: e.prefixes,
  }));
}
