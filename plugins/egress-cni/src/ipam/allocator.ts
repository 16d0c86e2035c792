// SPDX-License-Identifier: Apache-2.0
import { type EgressRange } from '../config/egress-config';
import { contains, formatIp, type Ip, parseIp } from '../ip/ip-math';

/**
 * Chooses the next free address the way host-local does: round-robin, starting after the last reserved address
 * when it lies in the range (else at rangeStart), wrapping around, skipping the gateway and taken addresses.
 * @returns undefined when the range is full.
 */
export function nextFree(
  range: EgressRange,
  taken: ReadonlySet<string>,
  lastReserved: string | undefined,
): Ip | undefined {
  const start = range.rangeStart.value;
  const end = range.rangeEnd.value;
  const size = end - start + 1n;
  const last = lastReserved ? parseIp(lastReserved) : undefined;
  let cur = last && contains(range.subnet, last) && last.value >= start && last.value <= end ? last.value + 1n : start;
  for (let i = 0n; i < size; i++) {
    if (cur > end) cur = start;
    const ip: Ip = { family: range.subnet.ip.family, value: cur };
    const text = formatIp(ip);
    if (cur !== range.gateway.value && !taken.has(text)) return ip;
    cur++;
  }
  return undefined;
}
