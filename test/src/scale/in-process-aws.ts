import type { Eni as DomainEni, InstanceIdentity, Subnet as DomainSubnet } from '@vpc-cni-ts/ipamd';
import { lookupInstanceLimits, type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';
import {
  Ec2Error as PortError,
  type AssignedAddresses,
  type CreateEniRequest,
  type Ec2Api,
  type Imds,
  type ImdsInterface,
} from '@vpc-cni-ts/ipamd/ports';

import type { Simulator } from '../simulator';
import { Ec2Error as SimError } from '../simulator/ec2-error';
import { formatCidr4, formatIpv4 } from '../simulator/ipv4';
import { formatIpv6 } from '../simulator/ipv6';
import type { Eni as SimEni } from '../simulator/model';

/** The simulator's ENI in ipamd's domain shape (what the SDK adapter's `toEni` yields from the XML). */
export function toDomainEni(e: SimEni): DomainEni {
  const att = e.attachment;
  return {
    id: e.networkInterfaceId,
    mac: e.macAddress,
    deviceNumber: att?.deviceIndex ?? -1,
    networkCard: att?.networkCardIndex ?? 0,
    subnetId: e.subnetId,
    primaryIp: formatIpv4(e.primaryIp),
    secondaryIps: e.secondaryIps.map(formatIpv4),
    ipv4Prefixes: e.ipv4Prefixes.map((p) => `${formatIpv4(p)}/28`),
    ipv6Prefixes: e.ipv6Prefixes.map((p) => `${formatIpv6(p)}/80`),
    isPrimary: att?.deviceIndex === 0,
    isTrunk: e.interfaceType === 'trunk',
    isEfa: e.interfaceType === 'efa' || e.interfaceType === 'efa-only',
    attachmentId: att?.attachmentId,
    deleteOnTermination: att?.deleteOnTermination,
    status: att ? 'in-use' : 'available',
    description: e.description,
    tags: Object.fromEntries(e.tags),
    securityGroupIds: [...e.groups],
  };
}

/**
 * ipamd's `Ec2Api` port served in-process by the AWS simulator's state engine: every call goes through the
 * simulator's account-wide admission (the same token buckets, faults and call counters the HTTP front end uses),
 * then acts on its `World`. It skips only HTTP, the Query protocol and XML, which is what makes a 500-node
 * simulation run in seconds; `SdkEc2Api` over HTTP is the other transport (see README).
 */
export class InProcessEc2 implements Ec2Api {
  constructor(private readonly sim: Simulator) {}

  private async run<T>(action: string, cls: 'describe' | 'mutating', fn: () => T): Promise<T> {
    await Promise.resolve();
    const { controls, world } = this.sim;
    try {
      controls.admit(action, cls);
    } catch (e) {
      throw this.toPortError(action, e);
    }
    try {
      world.settle();
      const out = fn();
      controls.finished(action, true);
      return out;
    } catch (e) {
      controls.finished(action, false);
      throw this.toPortError(action, e);
    }
  }

  private toPortError(action: string, e: unknown): PortError {
    if (e instanceof SimError) {
      const err = new PortError(action, e.code, e.message);
      if (err.kind === 'other' && e.status >= 500) return new PortError(action, e.code, e.message, 'transient');
      return err;
    }
    return new PortError(action, 'InternalError', `simulator bug: ${(e as Error).message}`, 'transient');
  }

  describeNetworkInterfaces(ids: readonly string[]): Promise<DomainEni[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.run('DescribeNetworkInterfaces', 'describe', () => this.sim.world.getEnis(ids).map(toDomainEni));
  }

  describeInstanceEnis(instanceId: string): Promise<DomainEni[]> {
    return this.run('DescribeNetworkInterfaces', 'describe', () => this.sim.world.enisOf(instanceId).map(toDomainEni));
  }

  describeSubnet(subnetId: string): Promise<DomainSubnet | undefined> {
    return this.run('DescribeSubnets', 'describe', () => {
      const s = this.sim.world.subnets.get(subnetId);
      if (!s) return undefined;
      return {
        id: s.subnetId,
        cidr: formatCidr4(s.cidr),
        availabilityZone: s.availabilityZone,
        availableIpAddressCount: s.pool.available,
        vpcId: s.vpcId,
        tags: Object.fromEntries(s.tags),
      };
    });
  }

  createNetworkInterface(req: CreateEniRequest): Promise<DomainEni> {
    return this.run('CreateNetworkInterface', 'mutating', () =>
      toDomainEni(
        this.sim.world.createNetworkInterface({
          subnetId: req.subnetId,
          description: req.description,
          groups: req.securityGroupIds,
          secondaryPrivateIpAddressCount: req.secondaryIpCount,
          ipv4PrefixCount: req.ipv4PrefixCount,
          tags: Object.entries(req.tags).map(([key, value]) => ({ key, value })),
        }),
      ),
    );
  }

  attachNetworkInterface(eniId: string, instanceId: string, deviceIndex: number): Promise<string> {
    return this.run(
      'AttachNetworkInterface',
      'mutating',
      () => this.sim.world.attachNetworkInterface(eniId, instanceId, deviceIndex).attachmentId,
    );
  }

  setDeleteOnTermination(eniId: string, attachmentId: string): Promise<void> {
    return this.run('ModifyNetworkInterfaceAttribute', 'mutating', () => {
      this.sim.world.modifyNetworkInterfaceAttribute(eniId, {
        kind: 'attachment',
        attachmentId,
        deleteOnTermination: true,
      });
    });
  }

  detachNetworkInterface(attachmentId: string): Promise<void> {
    return this.run('DetachNetworkInterface', 'mutating', () =>
      this.sim.world.detachNetworkInterface(attachmentId, false),
    );
  }

  deleteNetworkInterface(eniId: string): Promise<void> {
    return this.run('DeleteNetworkInterface', 'mutating', () => this.sim.world.deleteNetworkInterface(eniId));
  }

  assignPrivateIpAddresses(
    eniId: string,
    req: { readonly ipCount?: number; readonly prefixCount?: number },
  ): Promise<AssignedAddresses> {
    return this.run('AssignPrivateIpAddresses', 'mutating', () => {
      const r = this.sim.world.assignPrivateIpAddresses(
        eniId,
        req.prefixCount ? { prefixCount: req.prefixCount } : { count: req.ipCount ?? 1 },
      );
      return { ips: r.addresses.map(formatIpv4), prefixes: r.prefixes.map((p) => `${formatIpv4(p)}/28`) };
    });
  }

  assignIpv6Prefixes(eniId: string, count: number): Promise<string[]> {
    return this.run('AssignIpv6Addresses', 'mutating', () =>
      this.sim.world.assignIpv6Addresses(eniId, { prefixCount: count }).prefixes.map((p) => `${formatIpv6(p)}/80`),
    );
  }

  unassignPrivateIpAddresses(
    eniId: string,
    req: { readonly ips?: readonly string[]; readonly prefixes?: readonly string[] },
  ): Promise<void> {
    return this.run('UnassignPrivateIpAddresses', 'mutating', () =>
      this.sim.world.unassignPrivateIpAddresses(eniId, { addresses: req.ips, prefixes: req.prefixes }),
    );
  }

  createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    return this.run('CreateTags', 'mutating', () =>
      this.sim.world.createTags(
        resourceIds,
        Object.entries(tags).map(([key, value]) => ({ key, value })),
      ),
    );
  }

  describeInstanceType(instanceType: string): Promise<InstanceLimits | undefined> {
    return this.run('DescribeInstanceTypes', 'describe', () => lookupInstanceLimits(instanceType));
  }
}

/** ipamd's `Imds` port for one simulated instance, read from the simulator's IMDS history (lag included). */
export class InProcessImds implements Imds {
  constructor(
    private readonly sim: Simulator,
    private readonly instanceId: string,
  ) {}

  async identity(): Promise<InstanceIdentity> {
    await Promise.resolve();
    const v = this.sim.world.imdsViewNow(this.instanceId);
    if (!v) throw new Error(`IMDS: instance ${this.instanceId} not visible yet`);
    return {
      instanceId: v.instanceId,
      instanceType: v.instanceType,
      availabilityZone: v.availabilityZone,
      region: v.region,
      localIpv4: v.localIpv4,
      primaryMac: v.primaryMac,
    };
  }

  async interfaces(): Promise<ImdsInterface[]> {
    await Promise.resolve();
    const v = this.sim.world.imdsViewNow(this.instanceId);
    if (!v) return [];
    return [...v.interfaces.values()]
      .map((i) => ({
        mac: i.mac,
        eniId: i.interfaceId,
        deviceNumber: i.deviceNumber,
        networkCard: i.networkCard,
        subnetId: i.subnetId,
        subnetCidr: i.subnetIpv4CidrBlock,
        vpcId: i.vpcId,
        vpcCidrs: i.vpcIpv4CidrBlocks,
        securityGroupIds: i.securityGroupIds,
        localIpv4s: i.localIpv4s,
        ipv4Prefixes: i.ipv4Prefixes,
      }))
      .sort((a, b) => a.deviceNumber - b.deviceNumber);
  }
}
