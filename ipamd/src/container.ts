// SPDX-License-Identifier: Apache-2.0
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';

import { ImdsClient } from './adapters/imds';
import { SdkEc2Api } from './adapters/ec2';
import { FileCheckpoint } from './checkpoint';
import type { IpamdConfig } from './config';
import { IpamdDaemon } from './daemon';
import { AlwaysSchedulable, MemoryMetrics, NoopHostNetwork, SystemClock, type Logger } from './ports';
import { TOKENS, resolve } from './tokens';

/** Config, logger, clock and metrics. */
export function registerCoreModule(c: DependencyContainer, config: IpamdConfig, logger: Logger): void {
  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: logger });
  c.register(TOKENS.Clock, { useFactory: instanceCachingFactory(() => new SystemClock()) });
  // In-memory counters until the Prometheus endpoint lands (later issue); the port stays the same.
  c.register(TOKENS.Metrics, { useFactory: instanceCachingFactory(() => new MemoryMetrics()) });
}

/** IMDS (needed first: it tells the region) and EC2. */
export function registerAwsModule(c: DependencyContainer, region: string): void {
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
  // Seams filled by later work: host networking (hostnet/) and the Kubernetes node view (kube/).
  c.register(TOKENS.HostNetwork, { useFactory: instanceCachingFactory(() => new NoopHostNetwork()) });
  c.register(TOKENS.NodeStatus, { useFactory: instanceCachingFactory(() => new AlwaysSchedulable()) });
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
        }),
    ),
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
  registerDaemonModule(c);
  return c;
}
