// SPDX-License-Identifier: Apache-2.0
import { cidrContains, formatIp, type IpAddress, tryParseIp } from '@vpc-cni-ts/sdk/kernel';

import { type EgressRange } from '../config/egress-config';

/**
 * Chooses the next free address the way host-local does: round-robin, starting after the last reserved address
 * when it lies in the range (else at rangeStart), wrapping around, skipping the gateway and taken addresses.
 * @returns undefined when the range is full.
 */
export function nextFree(
  range: EgressRange,
  taken: ReadonlySet<string>,
  lastReserved: string | undefined,
): IpAddress | undefined {
  const start = range.rangeStart.value;
  const end = range.rangeEnd.value;
  const size = end - start + 1n;
  const last = lastReserved ? tryParseIp(lastReserved) : undefined;
  let cur =
    last && cidrContains(range.subnet, last) && last.value >= start && last.value <= end ? last.value + 1n : start;
  for (let i = 0n; i < size; i++) {
    if (cur > end) cur = start;
    const ip: IpAddress = { family: range.subnet.address.family, value: cur };
    const text = formatIp(ip);
    if (cur !== range.gateway.value && !taken.has(text)) return ip;
    cur++;
  }
  return undefined;
}
