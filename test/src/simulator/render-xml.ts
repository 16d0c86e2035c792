import { type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';

import { formatCidr4, formatIpv4 } from './ipv4';
import { formatCidr6, formatIpv6 } from './ipv6';
import { type Eni, type Instance, type Subnet, type Tags } from './model';
import { type World } from './world';
import { type XmlObject } from './xml';

const tagSet = (t: Tags): XmlObject[] => [...t].map(([key, value]) => ({ key, value }));
const iso = (ms: number): string => new Date(ms).toISOString();

function privateIps(e: Eni): XmlObject[] {
  return [
    { privateIpAddress: formatIpv4(e.primaryIp), primary: true },
    ...e.secondaryIps.map((a) => ({ privateIpAddress: formatIpv4(a), primary: false })),
  ];
}

/** A NetworkInterface element as DescribeNetworkInterfaces / CreateNetworkInterface return it. */
export function eniXml(w: World, e: Eni): XmlObject {
  const att = e.attachment;
  return {
    networkInterfaceId: e.networkInterfaceId,
    subnetId: e.subnetId,
    vpcId: e.vpcId,
    availabilityZone: e.availabilityZone,
    availabilityZoneId: w.subnets.get(e.subnetId)?.availabilityZoneId,
    description: e.description,
    ownerId: w.accountId,
    requesterManaged: false,
    status: att ? 'in-use' : 'available',
    macAddress: e.macAddress,
    privateIpAddress: formatIpv4(e.primaryIp),
    privateDnsName: `ip-${formatIpv4(e.primaryIp).replace(/\./g, '-')}.${w.region}.compute.internal`,
    sourceDestCheck: e.sourceDestCheck,
    groupSet: e.groups.map((g) => ({ groupId: g, groupName: g })),
    attachment: att
      ? {
          attachmentId: att.attachmentId,
          instanceId: att.instanceId,
          instanceOwnerId: w.accountId,
          deviceIndex: att.deviceIndex,
          networkCardIndex: att.networkCardIndex,
          status: att.status,
          attachTime: iso(att.attachTime),
          deleteOnTermination: att.deleteOnTermination,
        }
      : undefined,
    tagSet: tagSet(e.tags),
    privateIpAddressesSet: privateIps(e),
    ipv4PrefixSet: e.ipv4Prefixes.map((p) => ({ ipv4Prefix: `${formatIpv4(p)}/28` })),
    ipv6AddressesSet: e.ipv6Addresses.map((a) => ({ ipv6Address: formatIpv6(a), isPrimaryIpv6: false })),
    ipv6PrefixSet: e.ipv6Prefixes.map((p) => ({ ipv6Prefix: `${formatIpv6(p)}/80` })),
    interfaceType: e.interfaceType,
  };
}

function instanceEniXml(w: World, e: Eni): XmlObject {
  const att = e.attachment!;
  return {
    networkInterfaceId: e.networkInterfaceId,
    subnetId: e.subnetId,
    vpcId: e.vpcId,
    description: e.description,
    ownerId: w.accountId,
    status: 'in-use',
    macAddress: e.macAddress,
    privateIpAddress: formatIpv4(e.primaryIp),
    sourceDestCheck: e.sourceDestCheck,
    groupSet: e.groups.map((g) => ({ groupId: g, groupName: g })),
    attachment: {
      attachmentId: att.attachmentId,
      deviceIndex: att.deviceIndex,
      networkCardIndex: att.networkCardIndex,
      status: att.status,
      attachTime: iso(att.attachTime),
      deleteOnTermination: att.deleteOnTermination,
    },
    privateIpAddressesSet: privateIps(e),
    ipv4PrefixSet: e.ipv4Prefixes.map((p) => ({ ipv4Prefix: `${formatIpv4(p)}/28` })),
    ipv6AddressesSet: e.ipv6Addresses.map((a) => ({ ipv6Address: formatIpv6(a), isPrimaryIpv6: false })),
    ipv6PrefixSet: e.ipv6Prefixes.map((p) => ({ ipv6Prefix: `${formatIpv6(p)}/80` })),
    interfaceType: e.interfaceType,
  };
}

/** A reservation holding one instance, as DescribeInstances returns it. */
export function reservationXml(w: World, i: Instance): XmlObject {
  const enis = w.enisOf(i.instanceId);
  const primary = w.enis.get(i.primaryEniId);
  const running = i.state === 'running';
  return {
    reservationId: `r-${i.instanceId.slice(2)}`,
    ownerId: w.accountId,
    groupSet: [],
    instancesSet: [
      {
        instanceId: i.instanceId,
        imageId: 'ami-0000000000000a001',
        instanceState: { code: running ? 16 : 48, name: i.state },
        privateDnsName: primary
          ? `ip-${formatIpv4(primary.primaryIp).replace(/\./g, '-')}.${w.region}.compute.internal`
          : '',
        instanceType: i.instanceType,
        launchTime: iso(i.launchTime),
        placement: { availabilityZone: i.availabilityZone, tenancy: 'default' },
        subnetId: running ? i.subnetId : undefined,
        vpcId: running ? i.vpcId : undefined,
        privateIpAddress: running && primary ? formatIpv4(primary.primaryIp) : undefined,
        sourceDestCheck: true,
        groupSet: (primary?.groups ?? []).map((g) => ({ groupId: g, groupName: g })),
        architecture: 'x86_64',
        rootDeviceType: 'ebs',
        virtualizationType: 'hvm',
        hypervisor: 'xen',
        tagSet: tagSet(i.tags),
        networkInterfaceSet: enis.map((e) => instanceEniXml(w, e)),
      },
    ],
  };
}

export function subnetXml(w: World, s: Subnet): XmlObject {
  return {
    subnetId: s.subnetId,
    subnetArn: `arn:aws:ec2:${w.region}:${w.accountId}:subnet/${s.subnetId}`,
    state: 'available',
    vpcId: s.vpcId,
    ownerId: w.accountId,
    cidrBlock: formatCidr4(s.cidr),
    availableIpAddressCount: s.pool.available,
    availabilityZone: s.availabilityZone,
    availabilityZoneId: s.availabilityZoneId,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: s.ipv6Cidr
      ? [
          {
            associationId: `subnet-cidr-assoc-${s.subnetId.slice(7)}`,
            ipv6CidrBlock: formatCidr6(s.ipv6Cidr),
            ipv6CidrBlockState: { state: 'associated' },
          },
        ]
      : [],
    tagSet: tagSet(s.tags),
  };
}

export function instanceTypeXml(l: InstanceLimits): XmlObject {
  const total = l.networkCards.reduce((n, c) => n + c.maximumNetworkInterfaces, 0);
  return {
    instanceType: l.instanceType,
    currentGeneration: true,
    bareMetal: l.bareMetal,
    hypervisor: l.bareMetal ? undefined : l.hypervisor,
    networkInfo: {
      maximumNetworkInterfaces: total,
      maximumNetworkCards: l.networkCards.length,
      defaultNetworkCardIndex: l.defaultNetworkCardIndex,
      networkCards: l.networkCards.map((c) => ({
        networkCardIndex: c.networkCardIndex,
        maximumNetworkInterfaces: c.maximumNetworkInterfaces,
      })),
      ipv4AddressesPerInterface: l.ipv4Limit,
      ipv6AddressesPerInterface: l.ipv6Limit,
      ipv6Supported: l.ipv6Limit > 0,
      enaSupport: l.nitro ? 'required' : 'supported',
      efaSupported: false,
      encryptionInTransitSupported: false,
    },
  };
}
