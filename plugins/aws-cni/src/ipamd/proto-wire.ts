/**
 * The slice of the protobuf wire format the rpc.CNIBackend messages use: varints (bool, int32 incl. negatives as
 * 10-byte two's complement), length-delimited strings and embedded messages, repeated fields. Unknown fields are
 * skipped on decode (including fixed32/fixed64), as protobuf requires.
 */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** Builds one message; fields with default values (empty, 0, false) are omitted as proto3 does. */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private varint(v: bigint): void {
    const bytes: number[] = [];
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    bytes.push(Number(x));
    this.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  string(field: number, value: string | undefined): this {
    if (!value) return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** Length-delimited field, always written (used for strings and embedded messages). */
  bytes(field: number, value: Buffer): this {
    this.tag(field, WIRE_LEN);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WIRE_VARINT);
    this.varint(1n);
    return this;
  }

  int32(field: number, value: number | undefined): this {
    if (!value) return this;
    this.tag(field, WIRE_VARINT);
    this.varint(BigInt(value | 0));
    return this;
  }

  repeatedString(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, 'utf8'));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** One decoded field: a varint value, or the bytes of a length-delimited field. */
export type ProtoField =
  | { readonly field: number; readonly wire: typeof WIRE_VARINT; readonly value: bigint }
  | { readonly field: number; readonly wire: typeof WIRE_LEN; readonly bytes: Buffer };

/** Splits a message into fields; throws RangeError on truncated or malformed input. */
export function readFields(buf: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new RangeError('varint longer than 10 bytes');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new RangeError('field number 0');
    switch (wire) {
      case WIRE_VARINT:
        out.push({ field, wire, value: varint() });
        break;
      case WIRE_LEN: {
        const len = Number(varint());
        if (pos + len > buf.length) throw new RangeError('truncated length-delimited field');
        out.push({ field, wire, bytes: buf.subarray(pos, pos + len) });
        pos += len;
        break;
      }
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_FIXED32:
        pos += 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${wire}`);
    }
    if (pos > buf.length) throw new RangeError('truncated fixed field');
  }
  return out;
}

/** int32 from a varint (negative numbers arrive as 64-bit two's complement). */
export const toInt32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
