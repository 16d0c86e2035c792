// SPDX-License-Identifier: Apache-2.0
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';

import { HOST_NETNS, IpRoute2Kernel, ToolFirewall } from '@vpc-cni-ts/sdk/kernel';

import { ImdsClient } from './adapters/imds';
import { SdkEc2Api } from './adapters/ec2';
import { FileCheckpoint } from './checkpoint';
import type { IpamdConfig } from './config';
import type { NodeInfo } from './pool';
import { IpamdDaemon, IpamdRuntime, StartupError, type SideService } from './daemon';
import { LeakedEniCleanupJob, SdkHygieneApi } from './eni-hygiene';
import { DiscoveryPlacement, SdkSubnetDirectory, SubnetDiscovery } from './subnets';
import { CustomNetworkPlacement } from './custom-networking';
import { ExecHostFirewall, HostNetworkService } from './hostnet';
import { IntrospectionServer, daemonSources } from './introspection';
import {
  ClientNodeKubeApi,
  KubeNodeStatus,
  PodIpAnnotator,
  eniConfigNameFor,
  type KubeApi,
  kubeConnectionFor,
  kubeNeeds,
  requestCniNodeFeatures,
  waitForApiServer,
} from './kube';
import { DatastoreGaugeRefresher, MetricsServer, PromMetrics } from './metrics';
import { AlwaysSchedulable, NoopHostNetwork, SystemClock, type Logger } from './ports';
import { KernelTrunkLinkIndex, branchPodsFor } from './sgp';
import { TOKENS, resolve } from './tokens';

/** Config, logger, clock and metrics. */
export function registerCoreModule(c: DependencyContainer, config: IpamdConfig, logger: Logger): void {
  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: logger });
  c.register(TOKENS.Clock, { useFactory: instanceCachingFactory(() => new SystemClock()) });
  c.register(TOKENS.PromMetrics, {
    useFactory: instanceCachingFactory((x) => {
      const m = new PromMetrics();
      m.setBuildInfo(resolve(x, TOKENS.Config).aws.vpcCniVersion, `node ${process.version}`);
      return m;
    }),
  });
  c.register(TOKENS.Metrics, { useFactory: (x) => resolve(x, TOKENS.PromMetrics) });
}

/** IMDS (needed first: it tells the region) and EC2. */
export function registerAwsModule(c: DependencyContainer, region: string): void {
  c.register(TOKENS.EniPlacementFor, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      const directory = new SdkSubnetDirectory({
        region,
        endpoint: cfg.aws.ec2Endpoint,
        httpTimeoutMs: cfg.aws.httpTimeoutSeconds * 1000,
        metrics: resolve(x, TOKENS.PromMetrics),
      });
      return (node: NodeInfo) => {
        const discovery = new SubnetDiscovery({
          directory,
          logger: resolve(x, TOKENS.Logger),
          node: {
            vpcId: node.vpcId,
            availabilityZone: node.identity.availabilityZone,
            primarySubnetId: node.primarySubnetId,
          },
          config: { enableSubnetDiscovery: cfg.pool.enableSubnetDiscovery, clusterName: cfg.aws.clusterName },
        });
        const byDiscovery = new DiscoveryPlacement(discovery);
        const h = cfg.hostNetwork;
        if (!h.customNetwork) return byDiscovery;
        const kube = resolve(x, TOKENS.KubeApi);
        if (!kube || !h.nodeName)
          throw new StartupError(
            'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true needs the Kubernetes API (CLUSTER_ENDPOINT or in-cluster) and MY_NODE_NAME',
          );
        return new CustomNetworkPlacement({
          kube,
          nodeName: h.nodeName,
          keys: { annotationKey: h.eniConfigAnnotationDef, labelKey: h.eniConfigLabelDef },
          logger: resolve(x, TOKENS.Logger),
          alsoExcluded: (enis) => byDiscovery.excludedEnis(enis),
        });
      };
    }),
  });
  // One job per process, created when the daemon knows the VPC (start-up pass first, then the hourly schedule).
  let job: LeakedEniCleanupJob | undefined;
  c.register(TOKENS.LeakedEniJob, {
    useFactory: (x) => (vpcId: string) => {
      const cfg = resolve(x, TOKENS.Config);
      job ??= new LeakedEniCleanupJob({
        api: new SdkHygieneApi({
          region,
          endpoint: cfg.aws.ec2Endpoint,
          httpTimeoutMs: cfg.aws.httpTimeoutSeconds * 1000,
          metrics: resolve(x, TOKENS.PromMetrics),
        }),
        clock: resolve(x, TOKENS.Clock),
        logger: resolve(x, TOKENS.Logger),
        metrics: resolve(x, TOKENS.Metrics),
        vpcId,
        clusterName: cfg.aws.clusterName,
        switches: {
          ipv6: cfg.ipv6,
          disableNetworkResourceProvisioning: cfg.pool.disableNetworkResourceProvisioning,
          disableLeakedEniCleanup: cfg.pool.disableLeakedEniCleanup,
        },
      });
      return job;
    },
  });
  c.register(TOKENS.Ec2Api, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      return new SdkEc2Api(
        {
          region,
          endpoint: cfg.aws.ec2Endpoint,
          httpTimeoutMs: cfg.aws.httpTimeoutSeconds * 1000,
          maxAttempts: cfg.aws.ec2MaxAttempts,
          userAgent: `amazon-vpc-cni-k8s/${cfg.aws.vpcCniVersion}`,
        },
        resolve(x, TOKENS.Clock),
        resolve(x, TOKENS.Metrics),
        resolve(x, TOKENS.Logger),
      );
    }),
  });
}

export function registerImdsModule(c: DependencyContainer): void {
  c.register(TOKENS.Imds, {
    useFactory: instanceCachingFactory(
      (x) => new ImdsClient({ endpoint: resolve(x, TOKENS.Config).aws.imdsEndpoint }, resolve(x, TOKENS.Clock)),
    ),
  });
}

/** Checkpoint file, host-network seam, and the daemon. */
export function registerDaemonModule(c: DependencyContainer): void {
  c.register(TOKENS.Checkpoint, {
    useFactory: instanceCachingFactory((x) => new FileCheckpoint(resolve(x, TOKENS.Config).server.backingStore)),
  });
  c.register(TOKENS.HostNetworkService, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      if (!cfg.hostNetwork.manageHostNetwork) return undefined as unknown as HostNetworkService;
      const metrics = resolve(x, TOKENS.Metrics);
      return new HostNetworkService({
        kernel: new IpRoute2Kernel(),
        netns: HOST_NETNS,
        firewall: new ExecHostFirewall(),
        detectIptablesBackend: () => new ToolFirewall().detectBackend(),
        config: cfg.hostNetwork,
        ipv6: cfg.ipv6,
        logger: resolve(x, TOKENS.Logger),
        onRepair: (n) => metrics.inc('awscni_host_rules_repaired_total', {}, n),
      });
    }),
  });
  c.register(TOKENS.HostNetwork, {
    useFactory: instanceCachingFactory((x) => {
      const svc = resolve(x, TOKENS.HostNetworkService);
      if (svc) return svc;
      resolve(x, TOKENS.Logger).warn(
        'VPC_CNI_TS_MANAGE_HOST_NETWORK=false: host rules (SNAT, connmark, ip rules) and ENI route tables are not set up',
      );
      return new NoopHostNetwork();
    }),
  });
  c.register(TOKENS.NodeStatus, {
    useFactory: instanceCachingFactory((x) => resolve(x, TOKENS.KubeNodeStatus) ?? new AlwaysSchedulable()),
  });
  c.register(TOKENS.Daemon, {
    useFactory: instanceCachingFactory(
      (x) =>
        new IpamdDaemon({
          config: resolve(x, TOKENS.Config),
          ec2: resolve(x, TOKENS.Ec2Api),
          imds: resolve(x, TOKENS.Imds),
          clock: resolve(x, TOKENS.Clock),
          logger: resolve(x, TOKENS.Logger),
          metrics: resolve(x, TOKENS.Metrics),
          checkpoint: resolve(x, TOKENS.Checkpoint),
          hostNetwork: resolve(x, TOKENS.HostNetwork),
          nodeStatus: resolve(x, TOKENS.NodeStatus),
          setUpHost: hostSetup(resolve(x, TOKENS.HostNetworkService), resolve(x, TOKENS.PromMetrics)),
          podHooks: podHooks(resolve(x, TOKENS.Config), resolve(x, TOKENS.KubeApi)),
          branchPodsFor: branchPodsFor(
            resolve(x, TOKENS.Config),
            resolve(x, TOKENS.KubeApi),
            resolve(x, TOKENS.Logger),
            () => new KernelTrunkLinkIndex(new IpRoute2Kernel(), HOST_NETNS),
          ),
          placementFor: resolve(x, TOKENS.EniPlacementFor),
          cleanUpLeakedEnis: async (node) => {
            await resolve(x, TOKENS.LeakedEniJob)(node.vpcId).runStartupPass(node.identity.instanceId);
          },
        }),
    ),
  });
}

/**
 * The Kubernetes API, built only when a feature needs it (custom networking, SGP, ANNOTATE_POD_IP) or the node can
 * be read (MY_NODE_NAME), and a connection is known (CLUSTER_ENDPOINT or in-cluster). The client module loads lazily.
 */
export function registerKubeModule(c: DependencyContainer): void {
  c.register(TOKENS.KubeApi, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      const needs = kubeNeeds(cfg);
      if (!needs.required.length && !needs.nodeName) return undefined as unknown as ClientNodeKubeApi;
      const conn = kubeConnectionFor(cfg);
      return (conn ? new ClientNodeKubeApi(conn) : undefined) as unknown as ClientNodeKubeApi;
    }),
  });
  c.register(TOKENS.KubeNodeStatus, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      const kube = resolve(x, TOKENS.KubeApi);
      if (!kube || !cfg.hostNetwork.nodeName) return undefined as unknown as KubeNodeStatus;
      return new KubeNodeStatus(
        kube,
        cfg.hostNetwork.nodeName,
        resolve(x, TOKENS.Clock),
        resolve(x, TOKENS.Logger),
        cfg.kube.nodeStatusIntervalMs,
      );
    }),
  });
}

/** ANNOTATE_POD_IP: the pod's address in `vpc.amazonaws.com/pod-ips` after ADD, cleared after DEL. */
function podHooks(cfg: IpamdConfig, kube: KubeApi | undefined) {
  if (!cfg.hostNetwork.annotatePodIp || !kube) return undefined;
  const ann = new PodIpAnnotator(kube);
  return {
    added: async (g: { address: string; metadata: { k8sPodNamespace?: string; k8sPodName?: string } }) => {
      const { k8sPodNamespace: ns, k8sPodName: name } = g.metadata;
      if (ns && name) await ann.annotate(ns, name, g.address);
    },
    deleted: async (g: { address: string; metadata: { k8sPodNamespace?: string; k8sPodName?: string } }) => {
      const { k8sPodNamespace: ns, k8sPodName: name } = g.metadata;
      if (ns && name) await ann.clear(ns, name, g.address);
    },
  };
}

/** Steps run before the daemon starts: wait for a needed API server, CNINode features, the first node read. */
function kubeStartup(x: DependencyContainer): SideService[] {
  const cfg = resolve(x, TOKENS.Config);
  const kube = resolve(x, TOKENS.KubeApi);
  const logger = resolve(x, TOKENS.Logger).child({ component: 'kube' });
  const clock = resolve(x, TOKENS.Clock);
  const needs = kubeNeeds(cfg);
  const out: SideService[] = [];
  if (needs.required.length) {
    out.push({
      name: 'api-server',
      beforeDaemon: true,
      start: async (signal) => {
        if (!kube)
          throw new StartupError(
            `${needs.required.join(', ')} need the Kubernetes API server: set CLUSTER_ENDPOINT or run in a pod (KUBERNETES_SERVICE_HOST)`,
          );
        await waitForApiServer(kube, clock, logger, needs.required, signal).catch((e) => {
          throw new StartupError(`Kubernetes API server: ${(e as Error).message}`, { cause: e });
        });
        if (cfg.hostNetwork.enablePodEni && cfg.hostNetwork.nodeName) {
          const h = cfg.hostNetwork;
          await requestCniNodeFeatures(kube, h.nodeName!, {
            podEni: true,
            customNetwork: h.customNetwork,
            annotationKey: h.eniConfigAnnotationDef,
            labelKey: h.eniConfigLabelDef,
          }).then(
            (f) => f && logger.info({ features: f }, 'CNINode features requested'),
            (e) => {
              resolve(x, TOKENS.Metrics).inc('awscni_ipamd_error_count', { fn: 'cniNodeFeatures' });
              logger.warn({ err: (e as Error).message }, 'could not request CNINode features; SGP pods will wait');
            },
          );
        }
      },
      stop: () => {},
    });
  }
  const ns = resolve(x, TOKENS.KubeNodeStatus);
  if (ns)
    out.push({
      name: 'node-status',
      beforeDaemon: true,
      // One bounded read before the pool is pre-scaled, then the loop; an unreachable API server does not hold start-up.
      start: async () => {
        await Promise.race([ns.refresh(), clock.sleep(5000)]);
        ns.start();
      },
      stop: () => ns.stop(),
    });
  return out;
}

/** ENIConfig name of this node (introspection `/v1/eni-configs`), when custom networking can read it. */
function eniConfigSource(cfg: IpamdConfig, kube: KubeApi | undefined) {
  const h = cfg.hostNetwork;
  if (!kube || !h.nodeName) return undefined;
  return async () =>
    eniConfigNameFor(await kube.getNode(h.nodeName!), {
      annotationKey: h.eniConfigAnnotationDef,
      labelKey: h.eniConfigLabelDef,
    });
}

/** Start-up step of the daemon that installs the node-wide rules, or undefined when host networking is off. */
function hostSetup(svc: HostNetworkService | undefined, prom: PromMetrics) {
  if (!svc) return undefined;
  return async (node: NodeInfo): Promise<void> => {
    const settings = await svc.start({
      primaryMac: node.identity.primaryMac,
      primaryIPv4: node.identity.localIpv4,
      vpcCidrs: node.vpcCidrs,
    });
    prom.setConnmarkBackend(settings.connmarkBackend);
  };
}

/** How often host rules and ENI routes are checked and put back (ours; upstream re-checks on its reconcile). */
export const HOST_REPAIR_INTERVAL_MS = 10_000;

/** Prometheus and introspection servers, the datastore gauges, and the runtime that starts them after the daemon. */
export function registerServersModule(c: DependencyContainer): void {
  c.register(TOKENS.MetricsServer, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      return new MetricsServer({
        metrics: resolve(x, TOKENS.PromMetrics),
        bindAddress: cfg.server.metricsBindAddress,
        disabled: cfg.server.disableMetrics,
        logger: resolve(x, TOKENS.Logger),
      });
    }),
  });
  c.register(TOKENS.IntrospectionServer, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      const src = daemonSources(resolve(x, TOKENS.Daemon), resolve(x, TOKENS.Clock));
      return new IntrospectionServer({
        bindAddress: cfg.server.introspectionBindAddress,
        disabled: cfg.server.disableIntrospection,
        logger: resolve(x, TOKENS.Logger),
        config: cfg,
        datastore: src.datastore,
        pool: src.pool,
        eniConfigName: cfg.hostNetwork.customNetwork ? eniConfigSource(cfg, resolve(x, TOKENS.KubeApi)) : undefined,
      });
    }),
  });
  c.register(TOKENS.GaugeRefresher, {
    useFactory: instanceCachingFactory((x) => {
      const cfg = resolve(x, TOKENS.Config);
      const daemon = resolve(x, TOKENS.Daemon);
      const clock = resolve(x, TOKENS.Clock);
      const src = daemonSources(daemon, clock);
      return new DatastoreGaugeRefresher({
        metrics: resolve(x, TOKENS.PromMetrics),
        view: () => (daemon.store ? src.datastore() : undefined),
        limits: () => daemon.poolManager?.currentTargets(),
        clock,
        intervalMs: cfg.timing.poolTickMs,
        cooldownMs: cfg.pool.ipCooldownSeconds * 1000,
      });
    }),
  });
  c.register(TOKENS.Runtime, {
    useFactory: instanceCachingFactory((x) => {
      const clock = resolve(x, TOKENS.Clock);
      const metricsServer = resolve(x, TOKENS.MetricsServer);
      const introspection = resolve(x, TOKENS.IntrospectionServer);
      const gauges = resolve(x, TOKENS.GaugeRefresher);
      const hostNet = resolve(x, TOKENS.HostNetworkService);
      const services: SideService[] = [
        ...kubeStartup(x),
        { name: 'gauges', start: () => gauges.start(), stop: () => gauges.stop() },
        { name: 'metrics', start: () => void metricsServer.startInBackground(clock), stop: () => metricsServer.stop() },
        {
          name: 'introspection',
          start: () => void introspection.startInBackground(clock),
          stop: () => introspection.stop(),
        },
      ];
      const daemon = resolve(x, TOKENS.Daemon);
      services.push({
        name: 'leaked-eni-cleanup',
        start: () => daemon.node && resolve(x, TOKENS.LeakedEniJob)(daemon.node.vpcId).start(),
        stop: async () => {
          if (daemon.node) await resolve(x, TOKENS.LeakedEniJob)(daemon.node.vpcId).stop();
        },
      });
      if (hostNet)
        services.push({
          name: 'host-repair',
          start: () => hostNet.startSelfRepair(HOST_REPAIR_INTERVAL_MS),
          stop: () => hostNet.stop(),
        });
      return new IpamdRuntime({
        daemon: resolve(x, TOKENS.Daemon),
        clock,
        imds: resolve(x, TOKENS.Imds),
        logger: resolve(x, TOKENS.Logger),
        services,
        onVpcCidrsChanged: hostNet ? (cidrs) => hostNet.updateVpcCidrs(cidrs) : undefined,
      });
    }),
  });
}

/**
 * The one composition root of the `ipamd` executable. Asks IMDS for the region when the environment does not set
 * it (the EC2 client needs it), then wires everything in a child container.
 */
export async function createIpamdContainer(config: IpamdConfig, logger: Logger): Promise<DependencyContainer> {
  const c = rootContainer.createChildContainer();
  registerCoreModule(c, config, logger);
  registerImdsModule(c);
  const region = config.aws.region ?? (await resolve(c, TOKENS.Imds).identity()).region;
  registerAwsModule(c, region);
  registerKubeModule(c);
  registerDaemonModule(c);
  registerServersModule(c);
  return c;
}
