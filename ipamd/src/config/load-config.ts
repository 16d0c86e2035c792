// SPDX-License-Identifier: Apache-2.0
import type { IpamdConfig, LogLevel } from './ipamd-config';
import { EnvReader, type Env } from './parse';

/** Start-up stops with this when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid ipamd configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Documentation of every variable ipamd reads, for `ipamd --help` and the README. */
export const ENV_HELP: readonly (readonly [name: string, dflt: string, what: string])[] = [
  ['WARM_ENI_TARGET', '1', 'free ENIs (with all their addresses) to keep'],
  ['WARM_IP_TARGET', 'unset', 'free addresses to keep; overrides WARM_ENI_TARGET/WARM_PREFIX_TARGET'],
  ['MINIMUM_IP_TARGET', 'unset', 'floor on total addresses'],
  ['WARM_PREFIX_TARGET', 'unset', 'free /28 prefixes to keep (prefix delegation)'],
  ['MAX_ENI', 'instance limit', 'cap on attached ENIs'],
  ['ENABLE_PREFIX_DELEGATION', 'false', 'hand out addresses from /28 prefixes'],
  ['ENABLE_IPv4 / ENABLE_IPv6', 'true / false', 'address family (exactly one)'],
  ['IP_COOLDOWN_PERIOD', '30', 'seconds before a released address is reused'],
  ['MAX_PODS', 'from instance type', 'pods this node runs; no addresses beyond it'],
  ['DISABLE_NETWORK_RESOURCE_PROVISIONING', 'false', 'never allocate; use what IMDS shows'],
  ['AWS_MANAGE_ENIS_NON_SCHEDULABLE', 'false', 'allocate/free on an unschedulable node'],
  ['AWS_EC2_ENDPOINT', 'SDK default', 'EC2 endpoint URL'],
  ['AWS_EC2_METADATA_SERVICE_ENDPOINT', 'http://169.254.169.254', 'IMDS endpoint'],
  ['AWS_REGION', 'from IMDS', 'region'],
  ['HTTP_TIMEOUT', '10', 'seconds per EC2 HTTP request (>= 10)'],
  ['CLUSTER_NAME', '""', 'tag new ENIs with the cluster name'],
  ['ADDITIONAL_ENI_TAGS', '{}', 'JSON object of extra ENI tags'],
  ['AWS_VPC_K8S_CNI_BACKING_STORE', '/var/run/aws-node/ipam.json', 'checkpoint file'],
  ['IPAMD_SOCKET_PATH', '/var/run/aws-node/ipamd.sock', 'gRPC unix socket'],
  ['AWS_VPC_K8S_CNI_LOGLEVEL', 'DEBUG', 'DEBUG, INFO, WARN, ERROR, FATAL'],
  ['AWS_VPC_K8S_CNI_LOG_FILE', '/host/var/log/aws-routed-eni/ipamd.log', 'stdout, stderr or a path'],
  ['IPAMD_POOL_TICK_MS', '5000', 'pool check interval'],
  ['IPAMD_RECONCILE_INTERVAL_MS', '60000', 'IMDS reconcile interval'],
  ['IPAMD_DECREASE_INTERVAL_MS', '30000', 'minimum gap between releases'],
  ['IPAMD_ENI_MIN_AGE_MS', '60000', 'ENIs younger than this are kept'],
  ['IPAMD_CAPACITY_BACKOFF_MS', '120000', 'pause after subnet full / no contiguous /28'],
  ['IPAMD_RELEASE_GRACE_MS', '60000', 'ignore stale IMDS this long after a release'],
  ['IPAMD_RELEASE_QUIET_MS', '0', 'release surplus only after this long without growth or waiting pods'],
  ['IPAMD_IMDS_WAIT_MS', '60000', 'wait for a new ENI to appear in IMDS'],
  ['IPAMD_EC2_MAX_ATTEMPTS', '10', 'EC2 attempts per call'],
  ['DISABLE_METRICS', 'false', 'do not serve Prometheus /metrics'],
  ['METRICS_BIND_ADDRESS', ':61678', 'Prometheus /metrics listen address (host:port, :port, unix:/path)'],
  ['DISABLE_INTROSPECTION', 'false', 'do not serve the introspection API'],
  ['INTROSPECTION_BIND_ADDRESS', '127.0.0.1:61679', 'introspection listen address (host:port, :port, unix:/path)'],
  ['VPC_CNI_TS_MANAGE_HOST_NETWORK', 'true', 'set up SNAT/connmark rules and ENI route tables on the host'],
  ['CLUSTER_ENDPOINT', 'in-cluster', 'Kubernetes API server URL (token from VPC_CNI_TS_KUBE_TOKEN_FILE)'],
  [
    'VPC_CNI_TS_KUBE_TOKEN_FILE',
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
    'bearer token for CLUSTER_ENDPOINT',
  ],
  ['VPC_CNI_TS_NODE_STATUS_INTERVAL_MS', '10000', 'how often the Node is re-read (cordon)'],
];

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/**
 * Read and validate ipamd's environment once. Returns a deeply frozen config; throws `ConfigError` naming every
 * invalid variable, its value and what is accepted. The only function in ipamd that looks at the environment.
 */
export function loadConfig(env: Env): IpamdConfig {
  const r = new EnvReader(env);
  const nonNeg = (name: string): number => Math.max(0, r.int(name, 0));

  const ipv6 = r.bool('ENABLE_IPv6', false);
  // Upstream's code default is false while its manifest sets true; we default to "the other family".
  const ipv4 = r.bool('ENABLE_IPv4', !ipv6);
  const prefixDelegation = r.bool('ENABLE_PREFIX_DELEGATION', false);
  if (ipv4 === ipv6) {
    r.problems.push(
      `ENABLE_IPv4=${String(ipv4)} and ENABLE_IPv6=${String(ipv6)}: exactly one address family must be enabled (dual stack is not supported)`,
    );
  }
  if (ipv6 && !prefixDelegation) r.problems.push('ENABLE_IPv6=true requires ENABLE_PREFIX_DELEGATION=true');

  const warmEniRaw = r.int('WARM_ENI_TARGET', 1);
  const maxEniRaw = r.int('MAX_ENI', -1);
  const maxPodsRaw = r.int('MAX_PODS', 0, 0, 100000);

  const tagsRaw = r.raw('ADDITIONAL_ENI_TAGS');
  const additionalEniTags: Record<string, string> = {};
  const droppedEniTagKeys: string[] = [];
  if (tagsRaw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tagsRaw);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== 'string')
    ) {
      r.problems.push(
        `ADDITIONAL_ENI_TAGS=${JSON.stringify(tagsRaw)} is invalid: expected a JSON object of string values, e.g. {"team":"net"}`,
      );
    } else {
      for (const [k, v] of Object.entries(parsed as Record<string, string>)) {
        if (k.includes('k8s.amazonaws.com')) droppedEniTagKeys.push(k);
        else if (k.length === 0 || k.length > 128 || v.length > 256)
          r.problems.push(
            `ADDITIONAL_ENI_TAGS key ${JSON.stringify(k)} is invalid: keys are 1-128 characters, values at most 256`,
          );
        else additionalEniTags[k] = v;
      }
    }
  }

  const connmarkRaw = r.raw('AWS_VPC_K8S_CNI_CONNMARK');
  let connmark = 0x80;
  if (connmarkRaw !== undefined) {
    const n = /^0x[0-9a-f]+$/i.test(connmarkRaw)
      ? parseInt(connmarkRaw, 16)
      : /^0[0-7]*$/.test(connmarkRaw)
        ? parseInt(connmarkRaw, 8)
        : /^\d+$/.test(connmarkRaw)
          ? Number(connmarkRaw)
          : NaN;
    if (!(n >= 1 && n <= 0xffffffff))
      r.problems.push(
        `AWS_VPC_K8S_CNI_CONNMARK=${JSON.stringify(connmarkRaw)} is invalid: expected an integer 1..2^32-1 (decimal, 0x hex or 0 octal)`,
      );
    else connmark = n;
  }
  const mtu = r.int('AWS_VPC_ENI_MTU', 9001, ipv6 ? 1280 : 576, 9001);
  const vethPrefix = r.str('AWS_VPC_K8S_CNI_VETHPREFIX', 'eni');
  if (vethPrefix.length > 4 || ['eth', 'lo', 'vlan'].includes(vethPrefix) || !/^[a-zA-Z0-9_-]+$/.test(vethPrefix)) {
    r.problems.push(
      `AWS_VPC_K8S_CNI_VETHPREFIX=${JSON.stringify(vethPrefix)} is invalid: at most 4 characters [a-zA-Z0-9_-], not eth, lo or vlan`,
    );
  }
  const level = r.enumOf('AWS_VPC_K8S_CNI_LOGLEVEL', ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const, 'DEBUG');
  const logFile = r.str('AWS_VPC_K8S_CNI_LOG_FILE', '/host/var/log/aws-routed-eni/ipamd.log');
  if (logFile !== 'stdout' && logFile !== 'stderr' && !logFile.startsWith('/')) {
    r.problems.push(
      `AWS_VPC_K8S_CNI_LOG_FILE=${JSON.stringify(logFile)} is invalid: expected stdout, stderr or an absolute path`,
    );
  }
  const region = r.raw('AWS_REGION') ?? r.raw('AWS_DEFAULT_REGION');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    r.problems.push(`AWS_REGION=${JSON.stringify(region)} is invalid: expected a region name like us-west-2`);
  }

  const config: IpamdConfig = {
    ipv4,
    ipv6,
    pool: {
      warmEniTarget: warmEniRaw < 0 ? 1 : warmEniRaw,
      warmIpTarget: nonNeg('WARM_IP_TARGET'),
      minimumIpTarget: nonNeg('MINIMUM_IP_TARGET'),
      warmPrefixTarget: nonNeg('WARM_PREFIX_TARGET'),
      maxEni: maxEniRaw > 0 ? maxEniRaw : undefined,
      prefixDelegation,
      ipCooldownSeconds: r.int('IP_COOLDOWN_PERIOD', 30, 0, 86400),
      disableNetworkResourceProvisioning: r.bool('DISABLE_NETWORK_RESOURCE_PROVISIONING', false),
      manageEnisNonSchedulable: r.bool('AWS_MANAGE_ENIS_NON_SCHEDULABLE', false),
      maxPods: maxPodsRaw > 0 ? maxPodsRaw : undefined,
      enableSubnetDiscovery: r.bool('ENABLE_SUBNET_DISCOVERY', true),
      disableLeakedEniCleanup: r.bool('DISABLE_LEAKED_ENI_CLEANUP', false),
      manageUntaggedEni: r.bool('MANAGE_UNTAGGED_ENI', true),
    },
    timing: {
      poolTickMs: r.int('IPAMD_POOL_TICK_MS', 5000, 10, 3_600_000),
      reconcileIntervalMs: r.int('IPAMD_RECONCILE_INTERVAL_MS', 60_000, 0, 86_400_000),
      decreaseIntervalMs: r.int('IPAMD_DECREASE_INTERVAL_MS', 30_000, 0, 86_400_000),
      eniMinAgeMs: r.int('IPAMD_ENI_MIN_AGE_MS', 60_000, 0, 86_400_000),
      capacityBackoffMs: r.int('IPAMD_CAPACITY_BACKOFF_MS', 120_000, 0, 86_400_000),
      releaseGraceMs: r.int('IPAMD_RELEASE_GRACE_MS', 60_000, 0, 86_400_000),
      releaseQuietMs: r.int('IPAMD_RELEASE_QUIET_MS', 0, 0, 86_400_000),
      imdsWaitMs: r.int('IPAMD_IMDS_WAIT_MS', 60_000, 0, 3_600_000),
    },
    aws: {
      ec2Endpoint: r.url('AWS_EC2_ENDPOINT'),
      imdsEndpoint: r.url('AWS_EC2_METADATA_SERVICE_ENDPOINT') ?? 'http://169.254.169.254',
      region,
      httpTimeoutSeconds: r.int('HTTP_TIMEOUT', 10, 10, 600),
      ec2MaxAttempts: r.int('IPAMD_EC2_MAX_ATTEMPTS', 10, 1, 50),
      clusterName: r.str('CLUSTER_NAME', ''),
      additionalEniTags,
      droppedEniTagKeys,
      vpcCniVersion: r.str('VPC_CNI_VERSION', 'vpc-cni-ts'),
    },
    hostNetwork: {
      externalSnat: r.bool('AWS_VPC_K8S_CNI_EXTERNALSNAT', false),
      excludeSnatCidrs: r.ipv4Cidrs('AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS'),
      externalServiceCidrs: r.ipv4Cidrs('AWS_EXTERNAL_SERVICE_CIDRS'),
      randomizeSnat: r.enumOf('AWS_VPC_K8S_CNI_RANDOMIZESNAT', ['prng', 'hashrandom', 'none'] as const, 'prng'),
      nodePortSupport: r.bool('AWS_VPC_CNI_NODE_PORT_SUPPORT', true),
      connmark,
      eniMtu: mtu,
      vethPrefix,
      customNetwork: r.bool('AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', false),
      eniConfigAnnotationDef: r.str('ENI_CONFIG_ANNOTATION_DEF', 'k8s.amazonaws.com/eniConfig'),
      eniConfigLabelDef: r.str('ENI_CONFIG_LABEL_DEF', 'k8s.amazonaws.com/eniConfig'),
      enablePodEni: r.bool('ENABLE_POD_ENI', false),
      podSecurityGroupEnforcingMode: r.enumOf(
        'POD_SECURITY_GROUP_ENFORCING_MODE',
        ['strict', 'standard'] as const,
        'strict',
      ),
      annotatePodIp: r.bool('ANNOTATE_POD_IP', false),
      enableV6Egress: r.bool('ENABLE_V6_EGRESS', false),
      enableV4Egress: r.bool('ENABLE_V4_EGRESS', true),
      networkPolicyEnforcingMode: r.enumOf(
        'NETWORK_POLICY_ENFORCING_MODE',
        ['', 'none', 'strict', 'standard'] as const,
        '',
      ),
      enableMultiNic: r.bool('ENABLE_MULTI_NIC', false),
      clusterEndpoint: r.url('CLUSTER_ENDPOINT'),
      nodeName: r.raw('MY_NODE_NAME'),
      podName: r.raw('MY_POD_NAME'),
      manageHostNetwork: r.bool('VPC_CNI_TS_MANAGE_HOST_NETWORK', true),
    },
    server: {
      socketPath: r.path('IPAMD_SOCKET_PATH', '/var/run/aws-node/ipamd.sock'),
      backingStore: r.path('AWS_VPC_K8S_CNI_BACKING_STORE', '/var/run/aws-node/ipam.json'),
      logLevel: level.toLowerCase() as LogLevel,
      logFile,
      disableMetrics: r.bool('DISABLE_METRICS', false),
      disableIntrospection: r.bool('DISABLE_INTROSPECTION', false),
      introspectionBindAddress: r.str('INTROSPECTION_BIND_ADDRESS', '127.0.0.1:61679'),
      metricsBindAddress: r.str('METRICS_BIND_ADDRESS', ':61678'),
    },
    kube: {
      tokenFile: r.path('VPC_CNI_TS_KUBE_TOKEN_FILE', '/var/run/secrets/kubernetes.io/serviceaccount/token'),
      inCluster: !!r.raw('KUBERNETES_SERVICE_HOST'),
      nodeStatusIntervalMs: Math.max(100, r.int('VPC_CNI_TS_NODE_STATUS_INTERVAL_MS', 10_000)),
    },
  };
  if (config.ipv6 && config.hostNetwork.customNetwork)
    r.problems.push('ENABLE_IPv6=true cannot be combined with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true');
  if (config.hostNetwork.customNetwork && !config.hostNetwork.nodeName)
    r.problems.push(
      'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true needs MY_NODE_NAME (the node whose ENIConfig is read; the manifest sets it from spec.nodeName)',
    );
  if (r.problems.length) throw new ConfigError(r.problems);
  return deepFreeze(config);
}
