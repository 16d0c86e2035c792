import { type Kernel, type NetnsRef } from '@vpc-cni-ts/sdk/kernel';

import { type HostNetworkConfig } from '../config';
import { type EniLink, type HostNetwork, type Logger } from '../ports';
import { ENI_RULE_PRIORITY, eniRouteTable, KernelEniNetwork } from './eni-network';
import { type HostFirewall } from './host-firewall';
import { HostNetworkReconciler } from './host-network-reconciler';
import { type ConnmarkBackend, type HostNetSettings, strictPodSecurityGroups } from './settings';

/** What the node tells us at start: its primary ENI and the VPC. */
export interface NodeFacts {
  readonly primaryMac: string;
  readonly primaryIPv4: string;
  readonly vpcCidrs: readonly string[];
}

export interface HostNetworkServiceDeps {
  readonly kernel: Kernel;
  /** The node's namespace: the host in production, a namespace playing the node in tests. */
  readonly netns: NetnsRef;
  readonly firewall: HostFirewall;
  /** `iptables --version` says legacy or nf_tables: upstream puts outbound connmark in nft unless legacy. */
  readonly detectIptablesBackend: () => Promise<'legacy' | 'nf_tables'>;
  readonly config: HostNetworkConfig;
  readonly ipv6: boolean;
  readonly logger: Logger;
  /** Called with the number of changes each time something on the host had removed our rules, routes or links. */
  readonly onRepair?: (changes: number) => void;
  /** Finding an ENI link by MAC: attempts and pause. */
  readonly findAttempts?: number;
  readonly findIntervalMs?: number;
}

/** Settings of the host rules, from ipamd's configuration and the node's facts. Pure. */
export function hostNetSettings(
  cfg: HostNetworkConfig,
  ipv6: boolean,
  node: NodeFacts,
  primaryInterface: string,
  backend: ConnmarkBackend,
): HostNetSettings {
  return {
    ipv6Mode: ipv6,
    primaryInterface,
    primaryIPv4: node.primaryIPv4,
    vpcCidrs: [...node.vpcCidrs],
    excludeSnatCidrs: [...cfg.excludeSnatCidrs],
    externalSnat: cfg.externalSnat,
    randomizeSnat: cfg.randomizeSnat,
    nodePortSupport: cfg.nodePortSupport,
    connmark: cfg.connmark,
    vethPrefix: cfg.vethPrefix,
    externalServiceCidrs: [...cfg.externalServiceCidrs],
    v6Egress: ipv6 ? false : cfg.enableV6Egress,
    connmarkBackend: backend,
    enablePodEni: cfg.enablePodEni,
    podSecurityGroupEnforcingMode: cfg.podSecurityGroupEnforcingMode,
  };
}

/**
 * ipamd's host networking: the node-wide rules (SNAT, connmark, ip rules) and the links of secondary ENIs.
 * Implements the pool manager's `HostNetwork` port. `start()` reconciles the rules once; `startSelfRepair()` then
 * re-checks rules and ENI links every few seconds and puts back whatever something else on the host removed.
 */
export class HostNetworkService implements HostNetwork {
  private readonly reconciler: HostNetworkReconciler;
  private readonly enis: KernelEniNetwork;
  private readonly known = new Map<string, EniLink & { subnetCidr: string }>();
  private settings?: HostNetSettings;
  private stopRepair?: () => void;
  private readonly log: Logger;

  constructor(private readonly d: HostNetworkServiceDeps) {
    this.reconciler = new HostNetworkReconciler(d.firewall);
    this.enis = new KernelEniNetwork(d.kernel, d.netns, {
      mtu: d.config.eniMtu,
      findAttempts: d.findAttempts,
      findIntervalMs: d.findIntervalMs,
    });
    this.log = d.logger.child({ component: 'hostnet' });
  }

  /** Finds the primary interface, sets its MTU, decides the rule set and applies it. */
  async start(node: NodeFacts): Promise<HostNetSettings> {
    const primary = await this.d.kernel.findLinkByMac(this.d.netns, node.primaryMac);
    if (!primary) throw new Error(`host networking: no interface with the primary ENI's MAC ${node.primaryMac}`);
    await this.d.kernel.batch(this.d.netns).setLinkMtu(primary.name, this.d.config.eniMtu).commit();
    const backend = (await this.d.detectIptablesBackend()) === 'legacy' ? 'iptables' : 'nftables';
    this.settings = hostNetSettings(this.d.config, this.d.ipv6, node, primary.name, backend);
    const { changes, blockedIpRules } = await this.reconciler.reconcile(this.settings);
    this.log.info(
      {
        primaryInterface: primary.name,
        connmarkBackend: backend,
        strictPodSecurityGroups: strictPodSecurityGroups(this.settings),
        changes,
      },
      'host rules reconciled',
    );
    if (blockedIpRules.length > 0) {
      this.log.warn(
        { rules: blockedIpRules },
        'ip rules of ours left in place: a rule ipamd does not own would be deleted instead',
      );
    }
    return this.settings;
  }

  /** VPC CIDRs changed (IMDS is re-read periodically): reconcile the SNAT and connmark exemptions. */
  async updateVpcCidrs(vpcCidrs: readonly string[]): Promise<void> {
    if (!this.settings) return;
    this.settings = { ...this.settings, vpcCidrs: [...vpcCidrs] };
    await this.reconciler.reconcile(this.settings);
  }

  async setupEni(eni: EniLink): Promise<void> {
    if (!eni.subnetCidr)
      throw new Error(`host networking: ENI ${eni.eniId} has no subnet CIDR; cannot set up its route table`);
    const spec = { ...eni, subnetCidr: eni.subnetCidr };
    await this.enis.setupEni(spec);
    this.known.set(eni.eniId, spec);
  }

  async teardownEni(eni: EniLink): Promise<void> {
    this.known.delete(eni.eniId);
    await this.enis.teardownEni(eni);
  }

  /** One repair pass: rules, then every known ENI whose rule or default route is gone. Returns the changes made. */
  async repairOnce(): Promise<number> {
    let changes = 0;
    if (this.settings) changes += (await this.reconciler.reconcile(this.settings)).changes;
    if (this.known.size === 0) return changes;
    const rules = await this.d.kernel.listRules(this.d.netns, 4);
    for (const eni of this.known.values()) {
      const table = eniRouteTable(eni.deviceNumber);
      const hasRule = rules.some(
        (r) => r.priority === ENI_RULE_PRIORITY && r.table === table && r.from?.startsWith(`${eni.primaryIp}/`),
      );
      const routes = await this.d.kernel.listRoutes(this.d.netns, { table, family: 4 });
      if (hasRule && routes.some((r) => r.dst === 'default')) continue;
      await this.enis.setupEni(eni);
      changes += 1;
    }
    return changes;
  }

  /** Re-checks every `intervalMs`; each pass that changed something is a repair. */
  startSelfRepair(intervalMs: number): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.repairOnce()
        .then((n) => {
          if (n > 0) {
            this.log.warn({ changes: n }, 'host rules or ENI routes had been removed by something else; put back');
            this.d.onRepair?.(n);
          }
        })
        .catch((e: unknown) => this.log.error({ err: (e as Error).message }, 'host network repair pass failed'))
        .finally(() => (running = false));
    }, intervalMs);
    timer.unref();
    this.stopRepair = () => clearInterval(timer);
  }

  stop(): void {
    this.stopRepair?.();
  }
}
