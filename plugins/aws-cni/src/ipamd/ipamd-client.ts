import {
  type AddNetworkReply,
  type AddNetworkRequest,
  decodeAddNetworkReply,
  decodeDelNetworkReply,
  decodeHealthCheckResponse,
  type DelNetworkReply,
  type DelNetworkRequest,
  encodeAddNetworkRequest,
  encodeDelNetworkRequest,
  encodeHealthCheckRequest,
} from './messages';
import { decodeGrpcMessage, type UnaryTransport } from './grpc-common';
import type * as NodeHttp2Module from './grpc-unix-client';
import { H2UnixClient } from './h2-unix-client';

/**
 * Why ipamd answered Success=false. The proto has no field for it, so ipamd may send it as trailing metadata
 * `reason` (or `x-reason`); empty when it did not.
 */
export interface WithReason {
  readonly reason: string;
}

const withReason = <T>(reply: T, md: Readonly<Record<string, string>>): T & WithReason => ({
  ...reply,
  reason: decodeGrpcMessage(md.reason ?? md['x-reason'] ?? ''),
});

/** Where ipamd serves rpc.CNIBackend since upstream v1.23.0. */
export const DEFAULT_IPAMD_SOCKET = '/var/run/aws-node/ipamd.sock';

/**
 * The plugin's port to ipamd (rpc.CNIBackend). Implementations reject with GrpcCallError: `unavailable` when the
 * socket cannot be reached, otherwise the gRPC status and message ipamd sent.
 */
export interface IpamdClient {
  /** The socket (or address) this client talks to, for error messages. */
  readonly target: string;
  addNetwork(req: AddNetworkRequest): Promise<AddNetworkReply & WithReason>;
  delNetwork(req: DelNetworkRequest): Promise<DelNetworkReply & WithReason>;
  /** grpc.health.v1 Check; resolves with the status (1 = SERVING). */
  health(service?: string): Promise<number>;
  /**
   * Optional: starts connecting now so the connection is up by the first call (a failure surfaces on that call,
   * which connects again). Keeps nothing alive.
   */
  preconnect?(): void;
  close(): void;
}

export interface LeanIpamdClientOptions {
  readonly socketPath?: string;
  /** Deadline of AddNetwork (ipamd may be waiting on EC2); default 30 s. */
  readonly addDeadlineMs?: number;
  /** Deadline of DelNetwork and health; default 10 s. */
  readonly deadlineMs?: number;
  /**
   * `h2` (default): the hand-written HTTP/2 client on a net.Socket; `node-http2`: node:http2 (loads http, tls,
   * assert; kept for comparison).
   */
  readonly transport?: 'h2' | 'node-http2';
}

/** {@link IpamdClient} over a lean unary gRPC transport and the hand-written protobuf codec. */
export class LeanIpamdClient implements IpamdClient {
  readonly target: string;
  private readonly grpc: UnaryTransport;
  private readonly addDeadlineMs: number;
  private readonly deadlineMs: number;

  constructor(opts: LeanIpamdClientOptions = {}) {
    this.target = opts.socketPath ?? DEFAULT_IPAMD_SOCKET;
    this.grpc =
      opts.transport === 'node-http2'
        ? // eslint-disable-next-line @typescript-eslint/no-require-imports
          new (require('./grpc-unix-client') as typeof NodeHttp2Module).GrpcUnixClient(this.target)
        : new H2UnixClient(this.target);
    this.addDeadlineMs = opts.addDeadlineMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? 10_000;
  }

  preconnect(): void {
    this.grpc.preconnect?.();
  }

  async addNetwork(req: AddNetworkRequest): Promise<AddNetworkReply & WithReason> {
    const r = await this.grpc.unary('/rpc.CNIBackend/AddNetwork', encodeAddNetworkRequest(req), this.addDeadlineMs);
    return withReason(decodeAddNetworkReply(r.body), r.metadata);
  }

  async delNetwork(req: DelNetworkRequest): Promise<DelNetworkReply & WithReason> {
    const r = await this.grpc.unary('/rpc.CNIBackend/DelNetwork', encodeDelNetworkRequest(req), this.deadlineMs);
    return withReason(decodeDelNetworkReply(r.body), r.metadata);
  }

  async health(service = ''): Promise<number> {
    const r = await this.grpc.unary('/grpc.health.v1.Health/Check', encodeHealthCheckRequest(service), this.deadlineMs);
    return decodeHealthCheckResponse(r.body);
  }

  close(): void {
    this.grpc.close();
  }
}
