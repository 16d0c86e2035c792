import { type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';

import { type Clock } from './clock';
import { Ec2Error, invalidCombination, invalidValue } from './ec2-error';
import { IdGenerator, isWellFormedId } from './ids';
import { ImdsHistory, type ImdsInterface, type ImdsView } from './imds-view';
import { formatCidr4, formatIpv4, parseIpv4 } from './ipv4';
import { formatCidr6, formatIpv6, parseCidr6, parseIpv6 } from './ipv6';
import { type Eni, type Instance, type Subnet, type Tags, type Vpc } from './model';
import { type ResolvedScenario, resolveLimits } from './scenario';
import { Subnet6Pool } from './subnet6-pool';
import { type PoolFailure, SubnetPool } from './subnet-pool';

/** Address slots an ENI may hold while not attached (the largest per-ENI limit EC2 has). */
export const UNATTACHED_SLOT_LIMIT = 50;

export interface CreateEniInput {
  readonly subnetId: string;
  readonly description?: string;
  readonly groups?: readonly string[];
  readonly privateIpAddress?: string;
  readonly secondaryPrivateIpAddressCount?: number;
  readonly ipv4PrefixCount?: number;
  readonly ipv6AddressCount?: number;
  readonly ipv6PrefixCount?: number;
  readonly tags?: readonly { key: string; value: string }[];
  readonly interfaceType?: string;
}

export interface AddInstanceInput {
  readonly instanceType?: string;
  /** Subnet id or scenario name; default the first subnet. */
  readonly subnet?: string;
  readonly securityGroups?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly id?: string;
}

/** Attachment changes the node fabric (or anyone) can follow. */
export interface WorldListener {
  attached?(instanceId: string, eni: Eni): void;
  detached?(instanceId: string, eni: Eni): void;
}

const notFoundEni = (ids: readonly string[]): Ec2Error =>
  new Ec2Error(
    'InvalidNetworkInterfaceID.NotFound',
    ids.length === 1
      ? `The networkInterface ID '${ids[0]}' does not exist`
      : `The networkInterface IDs '${ids.join(', ')}' do not exist`,
  );

function poolError(f: PoolFailure, subnet: Subnet, what: string): Ec2Error {
  switch (f) {
    case 'InsufficientFreeAddressesInSubnet':
      return new Ec2Error(
        f,
        `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of ${what}.`,
      );
    case 'InsufficientCidrBlocks':
      return new Ec2Error(f, `The specified subnet does not have enough free cidr blocks to satisfy the request.`);
    case 'InUse':
      return new Ec2Error('InvalidIPAddress.InUse', `The ${what} is already in use in subnet '${subnet.subnetId}'.`);
    case 'OutOfRange':
      return invalidValue(
        `The ${what} is not in the range of subnet '${subnet.subnetId}' (${formatCidr4(subnet.cidr)}).`,
      );
    case 'Reserved':
      return invalidValue(`The ${what} is reserved by AWS in subnet '${subnet.subnetId}'.`);
    case 'Misaligned':
      return invalidValue(`The ${what} is not a valid /28 prefix (it must be aligned on 16 addresses).`);
  }
}

const tagsOf = (o: Readonly<Record<string, string>> | undefined): Tags => new Map(Object.entries(o ?? {}));

/**
 * The simulated EC2 account: VPCs, subnets with address accounting, instances with their type's limits, ENIs with
 * attachments, and the IMDS history of every instance. Every operation validates like EC2 and throws Ec2Error with
 * EC2's code; a failed operation changes nothing. Time-based transitions (attaching -> attached, detaching ->
 * available) happen in `settle()`, which every entry point calls first.
 */
export class World {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly instances = new Map<string, Instance>();
  readonly enis = new Map<string, Eni>();
  readonly securityGroups: ReadonlySet<string>;
  readonly region: string;
  readonly accountId: string;
  private readonly subnetNames = new Map<string, string>();
  private readonly attachmentIndex = new Map<string, string>();
  private readonly instanceEnis = new Map<string, Set<string>>();
  private readonly pending = new Set<Eni>();
  private readonly listeners = new Set<WorldListener>();
  readonly imds: ImdsHistory;
  private imdsLagMs: number;
  private describeLagMs: number;
  private attachDelayMs: number;
  private detachDelayMs: number;

  constructor(
    readonly scenario: ResolvedScenario,
    readonly clock: Clock,
    readonly ids: IdGenerator = new IdGenerator(scenario.seed),
  ) {
    this.region = scenario.region;
    this.accountId = scenario.accountId;
    this.securityGroups = new Set(scenario.securityGroups);
    this.imdsLagMs = scenario.timing.imdsLagMs;
    this.describeLagMs = scenario.timing.describeLagMs;
    this.attachDelayMs = scenario.timing.attachDelayMs;
    this.detachDelayMs = scenario.timing.detachDelayMs;
    this.imds = new ImdsHistory(() => this.imdsLagMs);
    for (const v of scenario.vpcs) {
      const vpcId = v.id ?? ids.id('vpc');
      this.vpcs.set(vpcId, { vpcId, cidrBlocks: v.cidrs, ipv6CidrBlocks: v.ipv6Cidrs, tags: tagsOf(v.tags) });
      for (const s of v.subnets) {
        const subnetId = s.id ?? ids.id('subnet');
        const az = s.availabilityZone;
        this.subnets.set(subnetId, {
          subnetId,
          vpcId,
          availabilityZone: az,
          availabilityZoneId: this.zoneId(az),
          cidr: s.cidr,
          ipv6Cidr: s.ipv6Cidr,
          pool: new SubnetPool(s.cidr, s.addressAllocation, scenario.seed),
          pool6: s.ipv6Cidr ? new Subnet6Pool(s.ipv6Cidr) : undefined,
          tags: tagsOf(s.tags),
        });
        if (s.name) this.subnetNames.set(s.name, subnetId);
      }
    }
    for (const i of scenario.instances) {
      this.addInstance(
        { instanceType: i.instanceType, subnet: i.subnet, securityGroups: i.securityGroups, tags: i.tags, id: i.id },
        true,
      );
    }
  }

  /** `us-west-2a` -> `usw2-az1`. */
  private zoneId(az: string): string {
    const parts = this.region.split('-');
    const short =
      parts[0] +
      parts
        .slice(1, -1)
        .map((p) => p[0])
        .join('') +
      parts[parts.length - 1];
    return `${short}-az${az.charCodeAt(az.length - 1) - 96}`;
  }

  setTiming(t: { attachDelayMs?: number; detachDelayMs?: number; imdsLagMs?: number; describeLagMs?: number }): void {
    if (t.describeLagMs !== undefined) this.describeLagMs = t.describeLagMs;
    if (t.attachDelayMs !== undefined) this.attachDelayMs = t.attachDelayMs;
    if (t.detachDelayMs !== undefined) this.detachDelayMs = t.detachDelayMs;
    if (t.imdsLagMs !== undefined) this.imdsLagMs = t.imdsLagMs;
  }

  get timing(): { attachDelayMs: number; detachDelayMs: number; imdsLagMs: number; describeLagMs: number } {
    return {
      attachDelayMs: this.attachDelayMs,
      detachDelayMs: this.detachDelayMs,
      imdsLagMs: this.imdsLagMs,
      describeLagMs: this.describeLagMs,
    };
  }

  subscribe(l: WorldListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Completes every transition that is due. */
  settle(): void {
    if (this.pending.size === 0) return;
    const now = this.clock.now();
    const due = [...this.pending].filter((e) => e.attachment && e.attachment.settleAt <= now);
    due.sort((a, b) => a.attachment!.settleAt - b.attachment!.settleAt);
    for (const eni of due) {
      this.pending.delete(eni);
      const att = eni.attachment!;
      if (att.status === 'attaching') {
        att.status = 'attached';
        this.recordImds(att.instanceId, att.settleAt);
        for (const l of this.listeners) l.attached?.(att.instanceId, eni);
      } else if (att.status === 'detaching') {
        this.finishDetach(eni, att.settleAt);
      }
    }
  }

  private finishDetach(eni: Eni, at: number): void {
    const att = eni.attachment!;
    eni.attachment = undefined;
    this.pending.delete(eni);
    this.attachmentIndex.delete(att.attachmentId);
    this.instanceEnis.get(att.instanceId)?.delete(eni.networkInterfaceId);
    this.recordImds(att.instanceId, at);
    for (const l of this.listeners) l.detached?.(att.instanceId, eni);
  }

  // ---------- lookups ----------

  /** False while a new ENI is still hidden from Describe calls (eventual consistency, `describeLagMs`). */
  describable(eni: Eni): boolean {
    return this.describeLagMs <= 0 || this.clock.now() - eni.createdAt >= this.describeLagMs;
  }

  resolveSubnet(ref: string): Subnet | undefined {
    return this.subnets.get(ref) ?? this.subnets.get(this.subnetNames.get(ref) ?? '');
  }

  getEni(id: string): Eni {
    if (!isWellFormedId(id, 'eni')) {
      throw new Ec2Error('InvalidNetworkInterfaceID.Malformed', `Invalid id: "${id}" (expecting "eni-...")`);
    }
    const eni = this.enis.get(id);
    if (!eni) throw notFoundEni([id]);
    return eni;
  }

  getEnis(ids: readonly string[]): Eni[] {
    for (const id of ids) {
      if (!isWellFormedId(id, 'eni'))
        throw new Ec2Error('InvalidNetworkInterfaceID.Malformed', `Invalid id: "${id}" (expecting "eni-...")`);
    }
    const missingIds = ids.filter((id) => !this.enis.has(id));
    if (missingIds.length) throw notFoundEni(missingIds);
    return [...new Set(ids)].map((id) => this.enis.get(id)!);
  }

  getSubnet(id: string): Subnet {
    if (!isWellFormedId(id, 'subnet'))
      throw new Ec2Error('InvalidSubnetID.Malformed', `Invalid id: "${id}" (expecting "subnet-...")`);
    const s = this.subnets.get(id);
    if (!s) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    return s;
  }

  getInstance(id: string): Instance {
    if (!isWellFormedId(id, 'i'))
      throw new Ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}" (expecting "i-...")`);
    const i = this.instances.get(id);
    if (!i) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return i;
  }

  /** ENIs attached (in any attachment state) to an instance, by device order. */
  enisOf(instanceId: string): Eni[] {
    const ids = this.instanceEnis.get(instanceId);
    if (!ids) return [];
    return [...ids]
      .map((id) => this.enis.get(id)!)
      .sort(
        (a, b) =>
          a.attachment!.networkCardIndex - b.attachment!.networkCardIndex ||
          a.attachment!.deviceIndex - b.attachment!.deviceIndex,
      );
  }

  limitsOf(instanceType: string): InstanceLimits | undefined {
    return resolveLimits(instanceType, this.scenario.limits);
  }

  private checkGroups(groups: readonly string[]): void {
    for (const g of groups) {
      if (!isWellFormedId(g, 'sg'))
        throw new Ec2Error('InvalidGroupId.Malformed', `Invalid id: "${g}" (expecting "sg-...")`);
      if (!this.securityGroups.has(g))
        throw new Ec2Error('InvalidGroup.NotFound', `The security group '${g}' does not exist`);
    }
  }

  private slotLimit(eni: Eni): number {
    const inst = eni.attachment ? this.instances.get(eni.attachment.instanceId) : undefined;
    return inst ? inst.limits.ipv4Limit : UNATTACHED_SLOT_LIMIT;
  }

  private slots6Limit(eni: Eni): number {
    const inst = eni.attachment ? this.instances.get(eni.attachment.instanceId) : undefined;
    return inst ? inst.limits.ipv6Limit : UNATTACHED_SLOT_LIMIT;
  }

  /** IPv4 address slots in use: primary + secondaries + prefixes (a /28 takes one slot). */
  static slotsUsed(eni: Eni): number {
    return 1 + eni.secondaryIps.length + eni.ipv4Prefixes.length;
  }

  // ---------- IMDS ----------

  /** The instance's metadata as of now (no lag). */
  buildImdsView(instanceId: string): ImdsView | undefined {
    const inst = this.instances.get(instanceId);
    if (!inst) return undefined;
    const interfaces = new Map<string, ImdsInterface>();
    const primary = this.enis.get(inst.primaryEniId);
    for (const eni of this.enisOf(instanceId)) {
      const att = eni.attachment!;
      if (att.status === 'attaching') continue;
      const subnet = this.subnets.get(eni.subnetId)!;
      const vpc = this.vpcs.get(eni.vpcId)!;
      interfaces.set(eni.macAddress, {
        mac: eni.macAddress,
        deviceNumber: att.deviceIndex,
        networkCard: att.networkCardIndex,
        interfaceId: eni.networkInterfaceId,
        ownerId: this.accountId,
        subnetId: eni.subnetId,
        vpcId: eni.vpcId,
        securityGroupIds: [...eni.groups],
        localIpv4s: [eni.primaryIp, ...eni.secondaryIps].map(formatIpv4),
        ipv4Prefixes: eni.ipv4Prefixes.map((p) => `${formatIpv4(p)}/28`),
        ipv6s: eni.ipv6Addresses.map(formatIpv6),
        ipv6Prefixes: eni.ipv6Prefixes.map((p) => `${formatIpv6(p)}/80`),
        subnetIpv4CidrBlock: formatCidr4(subnet.cidr),
        subnetIpv6CidrBlocks: subnet.ipv6Cidr ? [formatCidr6(subnet.ipv6Cidr)] : [],
        vpcIpv4CidrBlocks: vpc.cidrBlocks.map(formatCidr4),
        vpcIpv6CidrBlocks: vpc.ipv6CidrBlocks.map(formatCidr6),
      });
    }
    const subnet = this.subnets.get(inst.subnetId)!;
    return {
      instanceId,
      instanceType: inst.instanceType,
      availabilityZone: inst.availabilityZone,
      availabilityZoneId: subnet.availabilityZoneId,
      region: this.region,
      accountId: this.accountId,
      localIpv4: primary ? formatIpv4(primary.primaryIp) : '',
      primaryMac: primary?.macAddress ?? '',
      ipv6: primary && primary.ipv6Addresses.length ? formatIpv6(primary.ipv6Addresses[0]) : undefined,
      terminated: inst.state === 'terminated',
      interfaces,
    };
  }

  private recordImds(instanceId: string, at: number): void {
    const v = this.buildImdsView(instanceId);
    if (v) this.imds.record(instanceId, at, v);
  }

  private touched(eni: Eni): void {
    if (eni.attachment && eni.attachment.status !== 'attaching')
      this.recordImds(eni.attachment.instanceId, this.clock.now());
  }

  /** What IMDS shows an instance now (lag applied); undefined for unknown instances or before anything is visible. */
  imdsViewNow(instanceId: string): ImdsView | undefined {
    this.settle();
    return this.imds.viewAt(instanceId, this.clock.now());
  }

  // ---------- instances ----------

  /** Launches an instance with its primary ENI (device 0, delete-on-termination) attached and visible in IMDS. */
  addInstance(input: AddInstanceInput = {}, atStart = false): Instance {
    this.settle();
    const instanceType = input.instanceType ?? 'm5.large';
    const limits = this.limitsOf(instanceType);
    if (!limits) throw new Ec2Error('InvalidInstanceType', `The instance type '${instanceType}' does not exist`);
    const subnet = input.subnet !== undefined ? this.resolveSubnet(input.subnet) : this.subnets.values().next().value;
    if (!subnet) {
      throw new Ec2Error(
        'InvalidSubnetID.NotFound',
        `The subnet ID '${input.subnet ?? '(none: the scenario has no subnet)'}' does not exist`,
      );
    }
    const groups = input.securityGroups?.length ? [...input.securityGroups] : [this.scenario.securityGroups[0]];
    this.checkGroups(groups);
    const instanceId = input.id ?? this.ids.id('i');
    if (this.instances.has(instanceId)) throw invalidValue(`Instance ${instanceId} already exists`);
    const eni = this.createNetworkInterface({
      subnetId: subnet.subnetId,
      description: 'Primary network interface',
      groups,
    });
    const now = this.clock.now();
    const inst: Instance = {
      instanceId,
      instanceType,
      limits,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      primaryEniId: eni.networkInterfaceId,
      tags: tagsOf(input.tags),
      launchTime: now,
      state: 'running',
    };
    this.instances.set(instanceId, inst);
    eni.attachment = {
      attachmentId: this.ids.id('eni-attach'),
      instanceId,
      deviceIndex: 0,
      networkCardIndex: limits.defaultNetworkCardIndex,
      deleteOnTermination: true,
      status: 'attached',
      attachTime: now,
      settleAt: now,
    };
    this.attachmentIndex.set(eni.attachment.attachmentId, eni.networkInterfaceId);
    this.instanceEnis.set(instanceId, new Set([eni.networkInterfaceId]));
    this.recordImds(instanceId, atStart ? -Infinity : now - this.imdsLagMs);
    for (const l of this.listeners) l.attached?.(instanceId, eni);
    return inst;
  }

  /** Terminates an instance: delete-on-termination ENIs are deleted, the others become available (leaked). */
  terminateInstance(instanceId: string): void {
    this.settle();
    const inst = this.getInstance(instanceId);
    if (inst.state === 'terminated') return;
    const now = this.clock.now();
    for (const eni of this.enisOf(instanceId)) {
      const dot = eni.attachment!.deleteOnTermination;
      this.finishDetach(eni, now);
      if (dot) this.removeEni(eni);
    }
    inst.state = 'terminated';
    this.recordImds(instanceId, now);
  }

  // ---------- ENIs ----------

  createNetworkInterface(input: CreateEniInput): Eni {
    this.settle();
    const subnet = this.getSubnet(input.subnetId);
    const groups = input.groups?.length ? [...new Set(input.groups)] : [this.scenario.securityGroups[0]];
    this.checkGroups(groups);
    const secondary = input.secondaryPrivateIpAddressCount ?? 0;
    const prefixes = input.ipv4PrefixCount ?? 0;
    const v6 = input.ipv6AddressCount ?? 0;
    const v6p = input.ipv6PrefixCount ?? 0;
    if (secondary > 0 && prefixes > 0) {
      throw invalidCombination('SecondaryPrivateIpAddressCount and Ipv4PrefixCount cannot be used together');
    }
    if (1 + secondary + prefixes > UNATTACHED_SLOT_LIMIT) {
      throw new Ec2Error(
        'PrivateIpAddressLimitExceeded',
        `Number of private addresses (${1 + secondary + prefixes}) exceeds the limit of ${UNATTACHED_SLOT_LIMIT}.`,
      );
    }
    if ((v6 > 0 || v6p > 0) && !subnet.pool6) {
      throw invalidValue(
        `Subnet '${subnet.subnetId}' has no IPv6 CIDR block: cannot assign IPv6 addresses or prefixes.`,
      );
    }
    if (v6 + v6p > UNATTACHED_SLOT_LIMIT) {
      throw new Ec2Error(
        'Ipv6AddressLimitExceeded',
        `Number of IPv6 addresses (${v6 + v6p}) exceeds the limit of ${UNATTACHED_SLOT_LIMIT}.`,
      );
    }
    // reserve everything first; roll back on failure
    const pool = subnet.pool;
    let primary: number;
    if (input.privateIpAddress !== undefined) {
      const a = parseIpv4(input.privateIpAddress);
      if (a === undefined) throw invalidValue(`Invalid value '${input.privateIpAddress}' for PrivateIpAddress`);
      const r = pool.allocateSpecific(a);
      if (!r.ok) throw poolError(r.failure, subnet, `address ${input.privateIpAddress}`);
      primary = r.value;
    } else {
      const r = pool.allocate();
      if (!r.ok) throw poolError(r.failure, subnet, 'addresses');
      primary = r.value;
    }
    const ips = pool.allocateMany(secondary);
    if (!ips.ok) {
      pool.release(primary);
      throw poolError(ips.failure, subnet, 'addresses');
    }
    const pfx = pool.allocatePrefixes(prefixes);
    if (!pfx.ok) {
      pool.release(primary);
      for (const a of ips.value) pool.release(a);
      throw poolError(pfx.failure, subnet, 'prefixes');
    }
    const eni: Eni = {
      networkInterfaceId: this.ids.id('eni'),
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      macAddress: this.ids.mac(),
      description: input.description ?? '',
      groups,
      tags: new Map((input.tags ?? []).map((t) => [t.key, t.value])),
      interfaceType: input.interfaceType ?? 'interface',
      sourceDestCheck: true,
      primaryIp: primary,
      secondaryIps: ips.value,
      ipv4Prefixes: pfx.value,
      ipv6Addresses: Array.from({ length: v6 }, () => subnet.pool6!.allocate()),
      ipv6Prefixes: Array.from({ length: v6p }, () => subnet.pool6!.allocatePrefix()),
      createdAt: this.clock.now(),
    };
    this.enis.set(eni.networkInterfaceId, eni);
    return eni;
  }

  attachNetworkInterface(
    eniId: string,
    instanceId: string,
    deviceIndex: number,
    networkCardIndex?: number,
  ): { attachmentId: string; networkCardIndex: number } {
    this.settle();
    const eni = this.getEni(eniId);
    const inst = this.getInstance(instanceId);
    if (inst.state !== 'running')
      throw new Ec2Error(
        'IncorrectInstanceState',
        `The instance '${instanceId}' is not in a valid state for this operation.`,
      );
    if (eni.attachment) {
      throw new Ec2Error('InvalidNetworkInterface.InUse', `Interface: [${eniId}] in use.`);
    }
    if (eni.availabilityZone !== inst.availabilityZone) {
      throw invalidCombination(
        `You may not attach a network interface to an instance if they are not in the same availability zone`,
      );
    }
    if (eni.vpcId !== inst.vpcId) {
      throw invalidCombination(
        `The network interface '${eniId}' and instance '${instanceId}' belong to different networks.`,
      );
    }
    const card = networkCardIndex ?? inst.limits.defaultNetworkCardIndex;
    const cardInfo = inst.limits.networkCards.find((c) => c.networkCardIndex === card);
    if (!cardInfo) {
      throw invalidValue(
        `Network card index ${card} is not valid for instance type ${inst.instanceType} (${inst.limits.networkCards.length} card(s)).`,
      );
    }
    const onCard = this.enisOf(instanceId).filter((e) => e.attachment!.networkCardIndex === card);
    if (onCard.some((e) => e.attachment!.deviceIndex === deviceIndex)) {
      throw invalidValue(
        `Instance '${instanceId}' already has an interface attached at device index '${deviceIndex}'.`,
      );
    }
    if (onCard.length >= cardInfo.maximumNetworkInterfaces) {
      throw new Ec2Error(
        'AttachmentLimitExceeded',
        `Interface count ${onCard.length + 1} exceeds the limit for ${inst.instanceType}`,
      );
    }
    if (World.slotsUsed(eni) > inst.limits.ipv4Limit) {
      throw new Ec2Error(
        'PrivateIpAddressLimitExceeded',
        `Number of private addresses (${World.slotsUsed(eni)}) exceeds the limit of ${inst.limits.ipv4Limit} for ${inst.instanceType}.`,
      );
    }
    const now = this.clock.now();
    eni.attachment = {
      attachmentId: this.ids.id('eni-attach'),
      instanceId,
      deviceIndex,
      networkCardIndex: card,
      deleteOnTermination: false,
      status: 'attaching',
      attachTime: now,
      settleAt: now + this.attachDelayMs,
    };
    this.attachmentIndex.set(eni.attachment.attachmentId, eniId);
    let set = this.instanceEnis.get(instanceId);
    if (!set) this.instanceEnis.set(instanceId, (set = new Set()));
    set.add(eniId);
    this.pending.add(eni);
    this.settle();
    return { attachmentId: eni.attachment.attachmentId, networkCardIndex: card };
  }

  detachNetworkInterface(attachmentId: string, force = false): void {
    this.settle();
    if (!isWellFormedId(attachmentId, 'eni-attach')) {
      throw new Ec2Error('InvalidAttachmentID.Malformed', `Invalid id: "${attachmentId}" (expecting "eni-attach-...")`);
    }
    const eniId = this.attachmentIndex.get(attachmentId);
    const eni = eniId ? this.enis.get(eniId) : undefined;
    if (!eni || !eni.attachment)
      throw new Ec2Error('InvalidAttachmentID.NotFound', `The attachment ID '${attachmentId}' does not exist`);
    const att = eni.attachment;
    if (att.deviceIndex === 0 && att.networkCardIndex === 0) {
      throw new Ec2Error('OperationNotPermitted', `The network interface at device index 0 cannot be detached.`);
    }
    if (att.status === 'detaching') {
      if (!force) return;
    }
    const now = this.clock.now();
    att.status = 'detaching';
    att.settleAt = force ? now : now + this.detachDelayMs;
    this.pending.add(eni);
    this.settle();
  }

  private removeEni(eni: Eni): void {
    const subnet = this.subnets.get(eni.subnetId)!;
    subnet.pool.release(eni.primaryIp);
    for (const a of eni.secondaryIps) subnet.pool.release(a);
    for (const p of eni.ipv4Prefixes) subnet.pool.releasePrefix(p);
    for (const a of eni.ipv6Addresses) subnet.pool6?.release(a);
    for (const p of eni.ipv6Prefixes) subnet.pool6?.releasePrefix(p);
    this.enis.delete(eni.networkInterfaceId);
    this.pending.delete(eni);
  }

  deleteNetworkInterface(eniId: string): void {
    this.settle();
    const eni = this.getEni(eniId);
    if (eni.attachment)
      throw new Ec2Error('InvalidNetworkInterface.InUse', `The network interface '${eniId}' is currently in use.`);
    this.removeEni(eni);
  }

  modifyNetworkInterfaceAttribute(
    eniId: string,
    change:
      | { kind: 'attachment'; attachmentId: string; deleteOnTermination: boolean }
      | { kind: 'groups'; groups: readonly string[] }
      | { kind: 'description'; value: string }
      | { kind: 'sourceDestCheck'; value: boolean },
  ): void {
    this.settle();
    const eni = this.getEni(eniId);
    switch (change.kind) {
      case 'attachment':
        if (!eni.attachment || eni.attachment.attachmentId !== change.attachmentId) {
          throw new Ec2Error(
            'InvalidAttachmentID.NotFound',
            `The attachment ID '${change.attachmentId}' does not exist for ${eniId}`,
          );
        }
        eni.attachment.deleteOnTermination = change.deleteOnTermination;
        return;
      case 'groups':
        this.checkGroups(change.groups);
        eni.groups = [...new Set(change.groups)];
        this.touched(eni);
        return;
      case 'description':
        eni.description = change.value;
        return;
      case 'sourceDestCheck':
        eni.sourceDestCheck = change.value;
        return;
    }
  }

  assignPrivateIpAddresses(
    eniId: string,
    req: { count?: number; addresses?: readonly string[]; prefixCount?: number; prefixes?: readonly string[] },
  ): { addresses: number[]; prefixes: number[] } {
    this.settle();
    const eni = this.getEni(eniId);
    const subnet = this.subnets.get(eni.subnetId)!;
    const given = [
      req.count !== undefined,
      !!req.addresses?.length,
      req.prefixCount !== undefined,
      !!req.prefixes?.length,
    ].filter(Boolean).length;
    if (given === 0) {
      throw new Ec2Error(
        'MissingParameter',
        'Either SecondaryPrivateIpAddressCount, PrivateIpAddress, Ipv4PrefixCount or Ipv4Prefix must be specified.',
      );
    }
    if (given > 1) {
      throw invalidCombination(
        'Only one of SecondaryPrivateIpAddressCount, PrivateIpAddress, Ipv4PrefixCount and Ipv4Prefix may be specified.',
      );
    }
    const wantPrefixes = req.prefixCount !== undefined || !!req.prefixes?.length;
    const n = req.count ?? req.prefixCount ?? (req.addresses?.length || req.prefixes?.length || 0);
    if (n < 1) throw invalidValue('The number of addresses or prefixes to assign must be at least 1.');
    if (wantPrefixes && eni.attachment) {
      const inst = this.instances.get(eni.attachment.instanceId)!;
      if (!inst.limits.nitro) {
        throw invalidValue(
          `Prefix delegation is not supported for instance type ${inst.instanceType} (not built on the Nitro System).`,
        );
      }
    }
    const limit = this.slotLimit(eni);
    if (World.slotsUsed(eni) + n > limit) {
      throw new Ec2Error(
        'PrivateIpAddressLimitExceeded',
        `Number of private addresses will exceed limit. The interface ${eniId} has ${World.slotsUsed(eni)} of ${limit} slots in use and ${n} more were requested.`,
      );
    }
    const pool = subnet.pool;
    if (!wantPrefixes) {
      let got: number[];
      if (req.addresses?.length) {
        const parsed = req.addresses.map((s) => {
          const a = parseIpv4(s);
          if (a === undefined) throw invalidValue(`Invalid value '${s}' for PrivateIpAddress`);
          return a;
        });
        if (new Set(parsed).size !== parsed.length) throw invalidValue('Duplicate addresses in PrivateIpAddress');
        got = [];
        for (let i = 0; i < parsed.length; i++) {
          const r = pool.allocateSpecific(parsed[i]);
          if (!r.ok) {
            for (const a of got) pool.release(a);
            throw poolError(r.failure, subnet, `address ${req.addresses[i]}`);
          }
          got.push(r.value);
        }
      } else {
        const r = pool.allocateMany(n);
        if (!r.ok) throw poolError(r.failure, subnet, 'addresses');
        got = r.value;
      }
      eni.secondaryIps.push(...got);
      this.touched(eni);
      return { addresses: got, prefixes: [] };
    }
    let got: number[];
    if (req.prefixes?.length) {
      got = [];
      for (const s of req.prefixes) {
        const m = /^(.+)\/28$/.exec(s);
        const a = m ? parseIpv4(m[1]) : undefined;
        if (a === undefined) {
          for (const p of got) pool.releasePrefix(p);
          throw invalidValue(`Invalid value '${s}' for Ipv4Prefix: expected an IPv4 /28 prefix`);
        }
        const r = pool.allocateSpecificPrefix(a);
        if (!r.ok) {
          for (const p of got) pool.releasePrefix(p);
          throw poolError(r.failure, subnet, `prefix ${s}`);
        }
        got.push(r.value);
      }
    } else {
      const r = pool.allocatePrefixes(n);
      if (!r.ok) throw poolError(r.failure, subnet, 'prefixes');
      got = r.value;
    }
    eni.ipv4Prefixes.push(...got);
    this.touched(eni);
    return { addresses: [], prefixes: got };
  }

  unassignPrivateIpAddresses(
    eniId: string,
    req: { addresses?: readonly string[]; prefixes?: readonly string[] },
  ): void {
    this.settle();
    const eni = this.getEni(eniId);
    const subnet = this.subnets.get(eni.subnetId)!;
    const addrs = req.addresses ?? [];
    const pfxs = req.prefixes ?? [];
    if (!addrs.length && !pfxs.length)
      throw new Ec2Error('MissingParameter', 'Either PrivateIpAddress or Ipv4Prefix must be specified.');
    if (addrs.length && pfxs.length)
      throw invalidCombination('PrivateIpAddress and Ipv4Prefix cannot be used together.');
    const idx: number[] = [];
    for (const s of addrs) {
      const a = parseIpv4(s);
      if (a === undefined) throw invalidValue(`Invalid value '${s}' for PrivateIpAddress`);
      if (a === eni.primaryIp)
        throw invalidValue(`The primary private IP address ${s} of ${eniId} cannot be unassigned.`);
      const i = eni.secondaryIps.indexOf(a);
      if (i < 0 || idx.includes(i))
        throw invalidValue(`Some of the specified addresses are not assigned to interface ${eniId}`);
      idx.push(i);
    }
    const pidx: number[] = [];
    for (const s of pfxs) {
      const m = /^(.+)\/28$/.exec(s);
      const a = m ? parseIpv4(m[1]) : undefined;
      if (a === undefined) throw invalidValue(`Invalid value '${s}' for Ipv4Prefix: expected an IPv4 /28 prefix`);
      const i = eni.ipv4Prefixes.indexOf(a);
      if (i < 0 || pidx.includes(i))
        throw invalidValue(`Some of the specified prefixes are not assigned to interface ${eniId}`);
      pidx.push(i);
    }
    for (const i of idx.sort((a, b) => b - a)) subnet.pool.release(eni.secondaryIps.splice(i, 1)[0]);
    for (const i of pidx.sort((a, b) => b - a)) subnet.pool.releasePrefix(eni.ipv4Prefixes.splice(i, 1)[0]);
    this.touched(eni);
  }

  assignIpv6Addresses(
    eniId: string,
    req: { count?: number; addresses?: readonly string[]; prefixCount?: number; prefixes?: readonly string[] },
  ): { addresses: bigint[]; prefixes: bigint[] } {
    this.settle();
    const eni = this.getEni(eniId);
    const subnet = this.subnets.get(eni.subnetId)!;
    const given = [
      req.count !== undefined,
      !!req.addresses?.length,
      req.prefixCount !== undefined,
      !!req.prefixes?.length,
    ].filter(Boolean).length;
    if (given === 0)
      throw new Ec2Error(
        'MissingParameter',
        'Either Ipv6AddressCount, Ipv6Addresses, Ipv6PrefixCount or Ipv6Prefix must be specified.',
      );
    if (given > 1)
      throw invalidCombination(
        'Only one of Ipv6AddressCount, Ipv6Addresses, Ipv6PrefixCount and Ipv6Prefix may be specified.',
      );
    const pool6 = subnet.pool6;
    if (!pool6) throw invalidValue(`Subnet '${subnet.subnetId}' has no IPv6 CIDR block.`);
    const n = req.count ?? req.prefixCount ?? (req.addresses?.length || req.prefixes?.length || 0);
    if (n < 1) throw invalidValue('The number of IPv6 addresses or prefixes to assign must be at least 1.');
    const limit = this.slots6Limit(eni);
    const used = eni.ipv6Addresses.length + eni.ipv6Prefixes.length;
    if (used + n > limit) {
      throw new Ec2Error(
        'Ipv6AddressLimitExceeded',
        `Number of IPv6 addresses will exceed limit: ${used} of ${limit} in use on ${eniId}, ${n} requested.`,
      );
    }
    if (req.count !== undefined || req.addresses?.length) {
      const got: bigint[] = [];
      if (req.addresses?.length) {
        for (const s of req.addresses) {
          const a = parseIpv6(s);
          if (a === undefined || !pool6.allocateSpecific(a)) {
            for (const x of got) pool6.release(x);
            throw a === undefined
              ? invalidValue(`Invalid value '${s}' for Ipv6Addresses`)
              : new Ec2Error(
                  'InvalidIPAddress.InUse',
                  `Address ${s} is in use or not available in subnet '${subnet.subnetId}'.`,
                );
          }
          got.push(a);
        }
      } else for (let i = 0; i < n; i++) got.push(pool6.allocate());
      eni.ipv6Addresses.push(...got);
      this.touched(eni);
      return { addresses: got, prefixes: [] };
    }
    const got: bigint[] = [];
    if (req.prefixes?.length) {
      for (const s of req.prefixes) {
        const c = parseCidr6(s);
        if (!c || c.prefixLength !== 80 || !pool6.allocateSpecificPrefix(c.base)) {
          for (const x of got) pool6.releasePrefix(x);
          throw invalidValue(
            `Invalid or unavailable IPv6 prefix '${s}' (expected a free /80 of subnet '${subnet.subnetId}')`,
          );
        }
        got.push(c.base);
      }
    } else for (let i = 0; i < n; i++) got.push(pool6.allocatePrefix());
    eni.ipv6Prefixes.push(...got);
    this.touched(eni);
    return { addresses: [], prefixes: got };
  }

  unassignIpv6Addresses(
    eniId: string,
    req: { addresses?: readonly string[]; prefixes?: readonly string[] },
  ): { addresses: bigint[]; prefixes: bigint[] } {
    this.settle();
    const eni = this.getEni(eniId);
    const subnet = this.subnets.get(eni.subnetId)!;
    const addrs = req.addresses ?? [];
    const pfxs = req.prefixes ?? [];
    if (!addrs.length && !pfxs.length)
      throw new Ec2Error('MissingParameter', 'Either Ipv6Addresses or Ipv6Prefix must be specified.');
    const a6 = addrs.map((s) => {
      const a = parseIpv6(s);
      if (a === undefined) throw invalidValue(`Invalid value '${s}' for Ipv6Addresses`);
      if (!eni.ipv6Addresses.includes(a))
        throw invalidValue(`Some of the specified IPv6 addresses are not assigned to interface ${eniId}`);
      return a;
    });
    const p6 = pfxs.map((s) => {
      const c = parseCidr6(s);
      if (!c || c.prefixLength !== 80) throw invalidValue(`Invalid value '${s}' for Ipv6Prefix: expected an IPv6 /80`);
      if (!eni.ipv6Prefixes.includes(c.base))
        throw invalidValue(`Some of the specified IPv6 prefixes are not assigned to interface ${eniId}`);
      return c.base;
    });
    for (const a of new Set(a6)) {
      eni.ipv6Addresses.splice(eni.ipv6Addresses.indexOf(a), 1);
      subnet.pool6?.release(a);
    }
    for (const p of new Set(p6)) {
      eni.ipv6Prefixes.splice(eni.ipv6Prefixes.indexOf(p), 1);
      subnet.pool6?.releasePrefix(p);
    }
    this.touched(eni);
    return { addresses: [...new Set(a6)], prefixes: [...new Set(p6)] };
  }

  /** Resource type and tag map of any taggable id; throws the resource's NotFound/Malformed error. */
  taggable(id: string): { type: string; tags: Tags } {
    if (id.startsWith('eni-attach-')) throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
    if (id.startsWith('eni-')) return { type: 'network-interface', tags: this.getEni(id).tags };
    if (id.startsWith('subnet-')) return { type: 'subnet', tags: this.getSubnet(id).tags };
    if (id.startsWith('i-')) return { type: 'instance', tags: this.getInstance(id).tags };
    if (id.startsWith('vpc-')) {
      const v = this.vpcs.get(id);
      if (!v) throw new Ec2Error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
      return { type: 'vpc', tags: v.tags };
    }
    throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
  }

  createTags(resources: readonly string[], tags: readonly { key: string; value: string }[]): void {
    this.settle();
    const targets = resources.map((r) => this.taggable(r));
    for (const t of targets) for (const { key, value } of tags) t.tags.set(key, value);
  }

  /** Plain JSON of the whole world, addresses formatted (the control API's /state). */
  toJSON(): unknown {
    this.settle();
    const tagObj = (t: Tags): Record<string, string> => Object.fromEntries(t);
    return {
      region: this.region,
      accountId: this.accountId,
      timing: this.timing,
      vpcs: [...this.vpcs.values()].map((v) => ({
        vpcId: v.vpcId,
        cidrBlocks: v.cidrBlocks.map(formatCidr4),
        ipv6CidrBlocks: v.ipv6CidrBlocks.map(formatCidr6),
        tags: tagObj(v.tags),
      })),
      subnets: [...this.subnets.values()].map((s) => ({
        subnetId: s.subnetId,
        vpcId: s.vpcId,
        availabilityZone: s.availabilityZone,
        cidrBlock: formatCidr4(s.cidr),
        ipv6CidrBlock: s.ipv6Cidr ? formatCidr6(s.ipv6Cidr) : undefined,
        availableIpAddressCount: s.pool.available,
        freePrefixBlocks: s.pool.freePrefixBlocks(),
        tags: tagObj(s.tags),
      })),
      securityGroups: [...this.securityGroups],
      instances: [...this.instances.values()].map((i) => ({
        instanceId: i.instanceId,
        instanceType: i.instanceType,
        state: i.state,
        subnetId: i.subnetId,
        availabilityZone: i.availabilityZone,
        primaryEniId: i.primaryEniId,
        tags: tagObj(i.tags),
      })),
      networkInterfaces: [...this.enis.values()].map((e) => eniSummary(e)),
    };
  }
}

/** One ENI as plain JSON with formatted addresses. */
export function eniSummary(e: Eni): Record<string, unknown> {
  return {
    networkInterfaceId: e.networkInterfaceId,
    subnetId: e.subnetId,
    macAddress: e.macAddress,
    description: e.description,
    status: e.attachment ? 'in-use' : 'available',
    groups: e.groups,
    tags: Object.fromEntries(e.tags),
    privateIpAddress: formatIpv4(e.primaryIp),
    secondaryPrivateIpAddresses: e.secondaryIps.map(formatIpv4),
    ipv4Prefixes: e.ipv4Prefixes.map((p) => `${formatIpv4(p)}/28`),
    ipv6Addresses: e.ipv6Addresses.map(formatIpv6),
    ipv6Prefixes: e.ipv6Prefixes.map((p) => `${formatIpv6(p)}/80`),
    attachment: e.attachment ? { ...e.attachment } : undefined,
  };
}
