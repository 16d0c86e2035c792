import * as net from 'node:net';

import {
  decodeGrpcMessage,
  frame,
  GrpcCallError,
  GrpcStatus,
  type UnaryReply,
  type UnaryTransport,
  unframe,
} from './grpc-common';
import { encodeHeaders, HpackDecoder } from './hpack';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const T = {
  DATA: 0,
  HEADERS: 1,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
};
const F = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 };
const MAX_FRAME = 16384;

interface Call {
  readonly resolve: (r: UnaryReply) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
  data: Buffer[];
  httpStatus: number;
  grpcStatus?: number;
  grpcMessage: string;
  metadata: Record<string, string>;
  headerBlock?: Buffer[];
  endAfterHeaders: boolean;
}

function frameHeader(length: number, type: number, flags: number, stream: number): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream & 0x7fffffff, 5);
  return h;
}

/**
 * A minimal HTTP/2 client for unary gRPC over a unix socket, written against RFC 7540 directly on a net.Socket, so
 * the plugin never loads node:http2 (which pulls in http, tls and assert: about a third of a DEL's CPU). It speaks
 * exactly what a gRPC client needs: the preface, SETTINGS (+ACK), HEADERS/CONTINUATION with HPACK, DATA with
 * END_STREAM, PING replies, WINDOW_UPDATE for received data, RST_STREAM/GOAWAY handling, and a per-call deadline.
 * Requests must fit one DATA frame (16 KiB), which every rpc.CNIBackend request does.
 */
export class H2UnixClient implements UnaryTransport {
  private socket?: net.Socket;
  private readonly decoder = new HpackDecoder();
  private readonly calls = new Map<number, Call>();
  private nextStream = 1;
  private inbox: Buffer = Buffer.alloc(0);
  private gotBytes = false;
  private dead?: GrpcCallError;
  private goingAway = false;

  constructor(private readonly socketPath: string) {}

  private unreachable(detail: string): GrpcCallError {
    return new GrpcCallError(GrpcStatus.UNAVAILABLE, `cannot reach ${this.socketPath}: ${detail}`, true);
  }

  private connect(): net.Socket {
    if (this.socket && this.goingAway) {
      if (this.calls.size > 0) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, 'ipamd is shutting down (GOAWAY)');
      this.socket.destroy();
      this.socket = undefined;
    }
    this.goingAway = false;
    if (this.socket && !this.dead) return this.socket;
    this.dead = undefined;
    this.gotBytes = false;
    this.inbox = Buffer.alloc(0);
    const s = net.connect(this.socketPath);
    // SETTINGS: ENABLE_PUSH = 0
    const settings = Buffer.from([0, 2, 0, 0, 0, 0]);
    s.write(Buffer.concat([PREFACE, frameHeader(settings.length, T.SETTINGS, 0, 0), settings]));
    s.on('data', (chunk: Buffer) => {
      if (this.socket !== s) return;
      this.gotBytes = true;
      this.inbox = this.inbox.length ? Buffer.concat([this.inbox, chunk]) : chunk;
      try {
        this.drain();
      } catch (e) {
        this.fail(new GrpcCallError(GrpcStatus.INTERNAL, `HTTP/2 protocol error: ${(e as Error).message}`));
      }
    });
    // events of a replaced connection (after GOAWAY) must not fail the calls of the new one
    s.on('error', (e: Error) => {
      if (this.socket !== s) return;
      this.fail(
        this.gotBytes
          ? new GrpcCallError(GrpcStatus.UNAVAILABLE, `connection to ${this.socketPath} failed: ${e.message}`)
          : this.unreachable(e.message),
      );
    });
    s.on('close', () => {
      if (this.socket !== s) return;
      this.fail(
        this.gotBytes
          ? new GrpcCallError(GrpcStatus.UNAVAILABLE, `ipamd closed the connection on ${this.socketPath}`)
          : this.unreachable('connection closed before any response'),
      );
    });
    this.socket = s;
    return s;
  }

  /** Rejects every pending call and forgets the connection. */
  private fail(err: GrpcCallError): void {
    this.dead = err;
    const s = this.socket;
    this.socket = undefined;
    for (const [id, c] of this.calls) {
      clearTimeout(c.timer);
      this.calls.delete(id);
      c.reject(err);
    }
    s?.destroy();
  }

  preconnect(): void {
    if (this.calls.size > 0) return;
    this.connect().unref();
  }

  unary(path: string, message: Buffer, deadlineMs: number): Promise<UnaryReply> {
    return new Promise<UnaryReply>((resolve, reject) => {
      const body = frame(message);
      if (body.length > MAX_FRAME) {
        reject(new GrpcCallError(GrpcStatus.INTERNAL, `request of ${body.length} bytes does not fit one HTTP/2 frame`));
        return;
      }
      const s = this.connect();
      s.ref();
      const id = this.nextStream;
      this.nextStream += 2;
      const timer = setTimeout(() => {
        this.calls.delete(id);
        this.socket?.write(Buffer.concat([frameHeader(4, T.RST_STREAM, 0, id), Buffer.from([0, 0, 0, 8])]));
        this.idle();
        reject(new GrpcCallError(GrpcStatus.DEADLINE_EXCEEDED, `no answer within ${deadlineMs} ms`));
      }, deadlineMs);
      this.calls.set(id, {
        resolve,
        reject,
        timer,
        data: [],
        httpStatus: 0,
        grpcMessage: '',
        metadata: {},
        endAfterHeaders: false,
      });
      const block = encodeHeaders([
        [':method', 'POST'],
        [':scheme', 'http'],
        [':path', path],
        [':authority', 'localhost'],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
        ['grpc-timeout', `${Math.max(1, Math.ceil(deadlineMs))}m`],
      ]);
      s.write(
        Buffer.concat([
          frameHeader(block.length, T.HEADERS, F.END_HEADERS, id),
          block,
          frameHeader(body.length, T.DATA, F.END_STREAM, id),
          body,
        ]),
      );
    });
  }

  /** Lets the process exit when nothing is pending. */
  private idle(): void {
    if (this.calls.size === 0) this.socket?.unref();
  }

  private drain(): void {
    while (this.inbox.length >= 9) {
      const len = this.inbox.readUIntBE(0, 3);
      if (this.inbox.length < 9 + len) return;
      const type = this.inbox[3];
      const flags = this.inbox[4];
      const stream = this.inbox.readUInt32BE(5) & 0x7fffffff;
      const payload = this.inbox.subarray(9, 9 + len);
      this.inbox = this.inbox.subarray(9 + len);
      this.onFrame(type, flags, stream, payload);
    }
  }

  private onFrame(type: number, flags: number, stream: number, payload: Buffer): void {
    const s = this.socket;
    switch (type) {
      case T.SETTINGS:
        if (!(flags & F.ACK)) s?.write(frameHeader(0, T.SETTINGS, F.ACK, 0));
        return;
      case T.PING:
        if (!(flags & F.ACK)) s?.write(Buffer.concat([frameHeader(payload.length, T.PING, F.ACK, 0), payload]));
        return;
      case T.GOAWAY: {
        const last = payload.readUInt32BE(0) & 0x7fffffff;
        for (const [id, c] of this.calls) {
          if (id <= last) continue;
          clearTimeout(c.timer);
          this.calls.delete(id);
          c.reject(new GrpcCallError(GrpcStatus.UNAVAILABLE, 'ipamd is shutting down (GOAWAY)'));
        }
        // no new streams on this connection: the next call reconnects once the remaining ones are done
        this.goingAway = true;
        return;
      }
      case T.HEADERS:
      case T.CONTINUATION: {
        let p = payload;
        if (type === T.HEADERS) {
          let pad = 0;
          if (flags & F.PADDED) {
            pad = p[0];
            p = p.subarray(1);
          }
          if (flags & F.PRIORITY) p = p.subarray(5);
          p = p.subarray(0, p.length - pad);
        }
        const c = this.calls.get(stream);
        const parts = (this.pendingBlock ??= []);
        parts.push(p);
        if (type === T.HEADERS) this.pendingEnd = (flags & F.END_STREAM) !== 0;
        if (!(flags & F.END_HEADERS)) return;
        // decode every block, even for cancelled streams, to keep the HPACK table in step
        const headers = this.decoder.decode(Buffer.concat(parts));
        this.pendingBlock = undefined;
        if (!c) return;
        for (const [k, v] of headers) {
          if (k === ':status') c.httpStatus = Number(v);
          else if (k === 'grpc-status') c.grpcStatus = Number(v);
          else if (k === 'grpc-message') c.grpcMessage = decodeGrpcMessage(v);
          else if (!k.startsWith(':') && !k.startsWith('grpc-') && k !== 'content-type') c.metadata[k] = v;
        }
        if (this.pendingEnd) this.finish(stream, c);
        return;
      }
      case T.DATA: {
        let p = payload;
        if (flags & F.PADDED) p = p.subarray(1, p.length - p[0]);
        const c = this.calls.get(stream);
        if (payload.length > 0) {
          const inc = Buffer.alloc(4);
          inc.writeUInt32BE(payload.length);
          s?.write(Buffer.concat([frameHeader(4, T.WINDOW_UPDATE, 0, 0), inc]));
        }
        if (!c) return;
        c.data.push(Buffer.from(p));
        if (flags & F.END_STREAM) this.finish(stream, c);
        return;
      }
      case T.RST_STREAM: {
        const c = this.calls.get(stream);
        if (!c) return;
        clearTimeout(c.timer);
        this.calls.delete(stream);
        this.idle();
        c.reject(
          new GrpcCallError(GrpcStatus.INTERNAL, `ipamd reset the stream (HTTP/2 error ${payload.readUInt32BE(0)})`),
        );
        return;
      }
      default:
        return; // WINDOW_UPDATE, PRIORITY, PUSH_PROMISE (disabled), unknown: ignored
    }
  }

  private pendingBlock?: Buffer[];
  private pendingEnd = false;

  private finish(id: number, c: Call): void {
    clearTimeout(c.timer);
    this.calls.delete(id);
    this.idle();
    if (c.httpStatus !== 200) return c.reject(new GrpcCallError(GrpcStatus.UNKNOWN, `HTTP status ${c.httpStatus}`));
    if (c.grpcStatus === undefined)
      return c.reject(new GrpcCallError(GrpcStatus.INTERNAL, 'response ended without grpc-status'));
    if (c.grpcStatus !== GrpcStatus.OK)
      return c.reject(new GrpcCallError(c.grpcStatus, c.grpcMessage || `gRPC status ${c.grpcStatus}`));
    try {
      c.resolve({ body: unframe(Buffer.concat(c.data)), metadata: c.metadata });
    } catch (e) {
      c.reject(new GrpcCallError(GrpcStatus.INTERNAL, (e as Error).message));
    }
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.end();
    s?.unref();
  }
}
