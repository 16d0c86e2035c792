// SPDX-License-Identifier: Apache-2.0
import { type Interface100, type IpConfig100, type Result100 } from './types/result-100';

/** An interface of a result with its index (what `ips[].interface` refers to). */
export interface IndexedInterface {
  readonly index: number;
  readonly iface: Interface100;
}

/**
 * The container-side interface a chained plugin works on: named `ifName` with `sandbox` equal to `netns`
 * (how ptp and bandwidth find it). Falls back to the first interface named `ifName` that has any sandbox when no
 * exact sandbox match exists (aws-cni-style results or netns paths written differently).
 */
export function findContainerInterface(result: Result100, ifName: string, netns: string): IndexedInterface | undefined {
  const list = result.interfaces ?? [];
  let i = list.findIndex((x) => x.name === ifName && x.sandbox === netns);
  if (i < 0) i = list.findIndex((x) => x.name === ifName && !!x.sandbox);
  return i < 0 ? undefined : { index: i, iface: list[i] };
}

/** Interfaces on the host side (no sandbox), with their indexes. */
export function hostInterfaces(result: Result100): IndexedInterface[] {
  return (result.interfaces ?? []).flatMap((iface, index) => (iface.sandbox ? [] : [{ index, iface }]));
}

/** Addresses whose `interface` index is `index` (0 is a valid index). */
export function ipsOfInterface(result: Result100, index: number): IpConfig100[] {
  return (result.ips ?? []).filter((ip) => ip.interface === index);
}

/** The address without its prefix length, e.g. "10.0.0.5" from "10.0.0.5/24". */
export function addressOf(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** "4" or "6" by the address's shape. */
export function ipFamily(address: string): '4' | '6' {
  return address.includes(':') ? '6' : '4';
}
