// SPDX-License-Identifier: Apache-2.0
import { CheckpointWriter, type Checkpoint } from '../checkpoint';
import type { IpamdConfig } from '../config';
import { Datastore, statsOf } from '../datastore';
import { lookupInstanceLimits, type InstanceLimits } from '../limits';
import { PoolManager, type NodeInfo } from '../pool';
import type { Clock, Ec2Api, EniPlacement, HostNetwork, Imds, Logger, Metrics, NodeStatus } from '../ports';
import { IpamdGrpcServer } from '../server';
import { IpamService, type PodHooks } from '../service';
import type { BranchPods } from '../sgp';

/** Collaborators of the daemon, wired by the composition root. */
export interface IpamdDaemonDeps {
  readonly config: IpamdConfig;
  readonly ec2: Ec2Api;
  readonly imds: Imds;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly checkpoint: Checkpoint;
  readonly hostNetwork: HostNetwork;
  /** Cordoned-node check; absent = always schedulable. */
  readonly nodeStatus?: NodeStatus;
  /**
   * Node-wide host networking (SNAT, connmark, ip rules), run once the node is described and before anything is
   * served; a rejection stops start-up. Absent = nothing to set up.
   */
  readonly setUpHost?: (node: NodeInfo) => Promise<void>;
  /**
   * Leaked-ENI pass at start-up, after the node's ENIs are loaded and before pre-scaling (deletes this instance's
   * ENIs a crash left `available`). Must not reject for EC2 trouble.
   */
  readonly cleanUpLeakedEnis?: (node: NodeInfo) => Promise<void>;
  /**
   * Placement of new ENIs and exclusion of ENIs for pods, once the node is known (subnet discovery, custom
   * networking); absent = the primary subnet, nothing excluded.
   */
  readonly placementFor?: (node: NodeInfo) => EniPlacement;
  /** After-acknowledgement side effects of ADD/DEL (ANNOTATE_POD_IP). */
  readonly podHooks?: PodHooks;
  /** ENABLE_POD_ENI: branch-ENI pods answered from their annotation, given the pool (which knows the trunk ENI). */
  readonly branchPodsFor?: (pool: PoolManager) => BranchPods;
}

/** Start-up fails with this when the node cannot be described (IMDS down, unknown instance type...). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * ipamd: start-up sequence (notes 4.1) and lifetime. `start()`: read the checkpoint (fail fast on a bad one),
 * describe the node from IMDS, resolve instance limits (table, then DescribeInstanceTypes), load ENIs into the
 * datastore, restore allocations and rewrite the checkpoint, pre-scale the pool once, serve gRPC, then start the pool
 * loop and report SERVING. `stop()`: NOT_SERVING, stop serving, stop the pool loop (no detach on the way out).
 */
export class IpamdDaemon {
  private server: IpamdGrpcServer | undefined;
  private pool: PoolManager | undefined;
  private datastore: Datastore | undefined;
  private nodeInfo: NodeInfo | undefined;
  private readonly log: Logger;

  constructor(private readonly d: IpamdDaemonDeps) {
    this.log = d.logger.child({ component: 'ipamd' });
  }

  async start(): Promise<void> {
    const { config, clock } = this.d;
    const t0 = clock.now();
    const saved = await this.d.checkpoint.load();
    const node = await this.describeNode();
    this.log.info(
      {
        instanceId: node.identity.instanceId,
        instanceType: node.identity.instanceType,
        eniLimit: node.limits.eniLimit,
        ipv4Limit: node.limits.ipv4Limit,
      },
      'node described',
    );
    if (config.aws.droppedEniTagKeys.length)
      this.log.warn(
        { keys: config.aws.droppedEniTagKeys },
        'ADDITIONAL_ENI_TAGS keys containing k8s.amazonaws.com are reserved; ignored',
      );

    if (this.d.setUpHost)
      await this.d.setUpHost(node).catch((e) => {
        throw new StartupError(`host networking: ${(e as Error).message}`, { cause: e });
      });

    if (config.ipv6 && !node.limits.nitro)
      throw new StartupError(
        `ENABLE_IPv6=true needs prefix delegation, which ${node.identity.instanceType} (hypervisor ${node.limits.hypervisor || 'unknown'}, not Nitro) does not support`,
      );
    const datastore = new Datastore({
      prefixMode: config.ipv6 || (config.pool.prefixDelegation && node.limits.nitro),
      cooldownMs: config.pool.ipCooldownSeconds * 1000,
      family: config.ipv6 ? 6 : 4,
    });
    const writer = new CheckpointWriter(this.d.checkpoint, () => datastore.allocations());
    const commit = () => writer.commit();
    // The service exists only after the pool; the pool asks it for waiting pods later, through this holder.
    const late: { service?: IpamService } = {};
    const pool = new PoolManager({
      ...this.d,
      node,
      datastore,
      commit,
      placement: this.d.placementFor?.(node),
      waitingPods: () => late.service?.waitingPods() ?? 0,
    });
    await pool.discover().catch((e) => {
      throw e instanceof StartupError ? e : new StartupError((e as Error).message, { cause: e });
    });
    await this.d.cleanUpLeakedEnis?.(node);

    let restored = 0;
    const dropped: string[] = [];
    for (const rec of saved ?? []) {
      if (datastore.restore(rec)) restored++;
      else dropped.push(`${rec.key.containerId}/${rec.ipv4}`);
    }
    if (dropped.length)
      this.log.warn({ dropped }, 'checkpoint entries whose address no attached ENI holds; presumed stale and dropped');
    await commit();
    this.log.info({ restored, fresh: saved === undefined }, 'datastore restored from checkpoint');

    await pool
      .tick()
      .catch((e) => this.log.warn({ err: (e as Error).message }, 'pre-scaling failed; the pool loop retries'));
    if (config.hostNetwork.customNetwork && statsOf(datastore.snapshot(clock.now())).total === 0) {
      // Upstream's rule: under custom networking a node whose pool is still empty never turns Ready.
      const why = pool.blockReason()?.detail ?? 'no ENI in the ENIConfig subnet could be attached';
      await pool.stop();
      throw new StartupError(`custom networking: no address for pods after pre-scaling: ${why}`);
    }

    const service = new IpamService(
      datastore,
      commit,
      pool,
      clock,
      this.d.metrics,
      this.d.logger,
      config.pool.ipCooldownSeconds,
      this.d.podHooks,
    );
    late.service = service;
    const extras = {
      vpcV4Cidrs: [...node.vpcCidrs, ...(config.hostNetwork.externalSnat ? [] : config.hostNetwork.excludeSnatCidrs)],
      useExternalSnat: config.hostNetwork.externalSnat,
      networkPolicyMode: config.hostNetwork.networkPolicyEnforcingMode,
    };
    const branchPods = this.d.branchPodsFor?.(pool);
    const server = new IpamdGrpcServer(service, config.server.socketPath, this.d.logger, extras, branchPods);
    await server.start();
    pool.start();
    server.setServing(true);
    this.server = server;
    this.pool = pool;
    this.datastore = datastore;
    this.nodeInfo = node;
    this.log.info({ ms: clock.now() - t0, ...pool.stats(), targets: pool.currentTargets() }, 'ipamd ready');
  }

  private async describeNode(): Promise<NodeInfo> {
    let identity;
    let ifaces;
    try {
      identity = await this.d.imds.identity();
      ifaces = await this.d.imds.interfaces();
    } catch (e) {
      throw new StartupError(
        `cannot read instance metadata at ${this.d.config.aws.imdsEndpoint}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const primary = ifaces.find((i) => i.mac === identity.primaryMac) ?? ifaces.find((i) => i.deviceNumber === 0);
    if (!primary)
      throw new StartupError(`instance metadata lists no interface for the primary MAC ${identity.primaryMac}`);
    let limits: InstanceLimits | undefined = lookupInstanceLimits(identity.instanceType);
    if (!limits) {
      this.log.info(
        { instanceType: identity.instanceType },
        'instance type not in the built-in table; asking DescribeInstanceTypes',
      );
      limits = await this.d.ec2.describeInstanceType(identity.instanceType).catch((e) => {
        throw new StartupError(
          `instance type ${identity.instanceType} is not in the limits table and DescribeInstanceTypes failed: ${(e as Error).message}`,
          { cause: e },
        );
      });
      if (!limits)
        throw new StartupError(
          `unknown instance type ${identity.instanceType}: not in the limits table nor known to EC2`,
        );
    }
    return {
      identity,
      limits,
      vpcId: primary.vpcId,
      vpcCidrs: primary.vpcCidrs,
      primaryEniId: primary.eniId,
      primarySubnetId: primary.subnetId,
      securityGroupIds: primary.securityGroupIds,
    };
  }

  /** Datastore (for tests and introspection). Undefined before `start()`. */
  get store(): Datastore | undefined {
    return this.datastore;
  }

  get poolManager(): PoolManager | undefined {
    return this.pool;
  }

  /** What start-up learned about the node. Undefined before `start()` finished. */
  get node(): NodeInfo | undefined {
    return this.nodeInfo;
  }

  async stop(): Promise<void> {
    this.server?.setServing(false);
    await this.server?.stop();
    await this.pool?.stop();
    this.server = undefined;
    this.pool = undefined;
    this.log.info('ipamd stopped');
  }
}
