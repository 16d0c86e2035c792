// SPDX-License-Identifier: Apache-2.0
import type { Eni, InstanceIdentity, Subnet } from '../domain/types';
import { lookupInstanceLimits, type InstanceLimits } from '../limits';
import {
  Ec2Error,
  type AssignedAddresses,
  type Clock,
  type CreateEniRequest,
  type Ec2Api,
  type Imds,
  type ImdsInterface,
} from '../ports';
import { intToIp, ipToInt, parseCidr } from '../util/ipv4';

interface FakeEni {
  id: string;
  mac: string;
  subnetId: string;
  primaryIp: string;
  secondaryIps: string[];
  prefixes: string[];
  ipv6Prefixes: string[];
  deviceIndex?: number;
  attachmentId?: string;
  status: 'available' | 'in-use';
  deleteOnTermination: boolean;
  description: string;
  tags: Record<string, string>;
  /** Clock time of the last detach (EC2 keeps the ENI `detaching` for a while). */
  detachedAt?: number;
}

export interface FakeAwsOptions {
  readonly instanceType?: string;
  readonly subnetCidr?: string;
  readonly clock: Clock;
  /** IMDS shows changes only this long after they happen. */
  readonly imdsLagMs?: number;
  /** Instance type IMDS reports, when it should be one the vendored table lacks (DescribeInstanceTypes fallback). */
  readonly reportedInstanceType?: string;
}

/**
 * A stateful in-memory EC2 + IMDS implementing the `Ec2Api` and `Imds` ports for unit tests: instance-type limits,
 * subnet capacity, /28 availability (`fragmented`), device indexes, attachment state, tags, injected faults
 * (`failNext`), per-action call counts and IMDS lag.
 */
export class FakeAws implements Ec2Api {
  readonly instanceId = 'i-0fake00000000001';
  readonly vpcId = 'vpc-0fake';
  readonly subnet: { id: string; cidr: string; az: string };
  readonly limits: InstanceLimits;
  readonly calls = new Map<string, number>();
  readonly enis = new Map<string, FakeEni>();
  /** No free aligned /28 in the subnet (InsufficientCidrBlocks). */
  fragmented = false;
  /** Cap on addresses this subnet still hands out (subnet-full after that). */
  freeAddressBudget = Infinity;
  /** How long after a detach EC2 still refuses the delete (`InvalidNetworkInterface.InUse`), like real EC2. */
  detachDelayMs = 0;
  imdsLagMs: number;
  private faults: { action: string; code: string; count: number }[] = [];
  private history: { at: number; ifaces: ImdsInterface[] }[] = [];
  private seq = 1;
  readonly primaryEniId: string;

  constructor(private readonly opts: FakeAwsOptions) {
    this.limits = lookupInstanceLimits(opts.instanceType ?? 'm5.large')!;
    this.subnet = { id: 'subnet-0fake', cidr: opts.subnetCidr ?? '10.0.0.0/20', az: 'us-west-2a' };
    this.imdsLagMs = opts.imdsLagMs ?? 0;
    const primary = this.newEni(this.subnet.id, 'primary');
    primary.deviceIndex = 0;
    primary.attachmentId = `eni-attach-${this.seq++}`;
    primary.status = 'in-use';
    this.primaryEniId = primary.id;
    this.snapshotImds();
  }

  /** Make the next `count` calls of `action` fail with `code`. */
  failNext(action: string, code: string, count = 1): void {
    this.faults.push({ action, code, count });
  }

  count(action: string): number {
    return this.calls.get(action) ?? 0;
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  private call(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    const f = this.faults.find((x) => x.action === action && x.count > 0);
    if (f) {
      f.count--;
      throw new Ec2Error(action, f.code, 'injected fault');
    }
  }

  // ---- address space
  private used(): Set<number> {
    const s = new Set<number>();
    for (const e of this.enis.values()) {
      s.add(ipToInt(e.primaryIp));
      for (const ip of e.secondaryIps) s.add(ipToInt(ip));
      for (const p of e.prefixes) {
        const c = parseCidr(p);
        for (let i = 0; i < 16; i++) s.add(c.base + i);
      }
    }
    return s;
  }

  private takeIps(n: number, action: string): string[] {
    const c = parseCidr(this.subnet.cidr);
    const used = this.used();
    const out: string[] = [];
    for (let a = c.base + 4; a < c.base + c.size - 1 && out.length < n; a++) if (!used.has(a)) out.push(intToIp(a));
    if (out.length < n || this.freeAddressBudget < n)
      throw new Ec2Error(
        action,
        'InsufficientFreeAddressesInSubnet',
        `subnet ${this.subnet.id} has not enough free addresses`,
      );
    this.freeAddressBudget -= n;
    return out;
  }

  private takePrefixes(n: number, action: string): string[] {
    if (this.fragmented) throw new Ec2Error(action, 'InsufficientCidrBlocks', 'no contiguous /28 available');
    const c = parseCidr(this.subnet.cidr);
    const used = this.used();
    const out: string[] = [];
    for (let b = c.base + 16; b + 16 <= c.base + c.size - 16 && out.length < n; b += 16) {
      let free = true;
      for (let i = 0; i < 16 && free; i++) if (used.has(b + i)) free = false;
      if (free) out.push(`${intToIp(b)}/28`);
    }
    if (out.length < n || this.freeAddressBudget < n * 16)
      throw new Ec2Error(action, 'InsufficientCidrBlocks', 'no contiguous /28 available');
    this.freeAddressBudget -= n * 16;
    return out;
  }

  private newEni(subnetId: string, description: string): FakeEni {
    const n = this.seq++;
    const [primaryIp] = this.takeIps(1, 'CreateNetworkInterface');
    const e: FakeEni = {
      id: `eni-${n.toString(16).padStart(17, '0')}`,
      mac: `02:00:00:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`,
      subnetId,
      primaryIp: primaryIp!,
      secondaryIps: [],
      prefixes: [],
      ipv6Prefixes: [],
      status: 'available',
      deleteOnTermination: false,
      description,
      tags: {},
    };
    this.enis.set(e.id, e);
    return e;
  }

  private mustEni(id: string, action: string): FakeEni {
    const e = this.enis.get(id);
    if (!e)
      throw new Ec2Error(
        action,
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${id}' does not exist`,
      );
    return e;
  }

  private toDomain(e: FakeEni): Eni {
    return {
      id: e.id,
      mac: e.mac,
      deviceNumber: e.deviceIndex ?? -1,
      networkCard: 0,
      subnetId: e.subnetId,
      subnetCidr: this.subnet.cidr,
      primaryIp: e.primaryIp,
      secondaryIps: [...e.secondaryIps],
      ipv4Prefixes: [...e.prefixes],
      ipv6Prefixes: [...e.ipv6Prefixes],
      isPrimary: e.deviceIndex === 0,
      attachmentId: e.attachmentId,
      deleteOnTermination: e.deleteOnTermination,
      status: e.status,
      description: e.description,
      tags: { ...e.tags },
    };
  }

  /** Record what IMDS will show (after `imdsLagMs`). */
  private snapshotImds(): void {
    const ifaces = [...this.enis.values()]
      .filter((e) => e.status === 'in-use' && e.deviceIndex !== undefined)
      .sort((a, b) => a.deviceIndex! - b.deviceIndex!)
      .map((e) => ({
        mac: e.mac,
        eniId: e.id,
        deviceNumber: e.deviceIndex!,
        networkCard: 0,
        subnetId: e.subnetId,
        subnetCidr: this.subnet.cidr,
        vpcId: this.vpcId,
        vpcCidrs: ['10.0.0.0/16'],
        securityGroupIds: ['sg-0fake'],
        localIpv4s: [e.primaryIp, ...e.secondaryIps],
        ipv4Prefixes: [...e.prefixes],
      }));
    this.history.push({ at: this.opts.clock.now(), ifaces });
    if (this.history.length > 500) this.history.splice(0, this.history.length - 500);
  }

  // ---- Ec2Api
  async describeNetworkInterfaces(ids: readonly string[]): Promise<Eni[]> {
    this.call('DescribeNetworkInterfaces');
    return ids.map((id) => this.toDomain(this.mustEni(id, 'DescribeNetworkInterfaces')));
  }
  async describeInstanceEnis(instanceId: string): Promise<Eni[]> {
    this.call('DescribeNetworkInterfaces');
    return instanceId === this.instanceId ? this.attachedEnis() : [];
  }
  async describeSubnet(subnetId: string): Promise<Subnet | undefined> {
    this.call('DescribeSubnets');
    return subnetId === this.subnet.id
      ? {
          id: subnetId,
          cidr: this.subnet.cidr,
          availabilityZone: this.subnet.az,
          availableIpAddressCount: 0,
          vpcId: this.vpcId,
        }
      : undefined;
  }
  async createNetworkInterface(req: CreateEniRequest): Promise<Eni> {
    this.call('CreateNetworkInterface');
    const slots = this.limits.ipv4Limit - 1;
    if ((req.secondaryIpCount ?? 0) + (req.ipv4PrefixCount ?? 0) > slots)
      throw new Ec2Error('CreateNetworkInterface', 'PrivateIpAddressLimitExceeded', 'too many addresses');
    const need = 1 + (req.secondaryIpCount ?? 0);
    if (this.freeAddressBudget < need)
      throw new Ec2Error(
        'CreateNetworkInterface',
        'InsufficientFreeAddressesInSubnet',
        `subnet ${this.subnet.id} has not enough free addresses`,
      );
    const prefixes = req.ipv4PrefixCount ? this.takePrefixes(req.ipv4PrefixCount, 'CreateNetworkInterface') : [];
    const e = this.newEni(req.subnetId, req.description);
    if (req.secondaryIpCount) e.secondaryIps = this.takeIps(req.secondaryIpCount, 'CreateNetworkInterface');
    e.prefixes = prefixes;
    e.tags = { ...req.tags };
    return this.toDomain(e);
  }
  async attachNetworkInterface(eniId: string, instanceId: string, deviceIndex: number): Promise<string> {
    this.call('AttachNetworkInterface');
    const e = this.mustEni(eniId, 'AttachNetworkInterface');
    if (instanceId !== this.instanceId)
      throw new Ec2Error('AttachNetworkInterface', 'InvalidInstanceID.NotFound', instanceId);
    const attached = [...this.enis.values()].filter((x) => x.status === 'in-use');
    if (attached.length >= this.limits.eniLimit)
      throw new Ec2Error('AttachNetworkInterface', 'AttachmentLimitExceeded', 'interface count exceeds the limit');
    if (attached.some((x) => x.deviceIndex === deviceIndex))
      throw new Ec2Error('AttachNetworkInterface', 'InvalidParameterValue', `device index ${deviceIndex} in use`);
    e.deviceIndex = deviceIndex;
    e.status = 'in-use';
    e.attachmentId = `eni-attach-${this.seq++}`;
    this.snapshotImds();
    return e.attachmentId;
  }
  async setDeleteOnTermination(eniId: string): Promise<void> {
    this.call('ModifyNetworkInterfaceAttribute');
    this.mustEni(eniId, 'ModifyNetworkInterfaceAttribute').deleteOnTermination = true;
  }
  async detachNetworkInterface(attachmentId: string): Promise<void> {
    this.call('DetachNetworkInterface');
    const e = [...this.enis.values()].find((x) => x.attachmentId === attachmentId);
    if (!e) throw new Ec2Error('DetachNetworkInterface', 'InvalidAttachmentID.NotFound', attachmentId);
    e.status = 'available';
    e.deviceIndex = undefined;
    e.attachmentId = undefined;
    e.detachedAt = this.opts.clock.now();
    this.snapshotImds();
  }
  async deleteNetworkInterface(eniId: string): Promise<void> {
    this.call('DeleteNetworkInterface');
    const e = this.mustEni(eniId, 'DeleteNetworkInterface');
    if (e.status !== 'available' || this.opts.clock.now() - (e.detachedAt ?? -Infinity) < this.detachDelayMs)
      throw new Ec2Error('DeleteNetworkInterface', 'InvalidNetworkInterface.InUse', 'still attached');
    this.freeAddressBudget += 1 + e.secondaryIps.length + e.prefixes.length * 16;
    this.enis.delete(eniId);
  }
  private nextV6 = 1;
  async assignIpv6Prefixes(eniId: string, count: number): Promise<string[]> {
    this.call('AssignIpv6Addresses');
    const e = this.mustEni(eniId, 'AssignIpv6Addresses');
    const got = Array.from({ length: count }, () => `2600:1f14:0:ff00:${(this.nextV6++).toString(16)}::/80`);
    e.ipv6Prefixes.push(...got);
    return got;
  }

  async assignPrivateIpAddresses(
    eniId: string,
    req: { ipCount?: number; prefixCount?: number },
  ): Promise<AssignedAddresses> {
    this.call('AssignPrivateIpAddresses');
    const e = this.mustEni(eniId, 'AssignPrivateIpAddresses');
    const slots = this.limits.ipv4Limit - 1;
    if (e.secondaryIps.length + e.prefixes.length + (req.ipCount ?? 0) + (req.prefixCount ?? 0) > slots) {
      throw new Ec2Error(
        'AssignPrivateIpAddresses',
        'PrivateIpAddressLimitExceeded',
        'Number of private addresses will exceed limit',
      );
    }
    const ips = req.ipCount ? this.takeIps(req.ipCount, 'AssignPrivateIpAddresses') : [];
    const prefixes = req.prefixCount ? this.takePrefixes(req.prefixCount, 'AssignPrivateIpAddresses') : [];
    e.secondaryIps.push(...ips);
    e.prefixes.push(...prefixes);
    this.snapshotImds();
    return { ips, prefixes };
  }
  async unassignPrivateIpAddresses(
    eniId: string,
    req: { ips?: readonly string[]; prefixes?: readonly string[] },
  ): Promise<void> {
    this.call('UnassignPrivateIpAddresses');
    const e = this.mustEni(eniId, 'UnassignPrivateIpAddresses');
    const ips = new Set(req.ips ?? []);
    const pfx = new Set(req.prefixes ?? []);
    e.secondaryIps = e.secondaryIps.filter((ip) => !ips.has(ip));
    e.prefixes = e.prefixes.filter((p) => !pfx.has(p));
    this.freeAddressBudget += ips.size + pfx.size * 16;
    this.snapshotImds();
  }
  async createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    this.call('CreateTags');
    for (const id of resourceIds) Object.assign(this.mustEni(id, 'CreateTags').tags, tags);
  }
  async describeInstanceType(instanceType: string): Promise<InstanceLimits | undefined> {
    this.call('DescribeInstanceTypes');
    if (instanceType === this.opts.reportedInstanceType) return { ...this.limits, instanceType };
    return lookupInstanceLimits(instanceType);
  }

  // ---- IMDS
  /** The Imds port view of this fake (with lag). */
  readonly imds: Imds = {
    identity: async (): Promise<InstanceIdentity> => ({
      instanceId: this.instanceId,
      instanceType: this.opts.reportedInstanceType ?? this.limits.instanceType,
      availabilityZone: this.subnet.az,
      region: 'us-west-2',
      localIpv4: this.enis.get(this.primaryEniId)!.primaryIp,
      primaryMac: this.enis.get(this.primaryEniId)!.mac,
    }),
    interfaces: async (): Promise<ImdsInterface[]> => {
      const cutoff = this.opts.clock.now() - this.imdsLagMs;
      let view = this.history[0]!;
      for (const h of this.history) if (h.at <= cutoff) view = h;
      return view.ifaces.map((i) => ({ ...i }));
    },
  };

  /** Addresses held by attached ENIs (invariant checks). */
  attachedEnis(): Eni[] {
    return [...this.enis.values()].filter((e) => e.status === 'in-use').map((e) => this.toDomain(e));
  }
}
