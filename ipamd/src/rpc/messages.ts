// SPDX-License-Identifier: Apache-2.0
/**
 * Messages of `rpc.CNIBackend` (ipamd/proto/rpc.proto, upstream field numbers) and `grpc.health.v1.Health/Check`,
 * as typed interfaces with encode/decode functions. Field names are the proto names, so objects match what a
 * proto-loader client with `keepCase: true` produces.
 */
import { decodeMessage, encodeMessage, type MessageSpec } from './wire';

export interface AddNetworkRequest {
  ClientVersion: string;
  K8S_POD_NAME: string;
  K8S_POD_NAMESPACE: string;
  K8S_POD_INFRA_CONTAINER_ID: string;
  ContainerID: string;
  IfName: string;
  NetworkName: string;
  Netns: string;
  RequiresMultiNICAttachment: boolean;
}

export interface IPAllocationMetadata {
  IPv4Addr: string;
  IPv6Addr: string;
  DeviceNumber: number;
  RouteTableId: number;
}

export interface AddNetworkReply {
  Success: boolean;
  IPAllocationMetadata: IPAllocationMetadata[];
  UseExternalSNAT: boolean;
  VPCv4CIDRs: string[];
  VPCv6CIDRs: string[];
  PodVlanId: number;
  PodENIMAC: string;
  PodENISubnetGW: string;
  ParentIfIndex: number;
  NetworkPolicyMode: string;
}

export interface DelNetworkRequest {
  ClientVersion: string;
  K8S_POD_NAME: string;
  K8S_POD_NAMESPACE: string;
  K8S_POD_INFRA_CONTAINER_ID: string;
  Reason: string;
  ContainerID: string;
  IfName: string;
  NetworkName: string;
  K8S_POD_UID: string;
}

export interface DelNetworkReply {
  Success: boolean;
  IPAllocationMetadata: IPAllocationMetadata[];
  PodVlanId: number;
  NetworkPolicyMode: string;
}

export interface HealthCheckRequest {
  service: string;
}

/** grpc.health.v1 ServingStatus. */
export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
export interface HealthCheckResponse {
  status: number;
}

const s = (no: number, name: string) => ({ no, name, type: 'string' as const });
const b = (no: number, name: string) => ({ no, name, type: 'bool' as const });
const i = (no: number, name: string) => ({ no, name, type: 'int32' as const });

export const IPAllocationMetadataSpec: MessageSpec = {
  name: 'rpc.IPAllocationMetadata',
  fields: [s(1, 'IPv4Addr'), s(2, 'IPv6Addr'), i(3, 'DeviceNumber'), i(4, 'RouteTableId')],
};
export const AddNetworkRequestSpec: MessageSpec = {
  name: 'rpc.AddNetworkRequest',
  fields: [
    s(1, 'K8S_POD_NAME'),
    s(2, 'K8S_POD_NAMESPACE'),
    s(3, 'K8S_POD_INFRA_CONTAINER_ID'),
    s(4, 'Netns'),
    s(5, 'IfName'),
    s(6, 'NetworkName'),
    s(7, 'ContainerID'),
    s(8, 'ClientVersion'),
    b(9, 'RequiresMultiNICAttachment'),
  ],
};
export const AddNetworkReplySpec: MessageSpec = {
  name: 'rpc.AddNetworkReply',
  fields: [
    b(1, 'Success'),
    { no: 2, name: 'IPAllocationMetadata', type: 'message', repeated: true, message: IPAllocationMetadataSpec },
    b(5, 'UseExternalSNAT'),
    { ...s(6, 'VPCv4CIDRs'), repeated: true },
    i(7, 'PodVlanId'),
    s(8, 'PodENIMAC'),
    s(9, 'PodENISubnetGW'),
    i(10, 'ParentIfIndex'),
    { ...s(12, 'VPCv6CIDRs'), repeated: true },
    s(13, 'NetworkPolicyMode'),
  ],
};
export const DelNetworkRequestSpec: MessageSpec = {
  name: 'rpc.DelNetworkRequest',
  fields: [
    s(1, 'K8S_POD_NAME'),
    s(2, 'K8S_POD_NAMESPACE'),
    s(3, 'K8S_POD_INFRA_CONTAINER_ID'),
    s(5, 'Reason'),
    s(6, 'IfName'),
    s(7, 'NetworkName'),
    s(8, 'ContainerID'),
    s(9, 'ClientVersion'),
    s(10, 'K8S_POD_UID'),
  ],
};
export const DelNetworkReplySpec: MessageSpec = {
  name: 'rpc.DelNetworkReply',
  fields: [
    b(1, 'Success'),
    { no: 2, name: 'IPAllocationMetadata', type: 'message', repeated: true, message: IPAllocationMetadataSpec },
    i(4, 'PodVlanId'),
    s(6, 'NetworkPolicyMode'),
  ],
};
export const HealthCheckRequestSpec: MessageSpec = {
  name: 'grpc.health.v1.HealthCheckRequest',
  fields: [s(1, 'service')],
};
export const HealthCheckResponseSpec: MessageSpec = {
  name: 'grpc.health.v1.HealthCheckResponse',
  fields: [i(1, 'status')],
};

export const encodeAddNetworkRequest = (m: Partial<AddNetworkRequest>): Buffer =>
  encodeMessage(AddNetworkRequestSpec, m);
export const decodeAddNetworkRequest = (b: Uint8Array): AddNetworkRequest => decodeMessage(AddNetworkRequestSpec, b);
export const encodeAddNetworkReply = (m: Partial<AddNetworkReply>): Buffer => encodeMessage(AddNetworkReplySpec, m);
export const decodeAddNetworkReply = (b: Uint8Array): AddNetworkReply => decodeMessage(AddNetworkReplySpec, b);
export const encodeDelNetworkRequest = (m: Partial<DelNetworkRequest>): Buffer =>
  encodeMessage(DelNetworkRequestSpec, m);
export const decodeDelNetworkRequest = (b: Uint8Array): DelNetworkRequest => decodeMessage(DelNetworkRequestSpec, b);
export const encodeDelNetworkReply = (m: Partial<DelNetworkReply>): Buffer => encodeMessage(DelNetworkReplySpec, m);
export const decodeDelNetworkReply = (b: Uint8Array): DelNetworkReply => decodeMessage(DelNetworkReplySpec, b);
export const encodeHealthCheckRequest = (m: Partial<HealthCheckRequest>): Buffer =>
  encodeMessage(HealthCheckRequestSpec, m);
export const decodeHealthCheckRequest = (b: Uint8Array): HealthCheckRequest => decodeMessage(HealthCheckRequestSpec, b);
export const encodeHealthCheckResponse = (m: Partial<HealthCheckResponse>): Buffer =>
  encodeMessage(HealthCheckResponseSpec, m);
export const decodeHealthCheckResponse = (b: Uint8Array): HealthCheckResponse =>
  decodeMessage(HealthCheckResponseSpec, b);

/** gRPC method paths. */
export const CNI_BACKEND_ADD_PATH = '/rpc.CNIBackend/AddNetwork';
export const CNI_BACKEND_DEL_PATH = '/rpc.CNIBackend/DelNetwork';
export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';
/** Upstream's health service name for ipamd. */
export const IPAMD_HEALTH_SERVICE = 'grpc.health.v1.aws-node';
