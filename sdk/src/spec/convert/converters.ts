// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../../errors/cni-error';
import { type Route040 } from '../types/common';
import { type AnyResult } from '../types/result';
import { type IpConfig020, type Result020 } from '../types/result-020';
import { type Interface040, type IpConfig040, type Result040 } from '../types/result-040';
import { type Interface100, type IpConfig100, type Result100, type Route100 } from '../types/result-100';

/** A pure conversion of a parsed result to the target version (the input is never modified). */
export type Converter = (result: AnyResult, to: string) => AnyResult;

const clone = <T>(v: T): T => structuredClone(v);
const familyOfAddress = (cidr: string): '4' | '6' => (cidr.includes(':') ? '6' : '4');

function withVersion<T extends AnyResult>(r: T, to: string): T {
  const rest = clone(r) as Partial<AnyResult>;
  delete rest.cniVersion;
  return { cniVersion: to, ...rest } as T;
}

/** Same family: copy, change the version string. */
export const sameFamily: Converter = (r, to) => withVersion(r, to);

/** 0.1/0.2 -> 0.3.x/0.4.0: ip4/ip6 become ips (v4 first), routes concatenated, no interfaces. */
export const up020to040: Converter = (input, to) => {
  const r = input as Result020;
  const out: Result040 = { cniVersion: to as Result040['cniVersion'] };
  const ips: IpConfig040[] = [];
  const routes: Route040[] = [];
  for (const [ver, c] of [
    ['4', r.ip4],
    ['6', r.ip6],
  ] as const) {
    if (!c) continue;
    const ip: IpConfig040 = { version: ver, address: c.ip };
    if (c.gateway !== undefined) ip.gateway = c.gateway;
    ips.push(ip);
    for (const rt of c.routes ?? []) routes.push(clone(rt));
  }
  if (ips.length) out.ips = ips;
  if (routes.length) out.routes = routes;
  if (r.dns) out.dns = clone(r.dns);
  return out;
};

/** 0.3.x/0.4.0 -> 1.x: drop ips[].version; everything else copied. */
export const up040to100: Converter = (input, to) => {
  const r = input as Result040;
  const out: Result100 = { cniVersion: to as Result100['cniVersion'] };
  if (r.interfaces) out.interfaces = r.interfaces.map((i) => clone(i) as Interface100);
  if (r.ips) {
    out.ips = r.ips.map((ip) => {
      const o: IpConfig100 = { address: ip.address };
      if (ip.gateway !== undefined) o.gateway = ip.gateway;
      if (ip.interface !== undefined) o.interface = ip.interface;
      return o;
    });
  }
  if (r.routes) out.routes = clone(r.routes);
  if (r.dns) out.dns = clone(r.dns);
  return out;
};

/** 1.x -> 0.3.x/0.4.0: add version from the address family; drop interface mtu/socketPath/pciID; routes as-is. */
export const down100to040: Converter = (input, to) => {
  const r = input as Result100;
  const out: Result040 = { cniVersion: to as Result040['cniVersion'] };
  if (r.interfaces) {
    out.interfaces = r.interfaces.map((i) => {
      const o: Interface040 = { name: i.name };
      if (i.mac !== undefined) o.mac = i.mac;
      if (i.sandbox !== undefined) o.sandbox = i.sandbox;
      return o;
    });
  }
  if (r.ips) {
    out.ips = r.ips.map((ip) => {
      const o: IpConfig040 = { version: familyOfAddress(ip.address), address: ip.address };
      if (ip.gateway !== undefined) o.gateway = ip.gateway;
      if (ip.interface !== undefined) o.interface = ip.interface;
      return o;
    });
  }
  if (r.routes) out.routes = clone(r.routes) as Route040[];
  if (r.dns) out.dns = clone(r.dns);
  return out;
};

/**
 * 0.3.x/0.4.0 -> 0.1/0.2: first IPv4 -> ip4, first IPv6 -> ip6, other addresses and interfaces dropped; each
 * route goes to the family of its dst (dst and gw only), dropped if that family has no address.
 * @throws CniError 1 "cannot convert: no valid IP addresses" when there is no address.
 */
export const down040to020: Converter = (input, to) => {
  const r = input as Result040;
  const out: Result020 = { cniVersion: to as Result020['cniVersion'] };
  let ip4: IpConfig020 | undefined;
  let ip6: IpConfig020 | undefined;
  for (const ip of r.ips ?? []) {
    const fam = familyOfAddress(ip.address);
    const c: IpConfig020 = { ip: ip.address };
    if (ip.gateway !== undefined) c.gateway = ip.gateway;
    if (fam === '4' && !ip4) ip4 = c;
    if (fam === '6' && !ip6) ip6 = c;
  }
  if (!ip4 && !ip6) {
    throw new CniError(CniErrorCode.IncompatibleCniVersion, `cannot convert result to ${to}: no valid IP addresses`);
  }
  for (const rt of (r.routes ?? []) as Route100[]) {
    const target = familyOfAddress(rt.dst) === '6' ? ip6 : ip4;
    if (!target) continue;
    const o: Route040 = { dst: rt.dst };
    if (rt.gw !== undefined) o.gw = rt.gw;
    (target.routes ??= []).push(o);
  }
  if (ip4) out.ip4 = ip4;
  if (ip6) out.ip6 = ip6;
  if (r.dns) out.dns = clone(r.dns);
  return out;
};

/** 0.1/0.2 -> 1.x, through 0.4.0. */
export const up020to100: Converter = (r, to) => up040to100(up020to040(r, '0.4.0'), to);
/** 1.x -> 0.1/0.2, through 0.4.0. */
export const down100to020: Converter = (r, to) => down040to020(down100to040(r, '0.4.0'), to);
