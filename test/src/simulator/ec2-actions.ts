import { knownInstanceTypes } from '@vpc-cni-ts/ipamd/limits';

import { Ec2Error, invalidValue, missing } from './ec2-error';
import { applyFilters, checkFilterNames, paginate, rejectIdsWithMaxResults, tagFields } from './filters';
import { formatCidr4, formatIpv4 } from './ipv4';
import { formatCidr6, formatIpv6 } from './ipv6';
import { type Eni, type Instance, type Subnet } from './model';
import { type QueryParams } from './query-params';
import { eniXml, instanceTypeXml, reservationXml, subnetXml } from './render-xml';
import { type World } from './world';
import { type XmlObject } from './xml';

/** One EC2 action: reads its parameters, acts on the world, returns the response body (without requestId). */
export type ActionHandler = (p: QueryParams, w: World) => XmlObject;

const ok: XmlObject = { return: true };

function eniFields(w: World): (e: Eni, name: string) => readonly string[] | undefined {
  return (e, name) => {
    const att = e.attachment;
    switch (name) {
      case 'network-interface-id':
        return [e.networkInterfaceId];
      case 'attachment.instance-id':
        return att ? [att.instanceId] : [];
      case 'attachment.attachment-id':
        return att ? [att.attachmentId] : [];
      case 'attachment.status':
        return att ? [att.status] : [];
      case 'attachment.device-index':
        return att ? [String(att.deviceIndex)] : [];
      case 'attachment.delete-on-termination':
        return att ? [String(att.deleteOnTermination)] : [];
      case 'attachment.instance-owner-id':
      case 'owner-id':
        return [w.accountId];
      case 'status':
        return [att ? 'in-use' : 'available'];
      case 'subnet-id':
        return [e.subnetId];
      case 'vpc-id':
        return [e.vpcId];
      case 'availability-zone':
        return [e.availabilityZone];
      case 'description':
        return [e.description];
      case 'mac-address':
        return [e.macAddress];
      case 'interface-type':
        return [e.interfaceType];
      case 'group-id':
        return e.groups;
      case 'requester-managed':
        return ['false'];
      case 'source-dest-check':
        return [String(e.sourceDestCheck)];
      case 'private-ip-address':
      case 'addresses.private-ip-address':
        return [e.primaryIp, ...e.secondaryIps].map(formatIpv4);
      case 'addresses.primary':
        return ['true', ...(e.secondaryIps.length ? ['false'] : [])];
      case 'ipv4-prefix':
        return e.ipv4Prefixes.map((p) => `${formatIpv4(p)}/28`);
      case 'ipv6-addresses.ipv6-address':
        return e.ipv6Addresses.map(formatIpv6);
      case 'ipv6-prefix':
        return e.ipv6Prefixes.map((p) => `${formatIpv6(p)}/80`);
      default:
        return tagFields(e.tags, name);
    }
  };
}

function subnetFields(s: Subnet, name: string): readonly string[] | undefined {
  switch (name) {
    case 'subnet-id':
      return [s.subnetId];
    case 'vpc-id':
      return [s.vpcId];
    case 'availability-zone':
      return [s.availabilityZone];
    case 'availability-zone-id':
      return [s.availabilityZoneId];
    case 'cidr-block':
    case 'cidr':
    case 'cidrBlock':
      return [formatCidr4(s.cidr)];
    case 'ipv6-cidr-block-association.ipv6-cidr-block':
      return s.ipv6Cidr ? [formatCidr6(s.ipv6Cidr)] : [];
    case 'state':
      return ['available'];
    case 'default-for-az':
    case 'defaultForAz':
      return ['false'];
    case 'available-ip-address-count':
      return [String(s.pool.available)];
    default:
      return tagFields(s.tags, name);
  }
}

function instanceFields(w: World): (i: Instance, name: string) => readonly string[] | undefined {
  return (i, name) => {
    switch (name) {
      case 'instance-id':
        return [i.instanceId];
      case 'instance-type':
        return [i.instanceType];
      case 'vpc-id':
        return [i.vpcId];
      case 'subnet-id':
        return [i.subnetId];
      case 'availability-zone':
        return [i.availabilityZone];
      case 'instance-state-name':
        return [i.state];
      case 'instance-state-code':
        return [i.state === 'running' ? '16' : '48'];
      case 'private-ip-address': {
        const p = w.enis.get(i.primaryEniId);
        return p ? [formatIpv4(p.primaryIp)] : [];
      }
      case 'network-interface.network-interface-id':
        return w.enisOf(i.instanceId).map((e) => e.networkInterfaceId);
      default:
        return tagFields(i.tags, name);
    }
  };
}

function positiveCount(p: QueryParams, name: string): number | undefined {
  return p.int(name, 0, 100_000);
}

/** The actions the simulator speaks, by EC2 Action name. */
export const ACTIONS: Readonly<Record<string, ActionHandler>> = {
  DescribeInstances(p, w) {
    const ids = p.list('InstanceId');
    const filters = p.filters();
    const maxResults = p.int('MaxResults', 0, 100_000);
    rejectIdsWithMaxResults(ids, maxResults, 'instanceIds');
    let items: Instance[];
    if (ids.length) {
      items = [...new Set(ids)].map((id) => w.getInstance(id));
    } else items = [...w.instances.values()];
    const fields = instanceFields(w);
    checkFilterNames(filters, (n) => fields(dummyInstance, n) !== undefined);
    items = applyFilters(items, filters, fields, undefined);
    const page = paginate(items, (i) => i.instanceId, {
      maxResults,
      nextToken: p.str('NextToken'),
      min: 5,
      max: 1000,
      action: 'DescribeInstances',
    });
    return { reservationSet: page.items.map((i) => reservationXml(w, i)), nextToken: page.nextToken };
  },

  DescribeInstanceTypes(p, w) {
    const types = p.list('InstanceType');
    const filters = p.filters();
    checkFilterNames(filters, (n) => n === 'instance-type');
    const maxResults = p.int('MaxResults', 0, 100_000);
    const names = types.length
      ? [...new Set(types)]
      : [...new Set([...knownInstanceTypes(), ...Object.keys(w.scenario.limits)])];
    const unknown = names.filter((t) => !w.limitsOf(t));
    if (unknown.length)
      throw new Ec2Error(
        'InvalidInstanceType',
        `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
      );
    let limits = names.map((t) => w.limitsOf(t)!);
    limits = applyFilters(limits, filters, (l, n) => (n === 'instance-type' ? [l.instanceType] : undefined), undefined);
    const page = paginate(limits, (l) => l.instanceType, {
      maxResults,
      nextToken: p.str('NextToken'),
      min: 5,
      max: 100,
      action: 'DescribeInstanceTypes',
    });
    return { instanceTypeSet: page.items.map(instanceTypeXml), nextToken: page.nextToken };
  },

  DescribeNetworkInterfaces(p, w) {
    const ids = p.list('NetworkInterfaceId');
    const filters = p.filters();
    const maxResults = p.int('MaxResults', 0, 100_000);
    rejectIdsWithMaxResults(ids, maxResults, 'networkInterfaceIds');
    const fields = eniFields(w);
    checkFilterNames(filters, (n) => fields(dummyEni, n) !== undefined);
    let base: Eni[];
    if (ids.length) {
      base = w.getEnis(ids);
      const hidden = base.filter((e) => !w.describable(e)).map((e) => e.networkInterfaceId);
      if (hidden.length) {
        throw new Ec2Error(
          'InvalidNetworkInterfaceID.NotFound',
          hidden.length === 1
            ? `The networkInterface ID '${hidden[0]}' does not exist`
            : `The networkInterface IDs '${hidden.join(', ')}' do not exist`,
        );
      }
    } else base = [...w.enis.values()].filter((e) => w.describable(e));
    const items = applyFilters(base, filters, fields, undefined);
    const page = paginate(items, (e) => e.networkInterfaceId, {
      maxResults,
      nextToken: p.str('NextToken'),
      min: 5,
      max: 1000,
      action: 'DescribeNetworkInterfaces',
    });
    return { networkInterfaceSet: page.items.map((e) => eniXml(w, e)), nextToken: page.nextToken };
  },

  DescribeSubnets(p, w) {
    const ids = p.list('SubnetId');
    const filters = p.filters();
    const maxResults = p.int('MaxResults', 0, 100_000);
    rejectIdsWithMaxResults(ids, maxResults, 'subnetIds');
    checkFilterNames(filters, (n) => subnetFields(dummySubnet, n) !== undefined);
    const items = applyFilters(
      ids.length ? [...new Set(ids)].map((id) => w.getSubnet(id)) : [...w.subnets.values()],
      filters,
      subnetFields,
      undefined,
    );
    const page = paginate(items, (s) => s.subnetId, {
      maxResults,
      nextToken: p.str('NextToken'),
      min: 5,
      max: 1000,
      action: 'DescribeSubnets',
    });
    return { subnetSet: page.items.map((s) => subnetXml(w, s)), nextToken: page.nextToken };
  },

  CreateNetworkInterface(p, w) {
    const subnetId = p.required('SubnetId');
    const specs = p.tagSpecifications();
    for (const s of specs) {
      if (s.resourceType !== 'network-interface') {
        throw invalidValue(`'${s.resourceType}' is not a valid taggable resource type for this operation.`);
      }
    }
    const interfaceType = p.str('InterfaceType');
    if (interfaceType !== undefined && !['interface', 'efa', 'efa-only', 'trunk', 'branch'].includes(interfaceType)) {
      throw invalidValue(`Value (${interfaceType}) for parameter InterfaceType is invalid.`);
    }
    const eni = w.createNetworkInterface({
      subnetId,
      description: p.str('Description'),
      groups: p.list('SecurityGroupId'),
      privateIpAddress: p.str('PrivateIpAddress'),
      secondaryPrivateIpAddressCount: positiveCount(p, 'SecondaryPrivateIpAddressCount'),
      ipv4PrefixCount: positiveCount(p, 'Ipv4PrefixCount'),
      ipv6AddressCount: positiveCount(p, 'Ipv6AddressCount'),
      ipv6PrefixCount: positiveCount(p, 'Ipv6PrefixCount'),
      tags: specs.flatMap((s) => s.tags),
      interfaceType,
    });
    return { networkInterface: eniXml(w, eni), clientToken: p.str('ClientToken') };
  },

  AttachNetworkInterface(p, w) {
    const eniId = p.required('NetworkInterfaceId');
    const instanceId = p.required('InstanceId');
    if (!p.has('DeviceIndex')) throw missing('DeviceIndex');
    const deviceIndex = p.int('DeviceIndex', 0, 127)!;
    const card = p.int('NetworkCardIndex', 0, 127);
    const r = w.attachNetworkInterface(eniId, instanceId, deviceIndex, card);
    return { attachmentId: r.attachmentId, networkCardIndex: r.networkCardIndex };
  },

  DetachNetworkInterface(p, w) {
    w.detachNetworkInterface(p.required('AttachmentId'), p.bool('Force') ?? false);
    return ok;
  },

  DeleteNetworkInterface(p, w) {
    w.deleteNetworkInterface(p.required('NetworkInterfaceId'));
    return ok;
  },

  ModifyNetworkInterfaceAttribute(p, w) {
    const eniId = p.required('NetworkInterfaceId');
    const groups = p.list('SecurityGroupId');
    const hasAttachment = p.has('Attachment.AttachmentId') || p.has('Attachment.DeleteOnTermination');
    const hasDesc = p.has('Description.Value');
    const hasSdc = p.has('SourceDestCheck.Value');
    const n = [hasAttachment, groups.length > 0, hasDesc, hasSdc].filter(Boolean).length;
    if (n === 0) throw missing('Attachment, SecurityGroupId, Description or SourceDestCheck');
    if (n > 1) throw new Ec2Error('InvalidParameterCombination', 'Fields for multiple attribute types specified');
    if (hasAttachment) {
      const attachmentId = p.required('Attachment.AttachmentId');
      const dot = p.bool('Attachment.DeleteOnTermination');
      if (dot === undefined) throw missing('Attachment.DeleteOnTermination');
      w.modifyNetworkInterfaceAttribute(eniId, { kind: 'attachment', attachmentId, deleteOnTermination: dot });
    } else if (groups.length) w.modifyNetworkInterfaceAttribute(eniId, { kind: 'groups', groups });
    else if (hasDesc)
      w.modifyNetworkInterfaceAttribute(eniId, { kind: 'description', value: p.str('Description.Value') ?? '' });
    else w.modifyNetworkInterfaceAttribute(eniId, { kind: 'sourceDestCheck', value: p.bool('SourceDestCheck.Value')! });
    return ok;
  },

  AssignPrivateIpAddresses(p, w) {
    const eniId = p.required('NetworkInterfaceId');
    const r = w.assignPrivateIpAddresses(eniId, {
      count: positiveCount(p, 'SecondaryPrivateIpAddressCount'),
      addresses: p.list('PrivateIpAddress'),
      prefixCount: positiveCount(p, 'Ipv4PrefixCount'),
      prefixes: p.list('Ipv4Prefix'),
    });
    return {
      networkInterfaceId: eniId,
      assignedPrivateIpAddressesSet: r.addresses.map((a) => ({ privateIpAddress: formatIpv4(a) })),
      assignedIpv4PrefixSet: r.prefixes.map((x) => ({ ipv4Prefix: `${formatIpv4(x)}/28` })),
    };
  },

  UnassignPrivateIpAddresses(p, w) {
    w.unassignPrivateIpAddresses(p.required('NetworkInterfaceId'), {
      addresses: p.list('PrivateIpAddress'),
      prefixes: p.list('Ipv4Prefix'),
    });
    return ok;
  },

  AssignIpv6Addresses(p, w) {
    const eniId = p.required('NetworkInterfaceId');
    const r = w.assignIpv6Addresses(eniId, {
      count: positiveCount(p, 'Ipv6AddressCount'),
      addresses: p.list('Ipv6Addresses'),
      prefixCount: positiveCount(p, 'Ipv6PrefixCount'),
      prefixes: p.list('Ipv6Prefix'),
    });
    return {
      networkInterfaceId: eniId,
      assignedIpv6Addresses: r.addresses.map(formatIpv6),
      assignedIpv6PrefixSet: r.prefixes.map((x) => `${formatIpv6(x)}/80`),
    };
  },

  UnassignIpv6Addresses(p, w) {
    const eniId = p.required('NetworkInterfaceId');
    const r = w.unassignIpv6Addresses(eniId, { addresses: p.list('Ipv6Addresses'), prefixes: p.list('Ipv6Prefix') });
    return {
      networkInterfaceId: eniId,
      unassignedIpv6Addresses: r.addresses.map(formatIpv6),
      unassignedIpv6PrefixSet: r.prefixes.map((x) => `${formatIpv6(x)}/80`),
    };
  },

  CreateTags(p, w) {
    const resources = p.list('ResourceId');
    if (!resources.length) throw missing('ResourceId');
    const tags = p.tags('Tag');
    if (!tags.length) throw missing('Tag');
    w.createTags(resources, tags);
    return ok;
  },

  DescribeTags(p, w) {
    const filters = p.filters();
    const known = ['resource-id', 'resource-type', 'key', 'value'];
    checkFilterNames(filters, (n) => known.includes(n));
    const maxResults = p.int('MaxResults', 0, 100_000);
    const rows: { resourceId: string; resourceType: string; key: string; value: string }[] = [];
    const add = (resourceId: string, resourceType: string, tags: Map<string, string>): void => {
      for (const [key, value] of tags) rows.push({ resourceId, resourceType, key, value });
    };
    for (const v of w.vpcs.values()) add(v.vpcId, 'vpc', v.tags);
    for (const s of w.subnets.values()) add(s.subnetId, 'subnet', s.tags);
    for (const i of w.instances.values()) add(i.instanceId, 'instance', i.tags);
    for (const e of w.enis.values()) add(e.networkInterfaceId, 'network-interface', e.tags);
    const fields = (r: (typeof rows)[number], n: string): string[] | undefined =>
      n === 'resource-id'
        ? [r.resourceId]
        : n === 'resource-type'
          ? [r.resourceType]
          : n === 'key'
            ? [r.key]
            : n === 'value'
              ? [r.value]
              : undefined;
    const items = applyFilters(rows, filters, fields, undefined);
    const page = paginate(items, (r) => `${r.resourceId}\u0000${r.key}`, {
      maxResults,
      nextToken: p.str('NextToken'),
      min: 5,
      max: 1000,
      action: 'DescribeTags',
    });
    return { tagSet: page.items, nextToken: page.nextToken };
  },
};

// Probes used only to tell known filter names from unknown ones.
const dummyEni = {
  networkInterfaceId: '',
  subnetId: '',
  vpcId: '',
  availabilityZone: '',
  macAddress: '',
  description: '',
  groups: [],
  tags: new Map(),
  interfaceType: 'interface',
  sourceDestCheck: true,
  primaryIp: 0,
  secondaryIps: [],
  ipv4Prefixes: [],
  ipv6Addresses: [],
  ipv6Prefixes: [],
  createdAt: 0,
} as Eni;
const dummySubnet = {
  subnetId: '',
  vpcId: '',
  availabilityZone: '',
  availabilityZoneId: '',
  cidr: { base: 0, prefixLength: 28 },
  pool: { available: 0 },
  tags: new Map(),
} as unknown as Subnet;
const dummyInstance = {
  instanceId: '',
  instanceType: '',
  vpcId: '',
  subnetId: '',
  availabilityZone: '',
  state: 'running',
  primaryEniId: '',
  tags: new Map(),
} as unknown as Instance;

/** Throttling class of a call: Describe* with ids, filters or MaxResults are `describe`, bare ones `unfilteredDescribe`. */
export function actionClass(action: string, p: QueryParams): 'describe' | 'unfilteredDescribe' | 'mutating' {
  if (!action.startsWith('Describe')) return 'mutating';
  for (const [k] of p.entries()) {
    if (k === 'MaxResults' || k.startsWith('Filter.') || /^[A-Za-z]+Id\.\d+$/.test(k) || /^InstanceType\.\d+$/.test(k))
      return 'describe';
  }
  return 'unfilteredDescribe';
}
