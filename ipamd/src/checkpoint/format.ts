// SPDX-License-Identifier: Apache-2.0
import type { AllocationRecord } from '../datastore';

/** The only checkpoint version upstream and we accept (notes 4.3). */
export const CHECKPOINT_VERSION = 'vpc-cni-ipam/1';

/** Start-up stops with this; the file is left as it is. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`checkpoint ${path}: ${reason}; refusing to start (the file is left untouched: fix or move it aside)`);
  }
}

const str = (v: string): string => JSON.stringify(v);

/**
 * Encode in upstream's exact layout: `{"version":"vpc-cni-ipam/1","allocations":[{networkName, containerID, ifName,
 * ipv4, allocationTimestamp (int64 ns), metadata{k8sPodNamespace,k8sPodName,interfacesCount}}]}` with omitempty.
 * The timestamp is written as an exact integer (beyond JS's 2^53).
 */
export function encodeCheckpoint(allocs: readonly AllocationRecord[]): string {
  const entries = allocs.map((a) => {
    const parts = [
      `"networkName":${str(a.key.networkName)}`,
      `"containerID":${str(a.key.containerId)}`,
      `"ifName":${str(a.key.ifName)}`,
    ];
    if (a.ipv4) parts.push(`"ipv4":${str(a.ipv4)}`);
    if (a.ipv6) parts.push(`"ipv6":${str(a.ipv6)}`);
    parts.push(`"allocationTimestamp":${/^\d+$/.test(a.allocationTimestampNs) ? a.allocationTimestampNs : '0'}`);
    const m: string[] = [];
    if (a.metadata.k8sPodNamespace) m.push(`"k8sPodNamespace":${str(a.metadata.k8sPodNamespace)}`);
    if (a.metadata.k8sPodName) m.push(`"k8sPodName":${str(a.metadata.k8sPodName)}`);
    if (a.metadata.interfacesCount) m.push(`"interfacesCount":${Math.trunc(a.metadata.interfacesCount)}`);
    parts.push(`"metadata":{${m.join(',')}}`);
    return `{${parts.join(',')}}`;
  });
  return `{"version":${str(CHECKPOINT_VERSION)},"allocations":[${entries.join(',')}]}`;
}

/** Decode and validate; throws `CheckpointError` for a corrupt file or an unknown version. Entries with no address are skipped. */
export function decodeCheckpoint(path: string, text: string): AllocationRecord[] {
  // Keep nanosecond timestamps exact: quote them before JSON.parse turns them into doubles.
  const quoted = text.replace(/("allocationTimestamp"\s*:\s*)(-?\d+)/g, '$1"$2"');
  let doc: unknown;
  try {
    doc = JSON.parse(quoted);
  } catch (e) {
    throw new CheckpointError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new CheckpointError(path, 'not a JSON object');
  const d = doc as { version?: unknown; allocations?: unknown };
  if (d.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      path,
      `unknown version ${JSON.stringify(d.version)} (this ipamd reads only ${JSON.stringify(CHECKPOINT_VERSION)})`,
    );
  }
  if (d.allocations !== null && d.allocations !== undefined && !Array.isArray(d.allocations))
    throw new CheckpointError(path, '"allocations" is not an array');
  const out: AllocationRecord[] = [];
  for (const [i, raw] of ((d.allocations as unknown[] | null) ?? []).entries()) {
    if (!raw || typeof raw !== 'object') throw new CheckpointError(path, `allocation ${i} is not an object`);
    const e = raw as Record<string, unknown>;
    for (const f of ['networkName', 'containerID', 'ifName'] as const) {
      if (typeof e[f] !== 'string') throw new CheckpointError(path, `allocation ${i}: "${f}" missing or not a string`);
    }
    for (const f of ['ipv4', 'ipv6'] as const)
      if (e[f] !== undefined && typeof e[f] !== 'string')
        throw new CheckpointError(path, `allocation ${i}: "${f}" is not a string`);
    if (!e.ipv4 && !e.ipv6) continue;
    const md = (e.metadata && typeof e.metadata === 'object' ? e.metadata : {}) as Record<string, unknown>;
    out.push({
      key: { networkName: e.networkName as string, containerId: e.containerID as string, ifName: e.ifName as string },
      ipv4: (e.ipv4 as string | undefined) ?? '',
      ...(e.ipv6 ? { ipv6: e.ipv6 as string } : {}),
      allocationTimestampNs: typeof e.allocationTimestamp === 'string' ? e.allocationTimestamp : '0',
      metadata: {
        ...(typeof md.k8sPodNamespace === 'string' && md.k8sPodNamespace
          ? { k8sPodNamespace: md.k8sPodNamespace }
          : {}),
        ...(typeof md.k8sPodName === 'string' && md.k8sPodName ? { k8sPodName: md.k8sPodName } : {}),
        ...(typeof md.interfacesCount === 'number' && md.interfacesCount
          ? { interfacesCount: md.interfacesCount }
          : {}),
      },
    });
  }
  return out;
}
