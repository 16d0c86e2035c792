/**
 * The HPACK (RFC 7541) pieces a gRPC client needs: a full header-block decoder (static and dynamic tables, all
 * literal forms, Huffman strings, table size updates) and an encoder that only emits literals without indexing,
 * never Huffman (always valid, and requests are tiny).
 */

/** RFC 7541 Appendix A. Index 1..61. */
const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/**
 * Huffman code lengths of symbols 0..256 (256 = EOS), one base-36 digit each (RFC 7541 Appendix B). The code is
 * canonical: codes are assigned in order of (length, symbol), so the lengths define it completely.
 */
const HUFFMAN_LENGTHS =
  'dnsssssssoussussssssssusssssssss6aacd68baa8b8666555666666678f6cad67777777777777777777777878djde6f56565666577666567655677777fbedskmkkmmmnmnnnnnonoomnonnnnlmnmnnomlkmmnnlnmmolmnnllmlnmnnkmmmnmmnqqkjmnmpqqqrrqopjlqrrqrollqqsrrrkoklmllnmmppooqnqrqqrrrrrsrrrrrqu';

let huffmanDecodeMap: Map<number, number> | undefined;

/** (code, length) -> symbol, keyed code * 64 + length; built once, on first use. */
function huffmanMap(): Map<number, number> {
  if (huffmanDecodeMap) return huffmanDecodeMap;
  const lens = [...HUFFMAN_LENGTHS].map((c) => parseInt(c, 36));
  const order = lens.map((_, s) => s).sort((a, b) => lens[a] - lens[b] || a - b);
  const map = new Map<number, number>();
  let code = 0;
  let prevLen = lens[order[0]];
  order.forEach((sym, i) => {
    if (i > 0) code = (code + 1) * 2 ** (lens[sym] - prevLen);
    prevLen = lens[sym];
    map.set(code * 64 + lens[sym], sym);
  });
  huffmanDecodeMap = map;
  return map;
}

/** Decodes a Huffman-coded string; throws on EOS in the data, bad padding or an unknown code. */
export function huffmanDecode(data: Uint8Array): Buffer {
  const map = huffmanMap();
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (const byte of data) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const sym = map.get(code * 64 + len);
      if (sym !== undefined) {
        if (sym === 256) throw new Error('HPACK: EOS symbol inside a Huffman string');
        out.push(sym);
        code = 0;
        len = 0;
      } else if (len > 30) {
        throw new Error('HPACK: invalid Huffman code');
      }
    }
  }
  if (len > 7 || code !== 2 ** len - 1) throw new Error('HPACK: invalid Huffman padding');
  return Buffer.from(out);
}

/** A header block decoder with its dynamic table (one per connection, fed every header block in order). */
export class HpackDecoder {
  private readonly dynamic: Array<[string, string]> = [];
  private size = 0;
  private maxSize: number;

  constructor(private readonly limit = 4096) {
    this.maxSize = limit;
  }

  /** Decodes one complete header block into [name, value] pairs, in order. */
  decode(block: Buffer): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    let pos = 0;
    const int = (prefixBits: number): number => {
      const mask = (1 << prefixBits) - 1;
      if (pos >= block.length) throw new Error('HPACK: truncated integer');
      let v = block[pos++] & mask;
      if (v < mask) return v;
      let shift = 0;
      for (;;) {
        if (pos >= block.length) throw new Error('HPACK: truncated integer');
        const b = block[pos++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if ((b & 0x80) === 0) return v;
        if (shift > 28) throw new Error('HPACK: integer too large');
      }
    };
    const str = (): string => {
      if (pos >= block.length) throw new Error('HPACK: truncated string');
      const huffman = (block[pos] & 0x80) !== 0;
      const len = int(7);
      if (pos + len > block.length) throw new Error('HPACK: truncated string');
      const raw = block.subarray(pos, pos + len);
      pos += len;
      return (huffman ? huffmanDecode(raw) : raw).toString('latin1');
    };
    while (pos < block.length) {
      const b = block[pos];
      if (b & 0x80) {
        out.push(this.entry(int(7)));
      } else if (b & 0x40) {
        const idx = int(6);
        const name = idx === 0 ? str() : this.entry(idx)[0];
        const value = str();
        out.push([name, value]);
        this.add(name, value);
      } else if (b & 0x20) {
        const size = int(5);
        if (size > this.limit) throw new Error(`HPACK: table size ${size} above the limit ${this.limit}`);
        this.maxSize = size;
        this.evict();
      } else {
        const idx = int(4); // 0000 (without indexing) and 0001 (never indexed) decode alike
        const name = idx === 0 ? str() : this.entry(idx)[0];
        out.push([name, str()]);
      }
    }
    return out;
  }

  private entry(index: number): [string, string] {
    if (index >= 1 && index <= STATIC_TABLE.length) return [...STATIC_TABLE[index - 1]] as [string, string];
    const e = this.dynamic[index - STATIC_TABLE.length - 1];
    if (!e) throw new Error(`HPACK: no table entry ${index}`);
    return [e[0], e[1]];
  }

  private add(name: string, value: string): void {
    this.dynamic.unshift([name, value]);
    this.size += name.length + value.length + 32;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.maxSize && this.dynamic.length) {
      const [n, v] = this.dynamic.pop() as [string, string];
      this.size -= n.length + v.length + 32;
    }
  }
}

function encodeInt(value: number, prefixBits: number, firstByteFlags: number, out: number[]): void {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) {
    out.push(firstByteFlags | value);
    return;
  }
  out.push(firstByteFlags | mask);
  let v = value - mask;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/**
 * Encodes headers as literals without indexing (raw strings), using a static-table name index when there is one;
 * `:method POST` and `:scheme http` as fully indexed fields. Stateless, so it never disturbs the peer's table.
 */
export function encodeHeaders(headers: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of headers) {
    const full = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value && v !== '');
    if (full >= 0) {
      encodeInt(full + 1, 7, 0x80, out);
      continue;
    }
    const nameIdx = STATIC_TABLE.findIndex(([n]) => n === name);
    if (nameIdx >= 0) encodeInt(nameIdx + 1, 4, 0x00, out);
    else {
      out.push(0x00);
      const nb = Buffer.from(name, 'latin1');
      encodeInt(nb.length, 7, 0x00, out);
      out.push(...nb);
    }
    const vb = Buffer.from(value, 'latin1');
    encodeInt(vb.length, 7, 0x00, out);
    out.push(...vb);
  }
  return Buffer.from(out);
}
