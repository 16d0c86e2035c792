import { GrpcCallError, GrpcStatus, type UnaryTransport } from './grpc-common';
import { H2UnixClient } from './h2-unix-client';
import { ProtoWriter, readFields, WIRE_VARINT } from './proto-wire';

/** Where the network policy agent serves rpc.NPBackend (upstream-notes section 2). */
export const DEFAULT_NPA_SOCKET = '/var/run/aws-node/npa.sock';

/** The plugin's port to the network policy agent, used only when ipamd reports a NetworkPolicyMode. */
export interface NpAgentClient {
  /** EnforceNpToPod; rejects when the agent is unreachable or answers Success=false. */
  enforce(podName: string, podNamespace: string, mode: string, interfaceCount: number): Promise<void>;
  /** DeletePodNp; rejects likewise (DEL only logs it). */
  remove(podName: string, podNamespace: string): Promise<void>;
  close(): void;
}

const success = (body: Buffer): boolean =>
  readFields(body).some((f) => f.field === 1 && f.wire === WIRE_VARINT && f.value !== 0n);

/** {@link NpAgentClient} over the lean HTTP/2 transport; calls time out after `deadlineMs` (default 5 s). */
export class LeanNpAgentClient implements NpAgentClient {
  private readonly grpc: UnaryTransport;

  constructor(
    readonly socketPath = DEFAULT_NPA_SOCKET,
    private readonly deadlineMs = 5000,
  ) {
    this.grpc = new H2UnixClient(socketPath);
  }

  async enforce(podName: string, podNamespace: string, mode: string, interfaceCount: number): Promise<void> {
    const req = new ProtoWriter()
      .string(1, podName)
      .string(2, podNamespace)
      .string(3, mode)
      .int32(4, interfaceCount)
      .finish();
    const r = await this.grpc.unary('/rpc.NPBackend/EnforceNpToPod', req, this.deadlineMs);
    if (!success(r.body))
      throw new GrpcCallError(GrpcStatus.UNKNOWN, 'network policy agent answered Success=false to EnforceNpToPod');
  }

  async remove(podName: string, podNamespace: string): Promise<void> {
    const req = new ProtoWriter().string(1, podName).string(2, podNamespace).finish();
    const r = await this.grpc.unary('/rpc.NPBackend/DeletePodNp', req, this.deadlineMs);
    if (!success(r.body))
      throw new GrpcCallError(GrpcStatus.UNKNOWN, 'network policy agent answered Success=false to DeletePodNp');
  }

  close(): void {
    this.grpc.close();
  }
}
