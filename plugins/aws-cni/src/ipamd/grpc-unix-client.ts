import * as http2 from 'node:http2';
import * as net from 'node:net';

import {
  decodeGrpcMessage,
  GrpcCallError,
  GrpcStatus,
  type UnaryReply,
  type UnaryTransport,
  frame,
  unframe,
} from './grpc-common';

export * from './grpc-common';

/**
 * A unary gRPC client over Node's built-in http2 (the first lean client; kept for comparison, see H2UnixClient) on a unix socket: 5-byte message framing, grpc-status and
 * grpc-message from trailers (or trailers-only responses), a per-call deadline (sent as grpc-timeout and enforced
 * locally). One HTTP/2 session, opened lazily and unref'd while idle so it never keeps the process alive.
 */
export class GrpcUnixClient implements UnaryTransport {
  private session?: http2.ClientHttp2Session;
  private inFlight = 0;

  constructor(private readonly socketPath: string) {}

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const s = http2.connect('http://localhost', { createConnection: () => net.connect(this.socketPath) });
    s.on('error', () => undefined); // surfaced per stream below
    this.session = s;
    return s;
  }

  /**
   * Calls `path` (e.g. "/rpc.CNIBackend/AddNetwork") with an encoded message; resolves with the reply bytes and the
   * custom (non-grpc-*, non-pseudo) header and trailer metadata.
   */
  unary(path: string, message: Buffer, deadlineMs: number): Promise<UnaryReply> {
    return new Promise<UnaryReply>((resolve, reject) => {
      const session = this.connect();
      session.ref();
      this.inFlight++;
      let settled = false;
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let grpcMessage = '';
      let httpStatus = 0;
      const metadata: Record<string, string> = {};

      const finish = (err?: Error, value?: UnaryReply): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (--this.inFlight === 0 && !session.destroyed) session.unref();
        if (err) reject(err);
        else resolve(value as UnaryReply);
      };
      const unreachable = (err: Error): GrpcCallError =>
        new GrpcCallError(GrpcStatus.UNAVAILABLE, `cannot reach ${this.socketPath}: ${err.message}`, true);

      const onSessionError = (err: Error): void => {
        finish(unreachable(err));
        session.destroy();
      };
      session.once('error', onSessionError);

      const timer = setTimeout(() => {
        req.close(http2.constants.NGHTTP2_CANCEL);
        finish(new GrpcCallError(GrpcStatus.DEADLINE_EXCEEDED, `no answer within ${deadlineMs} ms`));
      }, deadlineMs);

      const req = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': `${Math.max(1, Math.ceil(deadlineMs))}m`,
      });
      const readStatus = (h: http2.IncomingHttpHeaders): void => {
        const s = h['grpc-status'];
        if (s !== undefined) status = Number(s);
        const m = h['grpc-message'];
        if (typeof m === 'string') grpcMessage = decodeGrpcMessage(m);
        for (const [k, v] of Object.entries(h)) {
          if (k.startsWith(':') || k.startsWith('grpc-') || k === 'content-type' || typeof v !== 'string') continue;
          metadata[k] = v;
        }
      };
      req.on('response', (headers) => {
        httpStatus = Number(headers[':status']);
        readStatus(headers);
      });
      req.on('trailers', readStatus);
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', (err: Error & { code?: string }) => {
        session.off('error', onSessionError);
        // A connect failure surfaces on the stream as well (ERR_HTTP2_STREAM_CANCEL / the socket error).
        if (httpStatus === 0) finish(unreachable(err));
        else finish(new GrpcCallError(GrpcStatus.INTERNAL, `stream error: ${err.message}`));
      });
      req.on('close', () => {
        session.off('error', onSessionError);
        if (settled) return;
        if (httpStatus === 0) return finish(unreachable(new Error('connection closed before any response')));
        if (httpStatus !== 200) return finish(new GrpcCallError(GrpcStatus.UNKNOWN, `HTTP status ${httpStatus}`));
        if (status === undefined)
          return finish(new GrpcCallError(GrpcStatus.INTERNAL, 'response ended without grpc-status'));
        if (status !== GrpcStatus.OK) return finish(new GrpcCallError(status, grpcMessage || `gRPC status ${status}`));
        try {
          finish(undefined, { body: unframe(Buffer.concat(chunks)), metadata });
        } catch (e) {
          finish(new GrpcCallError(GrpcStatus.INTERNAL, (e as Error).message));
        }
      });
      req.end(frame(message));
    });
  }

  /** Closes the session (pending calls finish first). */
  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
