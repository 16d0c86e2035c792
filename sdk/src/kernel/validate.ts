// SPDX-License-Identifier: Apache-2.0
/**
 * Validators for everything that ends up in a command line or batch text. Each returns the canonical value or
 * throws {@link KernelError} `invalid-argument` naming the field and the bad value. Only values that pass these
 * ever reach a tool, so nothing a caller passes can add words or lines to a command.
 */
import { randomBytes } from 'node:crypto';

import { KernelError } from './errors';

function reject(field: string, value: unknown, why: string): never {
  throw new KernelError({
    kind: 'invalid-argument',
    op: `validate ${field}`,
    detail: `${why}: ${JSON.stringify(value)}`,
  });
}

const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A Linux interface name: 1-15 characters from [A-Za-z0-9_.-], not starting with '.' or '-'. */
export function validateIfName(name: string, field = 'interface name'): string {
  if (typeof name !== 'string' || name.length === 0) reject(field, name, 'must be a non-empty string');
  if (name.length > 15) reject(field, name, `longer than 15 characters (${name.length})`);
  if (!IFNAME.test(name)) reject(field, name, 'only letters, digits, "_", "." and "-" allowed');
  return name;
}

/** A MAC address "aa:bb:cc:dd:ee:ff" (any case); returns it lower-cased. */
export function validateMac(mac: string, field = 'MAC address'): string {
  if (typeof mac !== 'string' || !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac))
    reject(field, mac, 'not a MAC address');
  return mac.toLowerCase();
}

/**
 * A random unicast, locally administered MAC (x2:, x6:, xa:, xe:) — what upstream gives the host veth end so
 * udev's persistent MAC policy leaves it alone. `avoid` lists MACs it must differ from.
 */
export function randomLocalMac(avoid: Iterable<string> = [], random: (n: number) => Uint8Array = randomBytes): string {
  const taken = new Set([...avoid].map((m) => m.toLowerCase()));
  for (let i = 0; i < 10; i++) {
    const b = Array.from(random(6));
    b[0] = (b[0] & 0xfe) | 0x02;
    const mac = b.map((x) => x.toString(16).padStart(2, '0')).join(':');
    if (!taken.has(mac)) return mac;
  }
  throw new KernelError({ kind: 'failed', op: 'generate MAC', detail: 'no unused MAC after 10 attempts' });
}

/** Route table names iproute2 knows; numbers are used for everything else. */
export const TABLE_IDS = Object.freeze({ main: 254, local: 255, default: 253 });

/** A routing table: a number 1..2^32-1 or "main" | "local" | "default"; returns the number. */
export function validateTable(t: number | string, field = 'route table'): number {
  if (typeof t === 'string' && t in TABLE_IDS) return TABLE_IDS[t as keyof typeof TABLE_IDS];
  const n = typeof t === 'string' && /^[0-9]+$/.test(t) ? Number(t) : t;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 0xffffffff)
    reject(field, t, 'not a table id 1..4294967295 or main/local/default');
  return n;
}

/** The text iproute2 prints for a table id ("main" for 254). */
export function tableName(id: number): string {
  return id === 254 ? 'main' : id === 255 ? 'local' : id === 253 ? 'default' : String(id);
}

/** An unsigned 32-bit integer (rule priority, fwmark, metric). */
export function validateU32(n: number, field: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
    reject(field, n, 'not an integer 0..4294967295');
  return n;
}

/** An MTU 68..65535. */
export function validateMtu(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 68 || n > 65535)
    reject('MTU', n, 'not an integer 68..65535');
  return n;
}

/** A VLAN id 1..4094. */
export function validateVlanId(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 4094)
    reject('VLAN id', n, 'not an integer 1..4094');
  return n;
}

/** A network namespace name as `ip netns` uses it (a file under /run/netns). */
export function validateNetnsName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    reject('netns name', name, 'only letters, digits, "_", "." and "-", at most 64 characters');
  }
  return name;
}

/** An absolute path to a namespace file (e.g. /var/run/netns/cni-…, /proc/123/ns/net). */
export function validateNetnsPath(path: string): string {
  // Whitespace, quotes, backslashes and '#' are refused too: the path may appear inside `ip -batch` text.
  if (typeof path !== 'string' || !/^\/[^\s"'\\#\0]*$/.test(path) || path.length > 4096) {
    reject('netns path', path, 'not an absolute path without whitespace, quotes or "#"');
  }
  return path;
}

/** A sysctl key under /proc/sys, slash or dot form ("net/ipv4/ip_forward", "net.ipv6.conf.eth0.accept_ra"). */
export function validateSysctlKey(key: string): string {
  if (
    typeof key !== 'string' ||
    !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(key) ||
    key.includes('..') ||
    key.length > 256
  ) {
    reject('sysctl key', key, 'not a sysctl key');
  }
  return key;
}

/** A sysctl value: printable, no newline. */
export function validateSysctlValue(value: string | number): string {
  const v = String(value);
  if (!/^[\x20-\x7e]*$/.test(v) || v.length > 256) reject('sysctl value', value, 'not a printable one-line value');
  return v;
}
