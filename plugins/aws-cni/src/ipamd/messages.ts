import { ProtoWriter, readFields, toInt32, WIRE_LEN, WIRE_VARINT } from './proto-wire';

/** rpc.AddNetworkRequest (field numbers: upstream-notes section 2). */
export interface AddNetworkRequest {
  readonly clientVersion: string;
  readonly k8sPodName: string;
  readonly k8sPodNamespace: string;
  readonly k8sPodInfraContainerId: string;
  readonly containerId: string;
  readonly ifName: string;
  readonly networkName: string;
  readonly netns: string;
  readonly requiresMultiNicAttachment: boolean;
}

/** rpc.IPAllocationMetadata. */
export interface IpAllocationMetadata {
  readonly ipv4Addr: string;
  readonly ipv6Addr: string;
  readonly deviceNumber: number;
  readonly routeTableId: number;
}

/** rpc.AddNetworkReply. */
export interface AddNetworkReply {
  readonly success: boolean;
  readonly ipAllocationMetadata: readonly IpAllocationMetadata[];
  readonly useExternalSnat: boolean;
  readonly vpcV4Cidrs: readonly string[];
  readonly vpcV6Cidrs: readonly string[];
  readonly podVlanId: number;
  readonly podEniMac: string;
  readonly podEniSubnetGw: string;
  readonly parentIfIndex: number;
  readonly networkPolicyMode: string;
}

/** rpc.DelNetworkRequest. */
export interface DelNetworkRequest {
  readonly clientVersion: string;
  readonly k8sPodName: string;
  readonly k8sPodNamespace: string;
  readonly k8sPodInfraContainerId: string;
  readonly k8sPodUid: string;
  /** "PodDeleted", or "SetupNSFailed" when an ADD is rolled back. */
  readonly reason: string;
  readonly containerId: string;
  readonly ifName: string;
  readonly networkName: string;
}

/** rpc.DelNetworkReply. */
export interface DelNetworkReply {
  readonly success: boolean;
  readonly ipAllocationMetadata: readonly IpAllocationMetadata[];
  readonly podVlanId: number;
  readonly networkPolicyMode: string;
}

export function encodeAddNetworkRequest(r: AddNetworkRequest): Buffer {
  return new ProtoWriter()
    .string(1, r.k8sPodName)
    .string(2, r.k8sPodNamespace)
    .string(3, r.k8sPodInfraContainerId)
    .string(4, r.netns)
    .string(5, r.ifName)
    .string(6, r.networkName)
    .string(7, r.containerId)
    .string(8, r.clientVersion)
    .bool(9, r.requiresMultiNicAttachment)
    .finish();
}

export function encodeDelNetworkRequest(r: DelNetworkRequest): Buffer {
  return new ProtoWriter()
    .string(1, r.k8sPodName)
    .string(2, r.k8sPodNamespace)
    .string(3, r.k8sPodInfraContainerId)
    .string(5, r.reason)
    .string(6, r.ifName)
    .string(7, r.networkName)
    .string(8, r.containerId)
    .string(9, r.clientVersion)
    .string(10, r.k8sPodUid)
    .finish();
}

export function encodeIpAllocationMetadata(m: IpAllocationMetadata): Buffer {
  return new ProtoWriter()
    .string(1, m.ipv4Addr)
    .string(2, m.ipv6Addr)
    .int32(3, m.deviceNumber)
    .int32(4, m.routeTableId)
    .finish();
}

/** Encodes a reply (used by tests and stand-in servers). */
export function encodeAddNetworkReply(r: Partial<AddNetworkReply>): Buffer {
  const w = new ProtoWriter().bool(1, r.success);
  for (const m of r.ipAllocationMetadata ?? []) w.bytes(2, encodeIpAllocationMetadata(m));
  return w
    .bool(5, r.useExternalSnat)
    .repeatedString(6, r.vpcV4Cidrs)
    .int32(7, r.podVlanId)
    .string(8, r.podEniMac)
    .string(9, r.podEniSubnetGw)
    .int32(10, r.parentIfIndex)
    .repeatedString(12, r.vpcV6Cidrs)
    .string(13, r.networkPolicyMode)
    .finish();
}

const str = (b: Buffer): string => b.toString('utf8');

export function decodeIpAllocationMetadata(buf: Buffer): IpAllocationMetadata {
  let ipv4Addr = '';
  let ipv6Addr = '';
  let deviceNumber = 0;
  let routeTableId = 0;
  for (const f of readFields(buf)) {
    if (f.wire === WIRE_LEN && f.field === 1) ipv4Addr = str(f.bytes);
    else if (f.wire === WIRE_LEN && f.field === 2) ipv6Addr = str(f.bytes);
    else if (f.wire === WIRE_VARINT && f.field === 3) deviceNumber = toInt32(f.value);
    else if (f.wire === WIRE_VARINT && f.field === 4) routeTableId = toInt32(f.value);
  }
  return { ipv4Addr, ipv6Addr, deviceNumber, routeTableId };
}

export function decodeAddNetworkReply(buf: Buffer): AddNetworkReply {
  const r = {
    success: false,
    ipAllocationMetadata: [] as IpAllocationMetadata[],
    useExternalSnat: false,
    vpcV4Cidrs: [] as string[],
    vpcV6Cidrs: [] as string[],
    podVlanId: 0,
    podEniMac: '',
    podEniSubnetGw: '',
    parentIfIndex: 0,
    networkPolicyMode: '',
  };
  for (const f of readFields(buf)) {
    if (f.wire === WIRE_VARINT) {
      if (f.field === 1) r.success = f.value !== 0n;
      else if (f.field === 5) r.useExternalSnat = f.value !== 0n;
      else if (f.field === 7) r.podVlanId = toInt32(f.value);
      else if (f.field === 10) r.parentIfIndex = toInt32(f.value);
    } else {
      if (f.field === 2) r.ipAllocationMetadata.push(decodeIpAllocationMetadata(f.bytes));
      else if (f.field === 6) r.vpcV4Cidrs.push(str(f.bytes));
      else if (f.field === 12) r.vpcV6Cidrs.push(str(f.bytes));
      else if (f.field === 8) r.podEniMac = str(f.bytes);
      else if (f.field === 9) r.podEniSubnetGw = str(f.bytes);
      else if (f.field === 13) r.networkPolicyMode = str(f.bytes);
    }
  }
  return r;
}

export function decodeDelNetworkReply(buf: Buffer): DelNetworkReply {
  const r = { success: false, ipAllocationMetadata: [] as IpAllocationMetadata[], podVlanId: 0, networkPolicyMode: '' };
  for (const f of readFields(buf)) {
    if (f.wire === WIRE_VARINT) {
      if (f.field === 1) r.success = f.value !== 0n;
      else if (f.field === 4) r.podVlanId = toInt32(f.value);
    } else if (f.field === 2) r.ipAllocationMetadata.push(decodeIpAllocationMetadata(f.bytes));
    else if (f.field === 6) r.networkPolicyMode = str(f.bytes);
  }
  return r;
}

/** grpc.health.v1.HealthCheckRequest {service = 1}. */
export const encodeHealthCheckRequest = (service: string): Buffer => new ProtoWriter().string(1, service).finish();

/** grpc.health.v1.HealthCheckResponse.status (0 UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN). */
export function decodeHealthCheckResponse(buf: Buffer): number {
  for (const f of readFields(buf)) if (f.wire === WIRE_VARINT && f.field === 1) return Number(f.value);
  return 0;
}
