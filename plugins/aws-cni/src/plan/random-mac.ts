import { randomBytes } from 'node:crypto';

/**
 * A random unicast, locally administered MAC (first octet: bit 0 clear, bit 1 set), different from every MAC in
 * `avoid` (compared case-insensitively). The host veth gets one at creation so udev's MACAddressPolicy=persistent
 * cannot change it later (the pod holds a permanent neighbour entry to it). `random` is injectable for tests.
 */
export function randomLocalMac(
  avoid: ReadonlySet<string> = new Set(),
  random: (n: number) => Uint8Array = randomBytes,
): string {
  const lower = new Set([...avoid].map((m) => m.toLowerCase()));
  for (let attempt = 0; attempt < 10; attempt++) {
    const b = Uint8Array.from(random(6));
    b[0] = (b[0] & 0xfe) | 0x02;
    const mac = [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    if (!lower.has(mac)) return mac;
  }
  throw new Error('could not generate a host veth MAC that differs from existing links after 10 attempts');
}
