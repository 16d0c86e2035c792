// SPDX-License-Identifier: Apache-2.0

/** Prometheus metric kinds, as upstream declares them. */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram';

/** One metric ipamd exposes: name, type, label names and help text. */
export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly help: string;
  /** Histogram buckets (seconds). */
  readonly buckets?: readonly number[];
  /** Summary quantiles. */
  readonly percentiles?: readonly number[];
  /** Label sets created at zero when the registry is built (so they show before the first event). */
  readonly preset?: readonly Readonly<Record<string, string>>[];
  /** True for metrics upstream does not have (ours). */
  readonly ours?: boolean;
}

const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

/**
 * Every `awscni_*` metric of upstream ipamd (notes 6.2), same name, type and label names, so dashboards and the
 * cni-metrics-helper carry over; then ours. The order is the exposition order of nothing in particular (prom-client
 * sorts nothing); tests look metrics up by name.
 */
export const METRIC_CATALOG = [
  {
    name: 'awscni_ipamd_error_count',
    type: 'counter',
    labels: ['fn'],
    help: 'The number of errors encountered in ipamd',
  },
  {
    name: 'awscni_ipamd_action_inprogress',
    type: 'gauge',
    labels: ['fn'],
    help: 'The number of ipamd actions in progress',
  },
  {
    name: 'awscni_eni_max',
    type: 'gauge',
    labels: [],
    help: 'The maximum number of ENIs that can be attached to the instance, accounting for unmanaged ENIs',
  },
  {
    name: 'awscni_ip_max',
    type: 'gauge',
    labels: [],
    help: 'The maximum number of IP addresses that can be allocated to the instance',
  },
  {
    name: 'awscni_reconcile_count',
    type: 'counter',
    labels: ['fn'],
    help: 'The number of times ipamd reconciles on ENIs and IP/Prefix addresses',
  },
  { name: 'awscni_add_ip_req_count', type: 'counter', labels: [], help: 'The number of add IP address requests' },
  {
    name: 'awscni_del_ip_req_count',
    type: 'counter',
    labels: ['reason'],
    help: 'The number of delete IP address requests',
  },
  {
    name: 'awscni_pod_eni_error_count',
    type: 'counter',
    labels: ['fn'],
    help: 'The number of errors encountered for pod ENIs',
  },
  {
    name: 'awscni_aws_api_latency_ms',
    type: 'summary',
    labels: ['api', 'error', 'status'],
    help: 'AWS API call latency in ms',
    percentiles: [0.5, 0.9, 0.99],
  },
  {
    name: 'awscni_aws_api_error_count',
    type: 'counter',
    labels: ['api', 'error'],
    help: 'The number of times AWS API returns an error',
  },
  {
    name: 'awscni_aws_utils_error_count',
    type: 'counter',
    labels: ['fn', 'error'],
    help: 'The number of errors not handled in awsutils library',
  },
  {
    name: 'awscni_ec2api_req_count',
    type: 'counter',
    labels: ['fn'],
    help: 'The number of requests made to EC2 APIs by CNI',
  },
  {
    name: 'awscni_ec2api_error_count',
    type: 'counter',
    labels: ['fn'],
    help: 'The number of failed EC2 APIs requests',
  },
  { name: 'awscni_eni_allocated', type: 'gauge', labels: [], help: 'The number of ENIs allocated' },
  { name: 'awscni_total_ip_addresses', type: 'gauge', labels: [], help: 'The total number of IP addresses' },
  {
    name: 'awscni_assigned_ip_addresses',
    type: 'gauge',
    labels: [],
    help: 'The number of IP addresses assigned to pods',
  },
  {
    name: 'awscni_force_removed_enis',
    type: 'counter',
    labels: [],
    help: 'The number of ENIs force removed while they had assigned pods',
  },
  {
    name: 'awscni_force_removed_ips',
    type: 'counter',
    labels: [],
    help: 'The number of IPs force removed while they had assigned pods',
  },
  { name: 'awscni_total_ipv4_prefixes', type: 'gauge', labels: [], help: 'The total number of IPv4 prefixes' },
  {
    name: 'awscni_assigned_ip_per_cidr',
    type: 'gauge',
    labels: ['cidr'],
    help: 'The total number of IP addresses assigned per cidr',
  },
  {
    name: 'awscni_no_available_ip_addresses',
    type: 'counter',
    labels: [],
    help: 'The number of pod IP assignments that fail due to no available IP addresses',
  },
  {
    name: 'awscni_assigned_ip_per_eni',
    type: 'gauge',
    labels: ['eni'],
    help: 'The number of IP addresses assigned per ENI',
  },
  {
    name: 'awscni_ipamd_startup_duration_seconds',
    type: 'histogram',
    labels: ['success', 'with_api_server', 'failure_reason'],
    help: 'Time taken for ipamd to start up',
    buckets: DURATION_BUCKETS,
  },
  {
    name: 'awscni_ipamd_node_initialization_duration_seconds',
    type: 'histogram',
    labels: ['success'],
    help: 'Time taken for ipamd node initialization',
    buckets: DURATION_BUCKETS,
  },
  {
    name: 'awscni_connmark_backend',
    type: 'gauge',
    labels: ['backend'],
    help: 'The connmark backend in use (1 for the active one): iptables or nftables',
  },
  {
    name: 'awscni_connmark_reconcile_total',
    type: 'counter',
    labels: ['result'],
    help: 'The number of connmark rule reconciliations, by result',
    preset: [{ result: 'success' }, { result: 'error' }],
  },
  {
    name: 'awscni_build_info',
    type: 'gauge',
    labels: ['version', 'goversion'],
    help: 'A metric with a constant 1 value labeled by version and runtime version',
  },
  // ---- ours ----
  {
    name: 'awscni_assign_ip_count',
    type: 'counter',
    labels: [],
    help: 'Addresses added to ENIs from EC2 (each /28 counts 16)',
    ours: true,
  },
  {
    name: 'awscni_unassign_ip_count',
    type: 'counter',
    labels: [],
    help: 'Addresses released to EC2 (each /28 counts 16)',
    ours: true,
  },
  {
    name: 'awscni_eni_created_total',
    type: 'counter',
    labels: [],
    help: 'ENIs created and attached because the pool needed more (awscni_eni_allocated is the gauge of ENIs held)',
    ours: true,
  },
  {
    name: 'awscni_eni_freed',
    type: 'counter',
    labels: [],
    help: 'ENIs detached and deleted because the pool had too many',
    ours: true,
  },
  {
    name: 'awscni_prefix_fallback_to_secondary_ip',
    type: 'counter',
    labels: [],
    help: 'Times prefix delegation fell back to secondary IPs (no free contiguous /28 in the subnet)',
    ours: true,
  },
  {
    name: 'awscni_ipamd_action_backoff',
    type: 'counter',
    labels: ['reason'],
    help: 'Times the pool backed off growing, by reason',
    ours: true,
  },
  {
    name: 'awscni_cooldown_ip_addresses',
    type: 'gauge',
    labels: [],
    help: 'Released addresses still in IP_COOLDOWN_PERIOD',
    ours: true,
  },
  {
    name: 'awscni_host_rules_repaired_total',
    type: 'counter',
    labels: [],
    help: 'Host network reconcile passes that had to change the kernel (rules someone removed)',
    ours: true,
  },
  {
    name: 'awscni_leaked_enis_deleted_total',
    type: 'counter',
    labels: [],
    help: 'Leaked (available, aws-K8S-) ENIs deleted by the cleanup job',
    ours: true,
  },
] as const satisfies readonly MetricSpec[];

type Catalog = (typeof METRIC_CATALOG)[number];
/** Names of catalog metrics of one type. */
export type CatalogName<T extends MetricType> = Extract<Catalog, { type: T }>['name'];
export type CatalogCounter = CatalogName<'counter'>;
export type CatalogGauge = CatalogName<'gauge'>;
export type CatalogHistogram = CatalogName<'histogram'>;
export type CatalogSummary = CatalogName<'summary'>;
