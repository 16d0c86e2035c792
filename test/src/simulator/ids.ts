/**
 * Deterministic id and MAC generator (seeded xorshift), so a scenario replays with the same ids. EC2 ids are the
 * resource prefix and 17 lower-case hex digits; MACs are locally administered (02:...).
 */
export class IdGenerator {
  private s: number;
  private readonly issued = new Set<string>();

  constructor(seed = 1) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }

  private next32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }

  private hex(n: number): string {
    let out = '';
    while (out.length < n) out += this.next32().toString(16).padStart(8, '0');
    return out.slice(0, n);
  }

  /** `<prefix>-` + 17 hex digits, never repeated within this generator. */
  id(prefix: string): string {
    for (;;) {
      const id = `${prefix}-${this.hex(17)}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /** A unicast, locally administered MAC `02:xx:xx:xx:xx:xx`, never repeated. */
  mac(): string {
    for (;;) {
      const h = this.hex(10);
      const mac = `02:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}`;
      if (!this.issued.has(mac)) {
        this.issued.add(mac);
        return mac;
      }
    }
  }

  /** A request id in UUID form. */
  requestId(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** Id shapes EC2 accepts: `<prefix>-` and 8 or 17 hex digits. */
export function isWellFormedId(id: string, prefix: string): boolean {
  if (!id.startsWith(`${prefix}-`)) return false;
  const rest = id.slice(prefix.length + 1);
  return /^[0-9a-f]{8}$/.test(rest) || /^[0-9a-f]{17}$/.test(rest);
}
