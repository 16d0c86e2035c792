// SPDX-License-Identifier: Apache-2.0

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Warm-pool settings (notes 4.4); all counts already normalized (non-positive targets become 0). */
export interface PoolConfig {
  /** WARM_ENI_TARGET, default 1 (negative becomes 1, as upstream). */
  readonly warmEniTarget: number;
  /** WARM_IP_TARGET, 0 = unset. */
  readonly warmIpTarget: number;
  /** MINIMUM_IP_TARGET, 0 = unset. */
  readonly minimumIpTarget: number;
  /** WARM_PREFIX_TARGET, 0 = unset (the upstream manifest sets 1). */
  readonly warmPrefixTarget: number;
  /** MAX_ENI; undefined = the instance type's limit. */
  readonly maxEni: number | undefined;
  readonly prefixDelegation: boolean;
  /** IP_COOLDOWN_PERIOD in seconds (default 30). */
  readonly ipCooldownSeconds: number;
  readonly disableNetworkResourceProvisioning: boolean;
  readonly manageEnisNonSchedulable: boolean;
  /** Max pods on this node (MAX_PODS, ours); undefined = from the instance limits. */
  readonly maxPods: number | undefined;
  readonly enableSubnetDiscovery: boolean;
  readonly disableLeakedEniCleanup: boolean;
  readonly manageUntaggedEni: boolean;
}

/** Timings of the pool manager (ours; upstream hard-codes them). Milliseconds. */
export interface TimingConfig {
  /** IPAMD_POOL_TICK_MS: pool check interval (upstream 2.5 s + 2.5 s), default 5000. */
  readonly poolTickMs: number;
  /** IPAMD_RECONCILE_INTERVAL_MS: IMDS reconcile at most this often after the last pool action, default 60000. */
  readonly reconcileIntervalMs: number;
  /** IPAMD_DECREASE_INTERVAL_MS: minimum gap between releases, default 30000. */
  readonly decreaseIntervalMs: number;
  /** IPAMD_ENI_MIN_AGE_MS: an ENI younger than this is never freed, default 60000. */
  readonly eniMinAgeMs: number;
  /** IPAMD_CAPACITY_BACKOFF_MS: pause after subnet-full / InsufficientCidrBlocks, default 120000. */
  readonly capacityBackoffMs: number;
  /** IPAMD_RELEASE_GRACE_MS: stale IMDS ignored this long after a release (reconcile cooldown), default 60000. */
  readonly releaseGraceMs: number;
  /**
   * IPAMD_RELEASE_QUIET_MS (ours), default 0 (off, as upstream): surplus addresses are released only after the node
   * has been quiet this long (no growth, no pod waiting for an address). The scale simulation used 120000.
   */
  readonly releaseQuietMs: number;
  /** IPAMD_IMDS_WAIT_MS: longest wait for a new ENI to show in IMDS, default 60000. */
  readonly imdsWaitMs: number;
}

/** AWS access. */
export interface AwsConfig {
  /** AWS_EC2_ENDPOINT. */
  readonly ec2Endpoint: string | undefined;
  /** AWS_EC2_METADATA_SERVICE_ENDPOINT (SDK's name), default http://169.254.169.254. */
  readonly imdsEndpoint: string;
  /** AWS_REGION / AWS_DEFAULT_REGION; undefined = from IMDS. */
  readonly region: string | undefined;
  /** HTTP_TIMEOUT seconds (>= 10). */
  readonly httpTimeoutSeconds: number;
  /** EC2 attempts per call including the first (IPAMD_EC2_MAX_ATTEMPTS, default 10). */
  readonly ec2MaxAttempts: number;
  readonly clusterName: string;
  /** ADDITIONAL_ENI_TAGS with reserved keys (containing `k8s.amazonaws.com`) dropped. */
  readonly additionalEniTags: Readonly<Record<string, string>>;
  /** Tag keys dropped from ADDITIONAL_ENI_TAGS (logged at start-up). */
  readonly droppedEniTagKeys: readonly string[];
  readonly vpcCniVersion: string;
}

/** Settings read and validated now but acted on by later parts (host networking, Kubernetes, servers). */
export interface HostNetworkConfig {
  readonly externalSnat: boolean;
  readonly excludeSnatCidrs: readonly string[];
  readonly externalServiceCidrs: readonly string[];
  readonly randomizeSnat: 'prng' | 'hashrandom' | 'none';
  readonly nodePortSupport: boolean;
  readonly connmark: number;
  readonly eniMtu: number;
  readonly vethPrefix: string;
  readonly customNetwork: boolean;
  readonly eniConfigAnnotationDef: string;
  readonly eniConfigLabelDef: string;
  readonly enablePodEni: boolean;
  readonly podSecurityGroupEnforcingMode: 'strict' | 'standard';
  readonly annotatePodIp: boolean;
  readonly enableV6Egress: boolean;
  readonly enableV4Egress: boolean;
  readonly networkPolicyEnforcingMode: '' | 'none' | 'strict' | 'standard';
  readonly enableMultiNic: boolean;
  readonly clusterEndpoint: string | undefined;
  readonly nodeName: string | undefined;
  readonly podName: string | undefined;
  /**
   * VPC_CNI_TS_MANAGE_HOST_NETWORK (ours), default true: host rules and ENI route tables are set up in the namespace
   * ipamd runs in. False keeps them untouched (tests running ipamd in a root namespace that is not the node).
   */
  readonly manageHostNetwork: boolean;
}

/** Servers and files. */
export interface ServerConfig {
  /** IPAMD_SOCKET_PATH (ours), default /var/run/aws-node/ipamd.sock. */
  readonly socketPath: string;
  /** AWS_VPC_K8S_CNI_BACKING_STORE, default /var/run/aws-node/ipam.json. */
  readonly backingStore: string;
  readonly logLevel: LogLevel;
  /** AWS_VPC_K8S_CNI_LOG_FILE: 'stdout', 'stderr' or a path. */
  readonly logFile: string;
  readonly disableMetrics: boolean;
  readonly disableIntrospection: boolean;
  readonly introspectionBindAddress: string;
  /** METRICS_BIND_ADDRESS (ours), default ':61678' (upstream's fixed port, all interfaces). */
  readonly metricsBindAddress: string;
}

/** How ipamd reaches the Kubernetes API server (with CLUSTER_ENDPOINT and MY_NODE_NAME in `hostNetwork`). */
export interface KubeConfig {
  /** VPC_CNI_TS_KUBE_TOKEN_FILE (ours): bearer token used with CLUSTER_ENDPOINT; `ca.crt` beside it, if any, is the CA. */
  readonly tokenFile: string;
  /** KUBERNETES_SERVICE_HOST is set: the pod's service account can be used. */
  readonly inCluster: boolean;
  /** VPC_CNI_TS_NODE_STATUS_INTERVAL_MS (ours), default 10000: how often the Node is re-read for cordon. */
  readonly nodeStatusIntervalMs: number;
}

/** Everything ipamd is configured with, read once at start-up; deeply frozen. */
export interface IpamdConfig {
  readonly ipv4: boolean;
  readonly ipv6: boolean;
  readonly pool: PoolConfig;
  readonly timing: TimingConfig;
  readonly aws: AwsConfig;
  readonly hostNetwork: HostNetworkConfig;
  readonly server: ServerConfig;
  readonly kube: KubeConfig;
}
