// SPDX-License-Identifier: Apache-2.0
/**
 * Minimal protobuf (proto3) wire codec driven by a field table: strings, bools, int32/enums and nested messages,
 * repeated or not. No dependencies, so the plugin's lean HTTP/2 client can reuse it. Unknown fields are skipped;
 * truncated or malformed input raises `WireError`.
 */

export class WireError extends Error {
  override readonly name = 'WireError';
}

export type FieldType = 'string' | 'bool' | 'int32' | 'message';

export interface FieldSpec {
  readonly no: number;
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
  readonly message?: MessageSpec;
}

export interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
}

class Writer {
  private chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(64);
  private pos = 0;
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(64, n));
    this.pos = 0;
  }
  varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (n > 0x7fn) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }
  smallVarint(v: number): void {
    if (v < 0 || v > 0x7fffffff) return this.varint(v);
    this.ensure(5);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }
  bytes(b: Buffer): void {
    this.smallVarint(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
  finish(): Buffer {
    this.chunks.push(this.buf.subarray(0, this.pos));
    return Buffer.concat(this.chunks);
  }
}

/** Encode `msg` (plain object keyed by field names) per `spec`; proto3 defaults (empty, false, 0) are omitted. */
export function encodeMessage(spec: MessageSpec, msg: Readonly<Record<string, unknown>>): Buffer {
  const w = new Writer();
  writeFields(w, spec, msg);
  return w.finish();
}

function writeFields(w: Writer, spec: MessageSpec, msg: Readonly<Record<string, unknown>>): void {
  for (const f of spec.fields) {
    const v = msg[f.name];
    if (v === undefined || v === null) continue;
    const values = f.repeated ? (v as unknown[]) : [v];
    for (const x of values) {
      switch (f.type) {
        case 'string': {
          const s = String(x);
          if (!f.repeated && s === '') break;
          w.smallVarint((f.no << 3) | 2);
          w.bytes(Buffer.from(s, 'utf8'));
          break;
        }
        case 'bool':
          if (!x) break;
          w.smallVarint(f.no << 3);
          w.smallVarint(1);
          break;
        case 'int32': {
          const n = Number(x) | 0;
          if (n === 0) break;
          w.smallVarint(f.no << 3);
          w.varint(n);
          break;
        }
        case 'message':
          w.smallVarint((f.no << 3) | 2);
          w.bytes(encodeMessage(f.message!, x as Record<string, unknown>));
          break;
      }
    }
  }
}

/** Decode bytes into a plain object with every field present (defaults filled, repeated as arrays). */
export function decodeMessage<T>(spec: MessageSpec, buf: Uint8Array): T {
  const out: Record<string, unknown> = {};
  for (const f of spec.fields)
    out[f.name] = f.repeated
      ? []
      : f.type === 'string'
        ? ''
        : f.type === 'bool'
          ? false
          : f.type === 'int32'
            ? 0
            : undefined;
  const byNo = new Map(spec.fields.map((f) => [f.no, f]));
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new WireError(`${spec.name}: truncated varint`);
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
    throw new WireError(`${spec.name}: varint too long`);
  };
  const readLen = (): Uint8Array => {
    const n = Number(readVarint());
    if (n > buf.length - pos) throw new WireError(`${spec.name}: length-delimited field runs past the end`);
    const b = buf.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  while (pos < buf.length) {
    const tag = Number(readVarint());
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) throw new WireError(`${spec.name}: field number 0`);
    const f = byNo.get(no);
    const expected = f ? (f.type === 'string' || f.type === 'message' ? 2 : 0) : -1;
    if (!f || (wt !== expected && !(wt === 2 && f.repeated && expected === 0))) {
      // Unknown field (or unexpected wire type): skip it.
      if (wt === 0) readVarint();
      else if (wt === 1) pos += 8;
      else if (wt === 2) readLen();
      else if (wt === 5) pos += 4;
      else throw new WireError(`${spec.name}: unsupported wire type ${wt}`);
      if (pos > buf.length) throw new WireError(`${spec.name}: truncated field`);
      continue;
    }
    const put = (v: unknown): void => {
      if (f.repeated) (out[f.name] as unknown[]).push(v);
      else out[f.name] = v;
    };
    if (wt === 2 && expected === 0) {
      // Packed repeated scalars.
      const inner = readLen();
      let p = 0;
      while (p < inner.length) {
        let r = 0n,
          s = 0n;
        for (;;) {
          if (p >= inner.length) throw new WireError(`${spec.name}: truncated packed field`);
          const b = inner[p++]!;
          r |= BigInt(b & 0x7f) << s;
          if (!(b & 0x80)) break;
          s += 7n;
        }
        put(f.type === 'bool' ? r !== 0n : Number(BigInt.asIntN(32, r)));
      }
      continue;
    }
    switch (f.type) {
      case 'string':
        put(Buffer.from(readLen()).toString('utf8'));
        break;
      case 'message':
        put(decodeMessage(f.message!, readLen()));
        break;
      case 'bool':
        put(readVarint() !== 0n);
        break;
      case 'int32':
        put(Number(BigInt.asIntN(32, readVarint())));
        break;
    }
  }
  return out as T;
}
