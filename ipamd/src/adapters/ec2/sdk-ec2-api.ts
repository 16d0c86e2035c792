// SPDX-License-Identifier: Apache-2.0
import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  UnassignPrivateIpAddressesCommand,
  AssignIpv6AddressesCommand,
  type NetworkInterface,
  type Tag,
} from '@aws-sdk/client-ec2';

import type { Eni, Subnet } from '../../domain/types';
import type { InstanceLimits } from '../../limits';
import {
  Ec2Error,
  type AssignedAddresses,
  type Clock,
  type CreateEniRequest,
  type Ec2Api,
  type Logger,
  type Metrics,
} from '../../ports';
import { toEc2Error } from './ec2-errors';

export interface SdkEc2Options {
  readonly region: string;
  readonly endpoint?: string;
  readonly httpTimeoutMs: number;
  /** Attempts per call for transient errors (first try included). */
  readonly maxAttempts: number;
  /** Attempts per call when EC2 throttles (kept small: the pool manager backs off too). */
  readonly throttleAttempts?: number;
  readonly userAgent?: string;
}

const tagsToRecord = (t: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((t ?? []).filter((x) => x.Key).map((x) => [x.Key!, x.Value ?? '']));

/** SDK shape to domain `Eni`, at the edge. */
export function toEni(n: NetworkInterface): Eni {
  const secondaries = (n.PrivateIpAddresses ?? [])
    .filter((a) => !a.Primary && a.PrivateIpAddress)
    .map((a) => a.PrivateIpAddress!);
  return {
    id: n.NetworkInterfaceId ?? '',
    mac: n.MacAddress ?? '',
    deviceNumber: n.Attachment?.DeviceIndex ?? -1,
    networkCard: n.Attachment?.NetworkCardIndex ?? 0,
    subnetId: n.SubnetId ?? '',
    primaryIp: n.PrivateIpAddress ?? '',
    secondaryIps: secondaries,
    ipv4Prefixes: (n.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix!).filter(Boolean),
    ipv6Prefixes: (n.Ipv6Prefixes ?? []).map((p) => p.Ipv6Prefix!).filter(Boolean),
    isPrimary: n.Attachment?.DeviceIndex === 0,
    isTrunk: n.InterfaceType === 'trunk',
    isEfa: n.InterfaceType === 'efa' || n.InterfaceType === 'efa-only',
    attachmentId: n.Attachment?.AttachmentId,
    deleteOnTermination: n.Attachment?.DeleteOnTermination,
    status: n.Status,
    description: n.Description,
    tags: tagsToRecord(n.TagSet),
    securityGroupIds: (n.Groups ?? []).map((g) => g.GroupId!).filter(Boolean),
  };
}

/**
 * `Ec2Api` over @aws-sdk/client-ec2: endpoint override, own retries with exponential backoff and jitter (SDK
 * retries off), throttling kept to a few attempts, per-action call counts and metrics, pagination, and SDK shapes
 * turned into domain types here.
 */
export class SdkEc2Api implements Ec2Api {
  private readonly client: EC2Client;
  private readonly counts = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    private readonly opts: SdkEc2Options,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'ec2' });
    this.client = new EC2Client({
      region: opts.region,
      endpoint: opts.endpoint,
      maxAttempts: 1,
      requestHandler: { requestTimeout: opts.httpTimeoutMs, connectionTimeout: Math.min(5000, opts.httpTimeoutMs) },
      customUserAgent: opts.userAgent,
    });
  }

  /** Calls made per EC2 action since start (each attempt counts). */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    const throttleAttempts = this.opts.throttleAttempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      this.counts.set(action, (this.counts.get(action) ?? 0) + 1);
      this.metrics.inc('awscni_ec2api_req_count', { fn: action });
      try {
        return await fn();
      } catch (e) {
        const err = toEc2Error(action, e);
        this.metrics.inc('awscni_ec2api_error_count', { fn: action, error: err.code });
        const limit =
          err.kind === 'throttled' ? throttleAttempts : err.kind === 'transient' ? this.opts.maxAttempts : 1;
        if (attempt + 1 >= limit) throw err;
        const base = err.kind === 'throttled' ? 500 : 200;
        const delay = Math.min(20_000, base * 2 ** attempt) * (1 + 0.5 * this.clock.random());
        this.log.debug({ action, code: err.code, attempt, delayMs: Math.round(delay) }, 'EC2 call failed; retrying');
        await this.clock.sleep(delay);
      }
    }
  }

  async describeNetworkInterfaces(ids: readonly string[]): Promise<Eni[]> {
    if (!ids.length) return [];
    const out: Eni[] = [];
    let token: string | undefined;
    do {
      const r = await this.call('DescribeNetworkInterfaces', () =>
        this.client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [...ids], NextToken: token })),
      );
      out.push(...(r.NetworkInterfaces ?? []).map(toEni));
      token = r.NextToken;
    } while (token);
    return out;
  }

  async describeInstanceEnis(instanceId: string): Promise<Eni[]> {
    const out: Eni[] = [];
    let token: string | undefined;
    do {
      const r = await this.call('DescribeNetworkInterfaces', () =>
        this.client.send(
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }],
            MaxResults: 1000,
            NextToken: token,
          }),
        ),
      );
      out.push(...(r.NetworkInterfaces ?? []).map(toEni));
      token = r.NextToken;
    } while (token);
    return out;
  }

  async describeSubnet(subnetId: string): Promise<Subnet | undefined> {
    const r = await this.call('DescribeSubnets', () =>
      this.client.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] })),
    );
    const s = r.Subnets?.[0];
    if (!s) return undefined;
    return {
      id: s.SubnetId ?? subnetId,
      cidr: s.CidrBlock ?? '',
      availabilityZone: s.AvailabilityZone ?? '',
      availableIpAddressCount: s.AvailableIpAddressCount ?? 0,
      vpcId: s.VpcId ?? '',
      tags: tagsToRecord(s.Tags),
    };
  }

  async createNetworkInterface(req: CreateEniRequest): Promise<Eni> {
    const r = await this.call('CreateNetworkInterface', () =>
      this.client.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: req.subnetId,
          Groups: [...req.securityGroupIds],
          Description: req.description,
          ...(req.secondaryIpCount ? { SecondaryPrivateIpAddressCount: req.secondaryIpCount } : {}),
          ...(req.ipv4PrefixCount ? { Ipv4PrefixCount: req.ipv4PrefixCount } : {}),
          TagSpecifications: [
            {
              ResourceType: 'network-interface',
              Tags: Object.entries(req.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      ),
    );
    if (!r.NetworkInterface?.NetworkInterfaceId)
      throw new Ec2Error('CreateNetworkInterface', 'InvalidResponse', 'no network interface in the answer');
    return toEni(r.NetworkInterface);
  }

  async attachNetworkInterface(eniId: string, instanceId: string, deviceIndex: number): Promise<string> {
    const r = await this.call('AttachNetworkInterface', () =>
      this.client.send(
        new AttachNetworkInterfaceCommand({
          NetworkInterfaceId: eniId,
          InstanceId: instanceId,
          DeviceIndex: deviceIndex,
          NetworkCardIndex: 0,
        }),
      ),
    );
    if (!r.AttachmentId)
      throw new Ec2Error('AttachNetworkInterface', 'InvalidResponse', 'no attachment id in the answer');
    return r.AttachmentId;
  }

  async setDeleteOnTermination(eniId: string, attachmentId: string): Promise<void> {
    await this.call('ModifyNetworkInterfaceAttribute', () =>
      this.client.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eniId,
          Attachment: { AttachmentId: attachmentId, DeleteOnTermination: true },
        }),
      ),
    );
  }

  async detachNetworkInterface(attachmentId: string): Promise<void> {
    await this.call('DetachNetworkInterface', () =>
      this.client.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId })),
    );
  }

  async deleteNetworkInterface(eniId: string): Promise<void> {
    await this.call('DeleteNetworkInterface', () =>
      this.client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })),
    );
  }

  async assignPrivateIpAddresses(
    eniId: string,
    req: { ipCount?: number; prefixCount?: number },
  ): Promise<AssignedAddresses> {
    const r = await this.call('AssignPrivateIpAddresses', () =>
      this.client.send(
        new AssignPrivateIpAddressesCommand({
          NetworkInterfaceId: eniId,
          ...(req.ipCount ? { SecondaryPrivateIpAddressCount: req.ipCount } : {}),
          ...(req.prefixCount ? { Ipv4PrefixCount: req.prefixCount } : {}),
        }),
      ),
    );
    return {
      ips: (r.AssignedPrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!).filter(Boolean),
      prefixes: (r.AssignedIpv4Prefixes ?? []).map((p) => p.Ipv4Prefix!).filter(Boolean),
    };
  }

  async assignIpv6Prefixes(eniId: string, count: number): Promise<string[]> {
    const r = await this.call('AssignIpv6Addresses', () =>
      this.client.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eniId, Ipv6PrefixCount: count })),
    );
    return (r.AssignedIpv6Prefixes ?? []).filter(Boolean);
  }

  async unassignPrivateIpAddresses(
    eniId: string,
    req: { ips?: readonly string[]; prefixes?: readonly string[] },
  ): Promise<void> {
    if (req.ips?.length) {
      await this.call('UnassignPrivateIpAddresses', () =>
        this.client.send(
          new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [...req.ips!] }),
        ),
      );
    }
    if (req.prefixes?.length) {
      await this.call('UnassignPrivateIpAddresses', () =>
        this.client.send(
          new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4Prefixes: [...req.prefixes!] }),
        ),
      );
    }
  }

  async createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    await this.call('CreateTags', () =>
      this.client.send(
        new CreateTagsCommand({
          Resources: [...resourceIds],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
  }

  async describeInstanceType(instanceType: string): Promise<InstanceLimits | undefined> {
    const r = await this.call('DescribeInstanceTypes', () =>
      this.client.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as never] })),
    );
    const t = r.InstanceTypes?.[0];
    const ni = t?.NetworkInfo;
    if (!t || !ni) return undefined;
    const cards = (ni.NetworkCards ?? []).map((c) => ({
      networkCardIndex: c.NetworkCardIndex ?? 0,
      maximumNetworkInterfaces: c.MaximumNetworkInterfaces ?? 0,
    }));
    const dflt = ni.DefaultNetworkCardIndex ?? 0;
    const eniLimit =
      cards.find((c) => c.networkCardIndex === dflt)?.maximumNetworkInterfaces ?? ni.MaximumNetworkInterfaces ?? 1;
    const hypervisor = t.Hypervisor ?? 'unknown';
    const bareMetal = t.BareMetal ?? false;
    return Object.freeze({
      instanceType,
      eniLimit,
      ipv4Limit: ni.Ipv4AddressesPerInterface ?? 1,
      ipv6Limit: ni.Ipv6AddressesPerInterface ?? 0,
      defaultNetworkCardIndex: dflt,
      networkCards: Object.freeze(cards),
      hypervisor,
      bareMetal,
      nitro: hypervisor === 'nitro' || bareMetal,
    });
  }

  destroy(): void {
    this.client.destroy();
  }
}
