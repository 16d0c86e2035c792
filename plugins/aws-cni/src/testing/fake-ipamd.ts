import { GrpcCallError, GrpcStatus } from '../ipamd/grpc-common';
import { type IpamdClient, type WithReason } from '../ipamd/ipamd-client';
import { type NpAgentClient } from '../ipamd/np-agent-client';
import {
  type AddNetworkReply,
  type AddNetworkRequest,
  type DelNetworkReply,
  type DelNetworkRequest,
  type IpAllocationMetadata,
} from '../ipamd/messages';

/**
 * A stateful in-memory ipamd for unit tests: hands out addresses from a pool keyed by (network, container, ifName)
 * like the datastore, returns them on DEL, and can be switched to being unreachable or refusing.
 */
export class FakeIpamd implements IpamdClient {
  readonly target = '/fake/ipamd.sock';
  readonly allocations = new Map<string, IpAllocationMetadata[]>();
  readonly calls: Array<{ method: 'add' | 'del'; req: AddNetworkRequest | DelNetworkRequest }> = [];
  /** Socket unreachable. */
  down = false;
  /** AddNetwork answers Success=false with this reason. */
  refuseAdd?: string;
  /** DelNetwork answers Success=false with this reason. */
  refuseDel?: string;
  /** Branch ENI (security groups for pods) reply fields. */
  branch?: { vlanId: number; eniMac: string; subnetGw: string; parentIfIndex: number };
  /** Addresses per pod (multi-NIC when > 1 and requested). */
  perPod = 1;
  /** NetworkPolicyMode put in replies ('' = no network policy agent). */
  networkPolicyMode = '';
  private readonly free: IpAllocationMetadata[];

  constructor(pool: readonly IpAllocationMetadata[]) {
    this.free = [...pool];
  }

  private key(r: { networkName: string; containerId: string; ifName: string }): string {
    return `${r.networkName}/${r.containerId}/${r.ifName}`;
  }

  async addNetwork(req: AddNetworkRequest): Promise<AddNetworkReply & WithReason> {
    this.calls.push({ method: 'add', req });
    if (this.down) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, `cannot reach ${this.target}: connect ENOENT`, true);
    const base = {
      useExternalSnat: false,
      vpcV4Cidrs: [],
      vpcV6Cidrs: [],
      podVlanId: 0,
      podEniMac: '',
      podEniSubnetGw: '',
      parentIfIndex: 0,
      networkPolicyMode: '',
    };
    if (this.refuseAdd) return { ...base, success: false, ipAllocationMetadata: [], reason: this.refuseAdd };
    const k = this.key(req);
    let ips = this.allocations.get(k);
    if (!ips) {
      const n = req.requiresMultiNicAttachment ? this.perPod : 1;
      if (this.free.length < n)
        return { ...base, success: false, ipAllocationMetadata: [], reason: 'no available IP/Prefix addresses' };
      ips = this.free.splice(0, n);
      this.allocations.set(k, ips);
    }
    const b = this.branch;
    return {
      ...base,
      success: true,
      ipAllocationMetadata: b ? ips.map((m) => ({ ...m, deviceNumber: -1, routeTableId: 0 })) : ips,
      ...(b
        ? { podVlanId: b.vlanId, podEniMac: b.eniMac, podEniSubnetGw: b.subnetGw, parentIfIndex: b.parentIfIndex }
        : {}),
      networkPolicyMode: this.networkPolicyMode,
      reason: '',
    };
  }

  async delNetwork(req: DelNetworkRequest): Promise<DelNetworkReply & WithReason> {
    this.calls.push({ method: 'del', req });
    if (this.down) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, `cannot reach ${this.target}: connect ENOENT`, true);
    if (this.refuseDel)
      return { success: false, ipAllocationMetadata: [], podVlanId: 0, networkPolicyMode: '', reason: this.refuseDel };
    const k = this.key(req);
    const ips = this.allocations.get(k);
    if (!ips) throw new GrpcCallError(GrpcStatus.UNKNOWN, `datastore: unknown pod (containerID=${req.containerId})`);
    this.allocations.delete(k);
    this.free.push(...ips);
    return {
      success: true,
      ipAllocationMetadata: ips,
      podVlanId: this.branch?.vlanId ?? 0,
      networkPolicyMode: this.networkPolicyMode,
      reason: '',
    };
  }

  async health(): Promise<number> {
    if (this.down) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, 'down', true);
    return 1;
  }

  close(): void {
    // nothing to release
  }
}

/** An in-memory network policy agent: records which pods are enforced; can be made to fail. */
export class FakeNpAgent implements NpAgentClient {
  readonly enforced = new Map<string, { mode: string; interfaceCount: number }>();
  fail = false;

  async enforce(podName: string, podNamespace: string, mode: string, interfaceCount: number): Promise<void> {
    if (this.fail) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, 'cannot reach /fake/npa.sock', true);
    this.enforced.set(`${podNamespace}/${podName}`, { mode, interfaceCount });
  }

  async remove(podName: string, podNamespace: string): Promise<void> {
    if (this.fail) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, 'cannot reach /fake/npa.sock', true);
    this.enforced.delete(`${podNamespace}/${podName}`);
  }

  close(): void {
    // nothing to release
  }
}
