/**
 * A stand-in for ipamd's rpc.CNIBackend built with @grpc/grpc-js + @grpc/proto-loader (a real gRPC server, so it
 * also checks the plugin's hand-written codec against protobufjs). It hands out addresses from a list, keyed like
 * ipamd by (NetworkName, ContainerID, IfName), and can be told to misbehave.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** ipamd's own proto files: the contract, the only copy in the repository. Works from src/ and dist/. */
const IPAMD_PROTO = resolve(__dirname, '../../../ipamd/proto');

export interface StandInBranch {
  readonly vlanId: number;
  readonly eniMac: string;
  readonly subnetGw: string;
  readonly parentIfIndex: number;
}

export interface StandInOptions {
  readonly socketPath: string;
  /** Addresses handed out in order (IPv4 or IPv6 literals). */
  readonly pool: readonly string[];
  readonly deviceNumber?: number;
  readonly routeTableId?: number;
  readonly branch?: StandInBranch;
}

export type StandInBehaviour =
  | 'normal'
  /** AddNetwork answers Success=false with trailing metadata reason. */
  | 'no-address'
  /** AddNetwork fails with gRPC RESOURCE_EXHAUSTED. */
  | 'grpc-error'
  /** DelNetwork answers with an error containing "datastore: unknown pod". */
  | 'unknown-pod';

interface AllocationRecord {
  readonly ip: string;
  readonly containerId: string;
  readonly podName: string;
  readonly podNamespace: string;
}

export interface RecordedCall {
  readonly method: 'AddNetwork' | 'DelNetwork';
  readonly request: Record<string, unknown>;
}

export class StandInIpamd {
  behaviour: StandInBehaviour = 'normal';
  readonly calls: RecordedCall[] = [];
  readonly allocations = new Map<string, AllocationRecord>();
  private server?: grpc.Server;
  private free: string[];

  constructor(private readonly opts: StandInOptions) {
    this.free = [...opts.pool];
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  async start(): Promise<void> {
    rmSync(this.opts.socketPath, { force: true });
    const loadOpts = { keepCase: true, longs: Number, enums: Number, defaults: true, oneofs: true };
    const rpcDef = protoLoader.loadSync(join(IPAMD_PROTO, 'rpc.proto'), loadOpts);
    const healthDef = protoLoader.loadSync(join(IPAMD_PROTO, 'health.proto'), loadOpts);
    const rpc = grpc.loadPackageDefinition(rpcDef) as unknown as {
      rpc: { CNIBackend: { service: grpc.ServiceDefinition } };
    };
    const health = grpc.loadPackageDefinition(healthDef) as unknown as {
      grpc: { health: { v1: { Health: { service: grpc.ServiceDefinition } } } };
    };
    const server = new grpc.Server();
    server.addService(rpc.rpc.CNIBackend.service, {
      AddNetwork: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) =>
        this.add(call.request, cb),
      DelNetwork: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) =>
        this.del(call.request, cb),
    });
    server.addService(health.grpc.health.v1.Health.service, {
      Check: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: 1 }),
    });
    await new Promise<void>((res, rej) =>
      server.bindAsync(`unix://${this.opts.socketPath}`, grpc.ServerCredentials.createInsecure(), (err) =>
        err ? rej(err) : res(),
      ),
    );
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((res) => s.tryShutdown(() => res()));
    rmSync(this.opts.socketPath, { force: true });
  }

  private key(r: Record<string, unknown>): string {
    return `${String(r.NetworkName)}/${String(r.ContainerID)}/${String(r.IfName)}`;
  }

  private metadata(ip: string): Record<string, unknown> {
    const v6 = ip.includes(':');
    return {
      IPv4Addr: v6 ? '' : ip,
      IPv6Addr: v6 ? ip : '',
      DeviceNumber: this.opts.branch ? -1 : (this.opts.deviceNumber ?? 0),
      RouteTableId: this.opts.branch ? 0 : (this.opts.routeTableId ?? 254),
    };
  }

  private add(req: Record<string, unknown>, cb: grpc.sendUnaryData<unknown>): void {
    this.calls.push({ method: 'AddNetwork', request: req });
    if (this.behaviour === 'grpc-error') {
      cb({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'no available IP/Prefix addresses' });
      return;
    }
    if (!req.ContainerID || !req.IfName || !req.NetworkName) {
      cb(null, { Success: false });
      return;
    }
    const key = this.key(req);
    let rec = this.allocations.get(key);
    if (!rec) {
      const ip = this.behaviour === 'no-address' ? undefined : this.free.shift();
      if (!ip) {
        const md = new grpc.Metadata();
        md.set('reason', 'no available IP/Prefix addresses');
        cb(null, { Success: false }, md);
        return;
      }
      rec = {
        ip,
        containerId: String(req.ContainerID),
        podName: String(req.K8S_POD_NAME),
        podNamespace: String(req.K8S_POD_NAMESPACE),
      };
      this.allocations.set(key, rec);
    }
    const b = this.opts.branch;
    cb(null, {
      Success: true,
      IPAllocationMetadata: [this.metadata(rec.ip)],
      VPCv4CIDRs: ['10.99.0.0/16'],
      ...(b
        ? { PodVlanId: b.vlanId, PodENIMAC: b.eniMac, PodENISubnetGW: b.subnetGw, ParentIfIndex: b.parentIfIndex }
        : {}),
    });
  }

  private del(req: Record<string, unknown>, cb: grpc.sendUnaryData<unknown>): void {
    this.calls.push({ method: 'DelNetwork', request: req });
    const key = this.key(req);
    const rec = this.allocations.get(key);
    if (!rec || this.behaviour === 'unknown-pod') {
      cb({ code: grpc.status.UNKNOWN, details: 'datastore: unknown pod' });
      return;
    }
    this.allocations.delete(key);
    this.free.push(rec.ip);
    cb(null, {
      Success: true,
      IPAllocationMetadata: [this.metadata(rec.ip)],
      PodVlanId: this.opts.branch?.vlanId ?? 0,
    });
  }
}
