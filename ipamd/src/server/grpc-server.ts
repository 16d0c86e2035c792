// SPDX-License-Identifier: Apache-2.0
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

import * as grpc from '@grpc/grpc-js';

import type { AddressGrant } from '../datastore';
import type { Logger } from '../ports';
import {
  CNI_BACKEND_ADD_PATH,
  CNI_BACKEND_DEL_PATH,
  HEALTH_CHECK_PATH,
  IPAMD_HEALTH_SERVICE,
  ServingStatus,
  decodeAddNetworkReply,
  decodeAddNetworkRequest,
  decodeDelNetworkReply,
  decodeDelNetworkRequest,
  decodeHealthCheckRequest,
  decodeHealthCheckResponse,
  encodeAddNetworkReply,
  encodeAddNetworkRequest,
  encodeDelNetworkReply,
  encodeDelNetworkRequest,
  encodeHealthCheckRequest,
  encodeHealthCheckResponse,
  type AddNetworkReply,
  type AddNetworkRequest,
  type DelNetworkReply,
  type DelNetworkRequest,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type IPAllocationMetadata,
} from '../rpc/messages';
import type { WireError } from '../rpc/wire';
import { IpamError, type AddRequest } from '../service';
import { branchAddReply, branchDelReply, type BranchPods } from '../sgp';

/** What the server needs from the IPAM service. */
export interface CniBackend {
  add(req: AddRequest): Promise<AddressGrant>;
  del(
    key: { networkName: string; containerId: string; ifName: string },
    podName?: string,
    reason?: string,
  ): Promise<AddressGrant>;
}

/** Extra reply fields (VPC CIDRs, SNAT mode, policy mode) filled by ipamd's host-network config. */
export interface ReplyExtras {
  readonly vpcV4Cidrs: readonly string[];
  readonly useExternalSnat: boolean;
  readonly networkPolicyMode: string;
}

const unary = <Req, Res>(
  path: string,
  reqEnc: (m: Req) => Buffer,
  reqDec: (b: Buffer) => Req,
  resEnc: (m: Res) => Buffer,
  resDec: (b: Buffer) => Res,
): grpc.MethodDefinition<Req, Res> => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: reqEnc,
  requestDeserialize: (b: Buffer) => {
    try {
      return reqDec(b);
    } catch (e) {
      // grpc-js turns a throwing deserializer into INTERNAL; keep the message clear.
      throw new Error(`malformed request: ${(e as WireError).message}`);
    }
  },
  responseSerialize: resEnc,
  responseDeserialize: resDec,
});

/** Service definition of `rpc.CNIBackend` on our codec (also usable with `grpc.makeGenericClientConstructor`). */
export const CniBackendService = {
  AddNetwork: unary<Partial<AddNetworkRequest>, AddNetworkReply>(
    CNI_BACKEND_ADD_PATH,
    encodeAddNetworkRequest,
    decodeAddNetworkRequest,
    encodeAddNetworkReply,
    decodeAddNetworkReply,
  ),
  DelNetwork: unary<Partial<DelNetworkRequest>, DelNetworkReply>(
    CNI_BACKEND_DEL_PATH,
    encodeDelNetworkRequest,
    decodeDelNetworkRequest,
    encodeDelNetworkReply,
    decodeDelNetworkReply,
  ),
} satisfies grpc.ServiceDefinition;

/** `grpc.health.v1.Health` (Check only). */
export const HealthService = {
  Check: unary<Partial<HealthCheckRequest>, HealthCheckResponse>(
    HEALTH_CHECK_PATH,
    encodeHealthCheckRequest,
    decodeHealthCheckRequest,
    encodeHealthCheckResponse,
    decodeHealthCheckResponse,
  ),
} satisfies grpc.ServiceDefinition;

/** One address of a grant on the wire: IPv4Addr or IPv6Addr by family (IPv6 mode hands out /128s). */
function allocationOf(g: AddressGrant): IPAllocationMetadata {
  const v6 = g.address.includes(':');
  return {
    IPv4Addr: v6 ? '' : g.address,
    IPv6Addr: v6 ? g.address : '',
    DeviceNumber: g.deviceNumber,
    RouteTableId: g.routeTableId,
  };
}

function statusOf(e: unknown): { code: grpc.status; details: string } {
  if (e instanceof IpamError) {
    const code = {
      'invalid-argument': grpc.status.INVALID_ARGUMENT,
      'no-address': grpc.status.RESOURCE_EXHAUSTED,
      'unknown-pod': grpc.status.NOT_FOUND,
      internal: grpc.status.INTERNAL,
      unavailable: grpc.status.UNAVAILABLE,
    }[e.kind];
    return { code, details: e.message };
  }
  return { code: grpc.status.INTERNAL, details: `ipamd internal error: ${(e as Error)?.message ?? String(e)}` };
}

/**
 * gRPC server on a unix socket: `rpc.CNIBackend` and `grpc.health.v1.Health`. Failures are gRPC errors with a
 * message an operator can act on (upstream's plugin treats any error as failure and matches `datastore: unknown pod`
 * on DEL as success).
 */
export class IpamdGrpcServer {
  private server: grpc.Server | undefined;
  private serving = false;
  private readonly log: Logger;

  constructor(
    private readonly backend: CniBackend,
    private readonly socketPath: string,
    logger: Logger,
    private readonly extras: ReplyExtras,
    /** ENABLE_POD_ENI: branch-ENI pods, asked before the datastore on ADD and for unknown keys on DEL. */
    private readonly branchPods?: BranchPods,
  ) {
    this.log = logger.child({ component: 'grpc' });
  }

  /** Mark ready (health answers SERVING) or not. */
  setServing(v: boolean): void {
    this.serving = v;
  }

  async start(): Promise<void> {
    await fs.mkdir(dirname(this.socketPath), { recursive: true, mode: 0o755 });
    await fs.rm(this.socketPath, { force: true });
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 1 << 20 });
    server.addService(CniBackendService, {
      AddNetwork: (
        call: grpc.ServerUnaryCall<AddNetworkRequest, AddNetworkReply>,
        cb: grpc.sendUnaryData<Partial<AddNetworkReply>>,
      ) => {
        const r = call.request;
        const common = {
          UseExternalSNAT: this.extras.useExternalSnat,
          VPCv4CIDRs: [...this.extras.vpcV4Cidrs],
          NetworkPolicyMode: this.extras.networkPolicyMode,
        };
        Promise.resolve(this.branchPods?.add(r.K8S_POD_NAMESPACE, r.K8S_POD_NAME))
          .then(async (branch) => {
            if (branch) return cb(null, { ...branchAddReply(branch), ...common });
            const g = await this.backend.add({
              networkName: r.NetworkName,
              containerId: r.ContainerID,
              ifName: r.IfName,
              podName: r.K8S_POD_NAME,
              podNamespace: r.K8S_POD_NAMESPACE,
            });
            cb(null, { Success: true, IPAllocationMetadata: [allocationOf(g)], ...common });
          })
          .catch((e) => {
            const s = statusOf(e);
            this.log.warn({ code: s.code, details: s.details, containerId: r.ContainerID }, 'AddNetwork failed');
            cb(s);
          });
      },
      DelNetwork: (
        call: grpc.ServerUnaryCall<DelNetworkRequest, DelNetworkReply>,
        cb: grpc.sendUnaryData<Partial<DelNetworkReply>>,
      ) => {
        const r = call.request;
        this.backend
          .del({ networkName: r.NetworkName, containerId: r.ContainerID, ifName: r.IfName }, r.K8S_POD_NAME, r.Reason)
          .then((g) =>
            cb(null, {
              Success: true,
              IPAllocationMetadata: [allocationOf(g)],
              NetworkPolicyMode: this.extras.networkPolicyMode,
            }),
          )
          .catch(async (e) => {
            if (this.branchPods && e instanceof IpamError && e.kind === 'unknown-pod') {
              const b = await this.branchPods.del(r.K8S_POD_NAMESPACE, r.K8S_POD_NAME).catch(() => undefined);
              if (b) return cb(null, { ...branchDelReply(b), NetworkPolicyMode: this.extras.networkPolicyMode });
            }
            const s = statusOf(e);
            if (s.code !== grpc.status.NOT_FOUND)
              this.log.warn({ code: s.code, details: s.details, containerId: r.ContainerID }, 'DelNetwork failed');
            cb(s);
          });
      },
    });
    server.addService(HealthService, {
      Check: (
        call: grpc.ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>,
        cb: grpc.sendUnaryData<HealthCheckResponse>,
      ) => {
        const svc = call.request.service;
        if (svc !== '' && svc !== IPAMD_HEALTH_SERVICE && svc !== 'rpc.CNIBackend')
          return cb(null, { status: ServingStatus.SERVICE_UNKNOWN });
        cb(null, { status: this.serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING });
      },
    });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix://${this.socketPath}`, grpc.ServerCredentials.createInsecure(), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    await fs.chmod(this.socketPath, 0o660);
    this.server = server;
    this.log.info({ socket: this.socketPath }, 'gRPC server listening');
  }

  /** Stop accepting calls; in-flight calls finish (bounded by `graceMs`). */
  async stop(graceMs = 5000): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    this.serving = false;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        s.forceShutdown();
        resolve();
      }, graceMs);
      s.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
    await fs.rm(this.socketPath, { force: true });
  }
}

/** A grpc-js client of `rpc.CNIBackend` + health on our codec (tests, benchmarks, tools). */
export function createIpamdClient(socketPath: string): {
  add(req: Partial<AddNetworkRequest>, deadlineMs?: number): Promise<AddNetworkReply>;
  del(req: Partial<DelNetworkRequest>, deadlineMs?: number): Promise<DelNetworkReply>;
  health(service?: string): Promise<number>;
  close(): void;
} {
  const Cni = grpc.makeGenericClientConstructor(CniBackendService, 'CNIBackend');
  const Health = grpc.makeGenericClientConstructor(HealthService, 'Health');
  const target = `unix://${socketPath}`;
  const cni = new Cni(target, grpc.credentials.createInsecure());
  const health = new Health(target, grpc.credentials.createInsecure(), {
    channelOverride: cni.getChannel(),
  } as grpc.ClientOptions);
  const call = <Req, Res>(client: grpc.Client, method: string, req: Req, deadlineMs: number): Promise<Res> =>
    new Promise((resolve, reject) => {
      (
        client as unknown as Record<
          string,
          (r: Req, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => void
        >
      )[method]!(req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (e, r) =>
        e ? reject(e) : resolve(r as Res),
      );
    });
  return {
    add: (req, deadlineMs = 10_000) => call(cni, 'AddNetwork', req, deadlineMs),
    del: (req, deadlineMs = 10_000) => call(cni, 'DelNetwork', req, deadlineMs),
    health: async (service = '') =>
      (await call<Partial<HealthCheckRequest>, HealthCheckResponse>(health, 'Check', { service }, 5000)).status,
    close: () => {
      health.close();
      cni.close();
    },
  };
}
