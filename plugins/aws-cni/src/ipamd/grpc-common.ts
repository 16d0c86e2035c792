/** What both unary gRPC transports share: status codes, the call error, 5-byte framing, grpc-message decoding. */

/** gRPC status codes used here. */
export const GrpcStatus = Object.freeze({
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  INTERNAL: 13,
  UNAVAILABLE: 14,
});

/** A failed gRPC call: `code` is the gRPC status; `unavailable` when the socket could not be reached at all. */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly unavailable = false,
  ) {
    super(details);
    this.name = 'GrpcCallError';
  }
}

/** A successful unary call: the reply message and the custom metadata that came with it. */
export interface UnaryReply {
  readonly body: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Prefixes a message with gRPC's 5-byte header (uncompressed flag + big-endian length). */
export function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** Extracts the single message of a unary response; rejects compressed or truncated frames. */
export function unframe(data: Buffer): Buffer {
  if (data.length < 5) throw new Error(`response of ${data.length} bytes has no gRPC frame`);
  if (data[0] !== 0) throw new Error('compressed gRPC responses are not supported');
  const len = data.readUInt32BE(1);
  if (data.length < 5 + len) throw new Error(`gRPC frame announces ${len} bytes, got ${data.length - 5}`);
  return data.subarray(5, 5 + len);
}

/** grpc-message is percent-encoded. */
export function decodeGrpcMessage(m: string): string {
  try {
    return decodeURIComponent(m);
  } catch {
    return m;
  }
}

/** A unary gRPC transport: one request message in, one reply message (and custom metadata) out. */
export interface UnaryTransport {
  unary(path: string, message: Buffer, deadlineMs: number): Promise<UnaryReply>;
  /**
   * Optional: opens the connection now, ahead of the first call, without keeping the process alive. A failure
   * is not reported here: the next call connects again and reports it.
   */
  preconnect?(): void;
  close(): void;
}
