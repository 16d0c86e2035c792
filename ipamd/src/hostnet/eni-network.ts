import {
  type Address,
  type Kernel,
  type Link,
  type NetnsRef,
  type RouteSpec,
  type RuleSpec,
  addToIp,
  formatIp,
  networkOf,
  parseCidr,
  parseIp,
} from '@vpc-cni-ts/sdk/kernel';

/** A secondary ENI as the node sees it: found by MAC, routed through its own table. */
export interface EniLinkSpec {
  readonly eniId: string;
  readonly mac: string;
  readonly deviceNumber: number;
  readonly networkCard?: number;
  readonly primaryIp: string;
  /** The ENI subnet's CIDR, e.g. 10.99.32.0/19: the primary address takes its prefix length. */
  readonly subnetCidr: string;
}

/** Priority of the `from <ENI primary> lookup <ENI table>` rule. */
export const ENI_RULE_PRIORITY = 32765;
/** IPv6 ENI gateway (EC2's router as every ENI sees it). */
export const IPV6_ENI_GATEWAY = 'fe80:ec2::1';

/** Route table of an ENI: device N on card 0 -> N + 1 (device 0 is main); card C > 0 -> 10000 + N + 100 C. */
export function eniRouteTable(deviceNumber: number, networkCard = 0): number {
  if (networkCard > 0) return 10_000 + deviceNumber + 100 * networkCard;
  return deviceNumber === 0 ? 254 : deviceNumber + 1;
}

/** The VPC router of a subnet: its base address + 1 (IPv4), or fe80:ec2::1 (IPv6). */
export function eniGateway(subnetCidr: string): string {
  const c = parseCidr(subnetCidr);
  return c.address.family === 6 ? IPV6_ENI_GATEWAY : formatIp(addToIp(networkOf(c).address, 1));
}

/** What making an ENI link usable takes, given what is on it now. */
export interface EniSetupPlan {
  readonly link: string;
  readonly mtu: number;
  readonly table: number;
  /** Global addresses of the ENI's family to remove (stale ones; link-local stays). */
  readonly removeAddresses: readonly string[];
  /** The primary address with the subnet's prefix length, or undefined when already there. */
  readonly addAddress?: string;
  readonly routes: readonly RouteSpec[];
  /** The kernel's connected route in main, removed so subnet traffic does not leave by this ENI. */
  readonly mainRouteToDelete: RouteSpec;
  readonly rule: RuleSpec;
}

/** Decides the set-up of one secondary ENI link (upstream's setupENINetwork facts), from its current addresses. */
export function planEniSetup(spec: EniLinkSpec, link: Link, current: readonly Address[], mtu: number): EniSetupPlan {
  const subnet = networkOf(parseCidr(spec.subnetCidr));
  const family = subnet.address.family;
  const want = `${formatIp(parseIp(spec.primaryIp))}/${subnet.prefix}`;
  const global = current.filter((a) => a.dev === link.name && a.family === family && a.scope === 'global');
  const gw = eniGateway(spec.subnetCidr);
  const table = eniRouteTable(spec.deviceNumber, spec.networkCard);
  const hostLen = family === 4 ? 32 : 128;
  return {
    link: link.name,
    mtu,
    table,
    removeAddresses: global.filter((a) => a.cidr !== want).map((a) => a.cidr),
    addAddress: global.some((a) => a.cidr === want) ? undefined : want,
    routes: [
      { dst: `${gw}/${hostLen}`, dev: link.name, table, scope: 'link' },
      { dst: 'default', via: gw, dev: link.name, table, family },
    ],
    mainRouteToDelete: { dst: `${formatIp(subnet.address)}/${subnet.prefix}`, dev: link.name, table: 'main' },
    rule: { priority: ENI_RULE_PRIORITY, from: `${formatIp(parseIp(spec.primaryIp))}/${hostLen}`, table },
  };
}

export interface EniNetworkOptions {
  /** AWS_VPC_ENI_MTU. */
  readonly mtu: number;
  /** Finding the link by MAC: attempts and pause (upstream: 5 x 3 s; the link can lag the attach). */
  readonly findAttempts?: number;
  readonly findIntervalMs?: number;
}

/**
 * Sets up and tears down secondary ENI links on the node through the kernel port: one query to read the link's
 * addresses, then one batch. Never called for the primary ENI.
 */
export class KernelEniNetwork {
  constructor(
    private readonly kernel: Kernel,
    private readonly netns: NetnsRef,
    private readonly opts: EniNetworkOptions,
  ) {}

  private async findLink(mac: string): Promise<Link> {
    const attempts = this.opts.findAttempts ?? 5;
    for (let i = 0; ; i++) {
      const link = await this.kernel.findLinkByMac(this.netns, mac);
      if (link) return link;
      if (i + 1 >= attempts)
        throw new Error(`no link with MAC ${mac} after ${attempts} attempts: is the ENI attached?`);
      await new Promise((r) => setTimeout(r, this.opts.findIntervalMs ?? 3_000));
    }
  }

  async setupEni(spec: EniLinkSpec): Promise<EniSetupPlan> {
    const link = await this.findLink(spec.mac);
    const addrs = await this.kernel.listAddresses(this.netns, { dev: link.name });
    const plan = planEniSetup(spec, link, addrs, this.opts.mtu);
    const b = this.kernel.batch(this.netns).setLinkMtu(plan.link, plan.mtu).setLinkUp(plan.link);
    for (const a of plan.removeAddresses) b.deleteAddress(plan.link, a, { missingOk: true });
    if (plan.addAddress) b.addAddress({ dev: plan.link, cidr: plan.addAddress }, { existOk: true });
    for (const r of plan.routes) b.replaceRoute(r);
    b.deleteRoute(plan.mainRouteToDelete, { missingOk: true });
    b.addRule(plan.rule, { existOk: true });
    await b.commit();
    return plan;
  }

  /** Removes the ENI's rules and its table's routes; the link itself goes away with the detach. */
  async teardownEni(spec: Pick<EniLinkSpec, 'primaryIp' | 'deviceNumber' | 'networkCard'>): Promise<void> {
    const ip = parseIp(spec.primaryIp);
    const table = eniRouteTable(spec.deviceNumber, spec.networkCard);
    const b = this.kernel.batch(this.netns).deleteRules({ from: `${formatIp(ip)}/${ip.family === 4 ? 32 : 128}` });
    for (const r of await this.kernel.listRoutes(this.netns, { table, family: ip.family })) {
      b.deleteRoute({ dst: r.dst, dev: r.dev, via: r.via, table, family: ip.family }, { missingOk: true });
    }
    await b.commit();
  }
}
