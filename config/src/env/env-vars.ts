import type { EnvValueKind, EnvVarSpec } from './env-var';

const bool: EnvValueKind = { type: 'bool' };
const str: EnvValueKind = { type: 'string' };
const logLevel: EnvValueKind = { type: 'enum', values: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'], caseInsensitive: true };
const nonNegative: EnvValueKind = { type: 'int', min: 0 };
const mtu: EnvValueKind = { type: 'int', min: 576, max: 9001 };

/**
 * Every environment variable the aws-node DaemonSet understands (upstream v1.23.1 names and defaults, see
 * upstream-notes section 9 and the upstream README). Order is the order in the rendered manifest.
 */
export const ENV_VARS: readonly EnvVarSpec[] = Object.freeze([
  // --- address family, pool sizing
  { name: 'ENABLE_IPv4', default: 'true', kind: bool, containers: ['node'], area: 'ipamd', description: 'IPv4 mode (exactly one of ENABLE_IPv4/ENABLE_IPv6); defaults to false when ENABLE_IPv6=true is set' },
  { name: 'ENABLE_IPv6', default: 'false', kind: bool, containers: ['init', 'node'], area: 'ipamd', description: 'IPv6 mode; requires ENABLE_PREFIX_DELEGATION=true, forbids custom networking' },
  { name: 'ENABLE_PREFIX_DELEGATION', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'assign /28 (IPv4) or /80 (IPv6) prefixes instead of single addresses; Nitro only' },
  { name: 'WARM_ENI_TARGET', default: '1', kind: nonNegative, containers: ['node'], area: 'ipamd', description: 'free ENIs (with all their addresses) to keep ready' },
  { name: 'WARM_IP_TARGET', default: undefined, kind: { type: 'int' }, containers: ['node'], area: 'ipamd', description: 'free addresses to keep ready (overrides WARM_ENI_TARGET / WARM_PREFIX_TARGET)' },
  { name: 'MINIMUM_IP_TARGET', default: undefined, kind: { type: 'int' }, containers: ['node'], area: 'ipamd', description: 'floor on the total addresses allocated' },
  { name: 'WARM_PREFIX_TARGET', default: '1', kind: { type: 'int' }, containers: ['node'], area: 'ipamd', description: 'free /28 prefixes to keep ready (prefix delegation)' },
  { name: 'MAX_ENI', default: undefined, kind: { type: 'int' }, containers: ['node'], area: 'ipamd', description: 'cap on attached ENIs (unset or <= 0: the instance type limit)' },
  { name: 'IP_COOLDOWN_PERIOD', default: '30', kind: nonNegative, containers: ['node'], area: 'ipamd', description: 'seconds a released pod address rests before reuse' },
  // --- custom networking, subnets, ENI management
  { name: 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: "custom networking: new ENIs use the node's ENIConfig subnet and security groups" },
  { name: 'ENI_CONFIG_ANNOTATION_DEF', default: 'k8s.amazonaws.com/eniConfig', kind: str, containers: ['node'], area: 'ipamd', description: 'node annotation naming the ENIConfig' },
  { name: 'ENI_CONFIG_LABEL_DEF', default: 'k8s.amazonaws.com/eniConfig', kind: str, containers: ['node'], area: 'ipamd', description: 'node label naming the ENIConfig (e.g. topology.kubernetes.io/zone)' },
  { name: 'ENABLE_SUBNET_DISCOVERY', default: 'true', kind: bool, containers: ['node'], area: 'ipamd', description: 'create secondary ENIs in kubernetes.io/role/cni tagged subnets with the most free addresses' },
  { name: 'ENABLE_POD_ENI', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'security groups for pods (trunk/branch ENIs via the CNINode object)' },
  { name: 'POD_SECURITY_GROUP_ENFORCING_MODE', default: 'strict', kind: { type: 'enum', values: ['strict', 'standard'] }, containers: ['node'], area: 'networking', description: 'traffic handling of branch-ENI pods' },
  { name: 'ANNOTATE_POD_IP', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'annotate pods with vpc.amazonaws.com/pod-ips (adds pods get/patch to the ClusterRole)' },
  { name: 'AWS_MANAGE_ENIS_NON_SCHEDULABLE', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'allocate/free ENIs on a cordoned node' },
  { name: 'MANAGE_UNTAGGED_ENI', default: 'true', kind: bool, containers: ['node'], area: 'ipamd', description: 'manage ENIs that carry no instance_id tag' },
  { name: 'DISABLE_NETWORK_RESOURCE_PROVISIONING', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'never allocate ENIs/addresses; use only what is attached' },
  { name: 'ENABLE_IMDS_ONLY_MODE', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'discover ENIs from IMDS only, no EC2 describe calls' },
  { name: 'DISABLE_LEAKED_ENI_CLEANUP', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'turn off the hourly leaked-ENI cleanup' },
  { name: 'ENABLE_MULTI_NIC', default: 'false', kind: bool, containers: ['node'], area: 'ipamd', description: 'manage network cards other than the default one' },
  { name: 'AWS_VPC_K8S_CNI_BACKING_STORE', default: '/var/run/aws-node/ipam.json', kind: str, containers: ['node'], area: 'ipamd', description: 'checkpoint file of address allocations' },
  { name: 'CLUSTER_NAME', default: undefined, kind: str, containers: ['node'], area: 'ipamd', description: 'cluster name for ENI tags and subnet discovery' },
  { name: 'ADDITIONAL_ENI_TAGS', default: '{}', kind: { type: 'json-object' }, containers: ['node'], area: 'ipamd', description: 'extra tags for ENIs, a JSON object (keys containing k8s.amazonaws.com are dropped)' },
  { name: 'CLUSTER_ENDPOINT', default: undefined, kind: str, containers: ['node'], area: 'ipamd', description: 'API server URL to use instead of the kubernetes service' },
  { name: 'HTTP_TIMEOUT', default: '10', kind: { type: 'int', min: 10 }, containers: ['node'], area: 'ipamd', description: 'EC2 HTTP timeout in seconds (at least 10)' },
  { name: 'AWS_EC2_ENDPOINT', default: undefined, kind: str, containers: ['node'], area: 'ipamd', description: 'custom EC2 endpoint URL' },
  { name: 'VPC_CNI_VERSION', default: undefined, kind: str, containers: ['node'], area: 'ipamd', description: 'version reported in the EC2 user agent; defaults to the image tag' },
  // --- host networking
  { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT', default: 'false', kind: bool, containers: ['node'], area: 'networking', description: 'leave SNAT of off-VPC traffic to an external NAT device' },
  { name: 'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS', default: undefined, kind: { type: 'cidr-list' }, containers: ['node'], area: 'networking', description: 'comma-separated IPv4 CIDRs never SNATed' },
  { name: 'AWS_EXTERNAL_SERVICE_CIDRS', default: undefined, kind: { type: 'cidr-list' }, containers: ['node'], area: 'networking', description: 'comma-separated IPv4 CIDRs always routed via the main table' },
  { name: 'AWS_VPC_K8S_CNI_RANDOMIZESNAT', default: 'prng', kind: { type: 'enum', values: ['prng', 'hashrandom', 'none'] }, containers: ['node'], area: 'networking', description: 'SNAT source-port randomisation' },
  { name: 'AWS_VPC_CNI_NODE_PORT_SUPPORT', default: 'true', kind: bool, containers: ['node'], area: 'networking', description: 'connmark rules so NodePort traffic returns via the primary ENI' },
  { name: 'AWS_VPC_K8S_CNI_CONNMARK', default: '0x80', kind: { type: 'mark', min: 1, max: 2 ** 32 - 1 }, containers: ['node'], area: 'networking', description: 'connection mark for non-VPC traffic (any Go integer literal)' },
  { name: 'AWS_VPC_ENI_MTU', default: '9001', kind: mtu, containers: ['node'], area: 'networking', description: 'MTU of attached ENIs (IPv4 576-9001, IPv6 1280-9001)' },
  { name: 'POD_MTU', default: undefined, kind: mtu, containers: ['node'], area: 'entrypoint', description: 'MTU of pod interfaces; defaults to AWS_VPC_ENI_MTU' },
  { name: 'AWS_VPC_K8S_CNI_VETHPREFIX', default: 'eni', kind: str, containers: ['node'], area: 'networking', description: 'host veth name prefix (at most 4 characters, not eth/lo/vlan)' },
  // --- observability
  { name: 'DISABLE_METRICS', default: 'false', kind: bool, containers: ['node'], area: 'logging', description: 'turn off Prometheus metrics on :61678/metrics' },
  { name: 'DISABLE_INTROSPECTION', default: 'false', kind: bool, containers: ['node'], area: 'logging', description: 'turn off the introspection endpoint' },
  { name: 'INTROSPECTION_BIND_ADDRESS', default: '127.0.0.1:61679', kind: str, containers: ['node'], area: 'logging', description: 'introspection address (host:port or unix:<path>)' },
  { name: 'AWS_VPC_K8S_CNI_LOGLEVEL', default: 'DEBUG', kind: logLevel, containers: ['node'], area: 'logging', description: 'ipamd log level' },
  { name: 'AWS_VPC_K8S_CNI_LOG_FILE', default: '/host/var/log/aws-routed-eni/ipamd.log', kind: str, containers: ['node'], area: 'logging', description: 'ipamd log destination (stdout, stderr or a path)' },
  { name: 'AWS_VPC_K8S_PLUGIN_LOG_FILE', default: '/var/log/aws-routed-eni/plugin.log', kind: str, containers: ['node'], area: 'logging', description: 'aws-cni plugin log (stderr or a host path; never stdout)' },
  { name: 'AWS_VPC_K8S_PLUGIN_LOG_LEVEL', default: 'DEBUG', kind: logLevel, containers: ['node'], area: 'logging', description: 'aws-cni plugin log level' },
  { name: 'AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE', default: '/var/log/aws-routed-eni/egress-v4-plugin.log', kind: str, containers: ['node'], area: 'logging', description: 'egress-cni log in IPv6 clusters' },
  { name: 'AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE', default: '/var/log/aws-routed-eni/egress-v6-plugin.log', kind: str, containers: ['node'], area: 'logging', description: 'egress-cni log in IPv4 clusters' },
  // --- entrypoint / conflist
  { name: 'HOST_CNI_BIN_PATH', default: '/host/opt/cni/bin', kind: str, containers: ['init', 'node'], area: 'entrypoint', description: 'where plugin executables are installed (container path of the host /opt/cni/bin)' },
  { name: 'HOST_CNI_CONFDIR_PATH', default: '/host/etc/cni/net.d', kind: str, containers: ['node'], area: 'entrypoint', description: 'where 10-aws.conflist is written (container path of the host /etc/cni/net.d)' },
  { name: 'ENABLE_BANDWIDTH_PLUGIN', default: 'false', kind: bool, containers: ['node'], area: 'entrypoint', description: 'chain the bandwidth plugin' },
  { name: 'DISABLE_POD_V6', default: 'false', kind: bool, containers: ['node'], area: 'entrypoint', description: 'chain the tuning plugin to disable IPv6 inside pods' },
  { name: 'ENABLE_V4_EGRESS', default: 'true', kind: bool, containers: ['node'], area: 'entrypoint', description: 'IPv4 egress for pods of IPv6 clusters' },
  { name: 'ENABLE_V6_EGRESS', default: 'false', kind: bool, containers: ['init', 'node'], area: 'entrypoint', description: 'IPv6 egress for pods of IPv4 clusters' },
  // --- init
  { name: 'DISABLE_TCP_EARLY_DEMUX', default: 'false', kind: bool, containers: ['init'], area: 'init', description: 'set net.ipv4.tcp_early_demux=0 (kubelet TCP probes to branch-ENI pods)' },
  // --- network policy agent (read by the agent; kept for compatibility)
  { name: 'NETWORK_POLICY_ENFORCING_MODE', default: 'standard', kind: { type: 'enum', values: ['standard', 'strict'] }, containers: ['node'], area: 'network-policy', description: 'network policy default for new pods' },
  // --- deprecated upstream, accepted and ignored
  { name: 'AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER', default: undefined, kind: bool, containers: ['node'], area: 'init', description: 'no effect: the init step always sets rp_filter=2', deprecated: 'no-op since upstream v1.12.1' },
  { name: 'ENABLE_NFTABLES', default: undefined, kind: bool, containers: ['node'], area: 'networking', description: 'no effect: the iptables backend is detected', deprecated: 'no-op since upstream v1.13.2' },
] satisfies EnvVarSpec[]);

/** Variables set from the downward API, never by the user. */
export const FIELD_REF_VARS: Readonly<Record<string, string>> = Object.freeze({
  MY_NODE_NAME: 'spec.nodeName',
  MY_POD_NAME: 'metadata.name',
});

const byName = new Map(ENV_VARS.map((v) => [v.name, v]));

/** The spec of a variable, or undefined when the name is unknown (names are case-sensitive, as in Go). */
export function envVarSpec(name: string): EnvVarSpec | undefined {
  return byName.get(name);
}
