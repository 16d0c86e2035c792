// SPDX-License-Identifier: Apache-2.0
import type { DatastoreView } from '../introspection/datastore-view';
import { METRIC_CATALOG } from './catalog';
import { FakeClock } from '../testing';
import { datastoreGauges, refreshDatastoreGauges } from './datastore-gauges';
import { DatastoreGaugeRefresher } from './gauge-refresher';
import { parseExposition } from './parse-exposition';
import { PromMetrics } from './prom-metrics';

/** Upstream's table (notes 6.2): name -> [type, label names]. */
const UPSTREAM: Record<string, [string, string[]]> = {
  awscni_ipamd_error_count: ['counter', ['fn']],
  awscni_ipamd_action_inprogress: ['gauge', ['fn']],
  awscni_eni_max: ['gauge', []],
  awscni_ip_max: ['gauge', []],
  awscni_reconcile_count: ['counter', ['fn']],
  awscni_add_ip_req_count: ['counter', []],
  awscni_del_ip_req_count: ['counter', ['reason']],
  awscni_pod_eni_error_count: ['counter', ['fn']],
  awscni_aws_api_latency_ms: ['summary', ['api', 'error', 'status']],
  awscni_aws_api_error_count: ['counter', ['api', 'error']],
  awscni_aws_utils_error_count: ['counter', ['fn', 'error']],
  awscni_ec2api_req_count: ['counter', ['fn']],
  awscni_ec2api_error_count: ['counter', ['fn']],
  awscni_eni_allocated: ['gauge', []],
  awscni_total_ip_addresses: ['gauge', []],
  awscni_assigned_ip_addresses: ['gauge', []],
  awscni_force_removed_enis: ['counter', []],
  awscni_force_removed_ips: ['counter', []],
  awscni_total_ipv4_prefixes: ['gauge', []],
  awscni_assigned_ip_per_cidr: ['gauge', ['cidr']],
  awscni_no_available_ip_addresses: ['counter', []],
  awscni_assigned_ip_per_eni: ['gauge', ['eni']],
  awscni_ipamd_startup_duration_seconds: ['histogram', ['success', 'with_api_server', 'failure_reason']],
  awscni_ipamd_node_initialization_duration_seconds: ['histogram', ['success']],
  awscni_connmark_backend: ['gauge', ['backend']],
  awscni_connmark_reconcile_total: ['counter', ['result']],
  awscni_build_info: ['gauge', ['version', 'goversion']],
};

/** Touch every metric once with its labels so each family has a sample in the exposition. */
function touchAll(m: PromMetrics): void {
  for (const s of METRIC_CATALOG) {
    const labels = Object.fromEntries(s.labels.map((l) => [l, `v-${l}`]));
    if (s.type === 'counter') m.inc(s.name as never, labels);
    else if (s.type === 'gauge') m.set(s.name as never, 3, labels);
    else m.observe(s.name as never, 1.5, labels);
  }
}

describe('PromMetrics', () => {
  it('declares every upstream metric with its exact type and label names', async () => {
    const m = new PromMetrics();
    touchAll(m);
    const fams = parseExposition(await m.exposition());
    for (const [name, [type, labels]] of Object.entries(UPSTREAM)) {
      const f = fams.get(name);
      expect({ name, type: f?.type }).toEqual({ name, type });
      const seen = new Set(
        f!.samples.flatMap((s) => Object.keys(s.labels)).filter((l) => l !== 'le' && l !== 'quantile'),
      );
      expect({ name, labels: [...seen].sort() }).toEqual({ name, labels: [...labels].sort() });
    }
    for (const ours of [
      'awscni_prefix_fallback_to_secondary_ip',
      'awscni_host_rules_repaired_total',
      'awscni_cooldown_ip_addresses',
    ])
      expect(fams.has(ours)).toBe(true);
  });

  it('includes the process and Node.js default collectors, in its own registry only', async () => {
    const a = new PromMetrics();
    const b = new PromMetrics();
    a.inc('awscni_add_ip_req_count');
    const fa = parseExposition(await a.exposition());
    expect(fa.has('process_cpu_user_seconds_total')).toBe(true);
    expect(fa.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(await a.value('awscni_add_ip_req_count')).toBe(1);
    expect(await b.value('awscni_add_ip_req_count')).toBe(0);
    const bare = new PromMetrics({ defaultCollectors: false });
    expect(parseExposition(await bare.exposition()).has('process_cpu_user_seconds_total')).toBe(false);
  });

  it('pre-initializes connmark reconcile results at zero', async () => {
    const fams = parseExposition(await new PromMetrics({ defaultCollectors: false }).exposition());
    const s = fams.get('awscni_connmark_reconcile_total')!.samples;
    expect(s.map((x) => [x.labels.result, x.value]).sort()).toEqual([
      ['error', 0],
      ['success', 0],
    ]);
  });

  it('maps the port: ENIs created is our counter beside the eni_allocated gauge; ec2api errors drop the code label and feed aws_api_error_count', async () => {
    const m = new PromMetrics({ defaultCollectors: false });
    m.inc('awscni_eni_created_total');
    m.inc('awscni_eni_created_total');
    m.inc('awscni_ec2api_error_count', { fn: 'AssignPrivateIpAddresses', error: 'InsufficientCidrBlocks' });
    m.inc('awscni_ipamd_action_backoff', { reason: 'subnet-full', extra: 'dropped' });
    const fams = parseExposition(await m.exposition());
    expect(fams.get('awscni_eni_allocated')!.type).toBe('gauge');
    expect(await m.value('awscni_eni_allocated')).toBe(0);
    expect(fams.get('awscni_eni_created_total')!.type).toBe('counter');
    expect(await m.value('awscni_eni_created_total')).toBe(2);
    expect(await m.value('awscni_ec2api_error_count', { fn: 'AssignPrivateIpAddresses' })).toBe(1);
    expect(
      await m.value('awscni_aws_api_error_count', { api: 'AssignPrivateIpAddresses', error: 'InsufficientCidrBlocks' }),
    ).toBe(1);
    expect(await m.value('awscni_ipamd_action_backoff', { reason: 'subnet-full' })).toBe(1);
  });

  it('rejects unknown names and wrong types with a clear error', () => {
    const m = new PromMetrics({ defaultCollectors: false });
    expect(() => m.inc('awscni_nope' as never)).toThrow(/not declared/);
    expect(() => m.set('awscni_add_ip_req_count' as never, 1)).toThrow(/is a counter, not a gauge/);
  });

  it('build info, connmark backend, actions in progress', async () => {
    const m = new PromMetrics({ defaultCollectors: false });
    m.setBuildInfo('v0.1.0', 'node v22');
    m.setConnmarkBackend('nftables');
    const done = m.actionStarted('increaseDatastorePool');
    expect(await m.value('awscni_ipamd_action_inprogress', { fn: 'increaseDatastorePool' })).toBe(1);
    done();
    done();
    expect(await m.value('awscni_ipamd_action_inprogress', { fn: 'increaseDatastorePool' })).toBe(0);
    expect(await m.value('awscni_build_info', { version: 'v0.1.0', goversion: 'node v22' })).toBe(1);
    expect(await m.value('awscni_connmark_backend', { backend: 'nftables' })).toBe(1);
    expect(await m.value('awscni_connmark_backend', { backend: 'iptables' })).toBe(0);
  });
});

const key = { networkName: 'aws-cni', containerId: 'c', ifName: 'eth0' };
const VIEW: DatastoreView = {
  cards: [
    {
      networkCard: 0,
      enis: [
        {
          id: 'eni-a',
          isPrimary: true,
          deviceNumber: 0,
          ipv4Cidrs: [
            { cidr: '10.0.0.5/32', isPrefix: false, addresses: [{ address: '10.0.0.5', key }] },
            { cidr: '10.0.0.6/32', isPrefix: false, addresses: [{ address: '10.0.0.6', unassignedAtMs: 9_000 }] },
          ],
        },
        {
          id: 'eni-b',
          isPrimary: false,
          deviceNumber: 1,
          ipv4Cidrs: [
            {
              cidr: '10.0.1.16/28',
              isPrefix: true,
              addresses: [
                { address: '10.0.1.16', key },
                { address: '10.0.1.17', key },
              ],
            },
          ],
        },
        {
          id: 'eni-x',
          isPrimary: false,
          deviceNumber: 2,
          excludedForPodIps: true,
          ipv4Cidrs: [{ cidr: '10.0.2.16/28', isPrefix: true, addresses: [] }],
        },
      ],
    },
  ],
};

describe('datastore gauges', () => {
  it('computes totals, prefixes, per-CIDR, per-ENI, cooling and limits', () => {
    const g = datastoreGauges(VIEW, {
      limits: { maxEnis: 3, slotsPerEni: 9, prefixDelegation: false },
      now: 10_000,
      cooldownMs: 30_000,
    });
    const v = (name: string, labels?: Record<string, string>) =>
      g.find((s) => s.name === name && JSON.stringify(s.labels ?? {}) === JSON.stringify(labels ?? {}))?.value;
    expect(v('awscni_total_ip_addresses')).toBe(18);
    expect(v('awscni_assigned_ip_addresses')).toBe(3);
    expect(v('awscni_total_ipv4_prefixes')).toBe(1);
    expect(v('awscni_cooldown_ip_addresses')).toBe(1);
    expect(v('awscni_eni_allocated')).toBe(3);
    expect(v('awscni_assigned_ip_per_cidr', { cidr: '10.0.1.16/28' })).toBe(2);
    expect(v('awscni_assigned_ip_per_cidr', { cidr: '10.0.0.6/32' })).toBe(0);
    expect(v('awscni_assigned_ip_per_eni', { eni: 'eni-a' })).toBe(1);
    expect(v('awscni_eni_max')).toBe(3);
    expect(v('awscni_ip_max')).toBe(27);
    const pd = datastoreGauges(VIEW, { limits: { maxEnis: 3, slotsPerEni: 9, prefixDelegation: true } });
    expect(pd.find((s) => s.name === 'awscni_ip_max')!.value).toBe(432);
  });

  it('refresh drops series of CIDRs and ENIs that are gone', async () => {
    const m = new PromMetrics({ defaultCollectors: false });
    refreshDatastoreGauges(m, VIEW);
    expect(await m.value('awscni_assigned_ip_per_eni', { eni: 'eni-b' })).toBe(2);
    refreshDatastoreGauges(m, { cards: [{ networkCard: 0, enis: [VIEW.cards[0]!.enis[0]!] }] });
    expect(await m.value('awscni_assigned_ip_per_eni', { eni: 'eni-b' })).toBeUndefined();
    expect(await m.value('awscni_total_ip_addresses')).toBe(2);
  });
});

describe('parseExposition', () => {
  it('rejects malformed lines', () => {
    expect(() => parseExposition('foo{a="b" 1\n')).toThrow(/line 1/);
    expect(() => parseExposition('foo abc\n')).toThrow(/bad value/);
  });
});

describe('DatastoreGaugeRefresher', () => {
  it('refreshes every interval from the current view; nothing while starting', async () => {
    const m = new PromMetrics({ defaultCollectors: false });
    const clock = new FakeClock(1_000);
    let view: DatastoreView | undefined;
    const r = new DatastoreGaugeRefresher({
      metrics: m,
      view: () => view,
      limits: () => ({ maxEnis: 2, slotsPerEni: 5, prefixDelegation: false }),
      clock,
      intervalMs: 1000,
    });
    r.start();
    await clock.advance(10);
    expect(await m.value('awscni_eni_max')).toBe(0);
    view = VIEW;
    await clock.advance(1000);
    expect(await m.value('awscni_total_ip_addresses')).toBe(18);
    expect(await m.value('awscni_ip_max')).toBe(10);
    view = { cards: [] };
    await clock.advance(1000);
    expect(await m.value('awscni_total_ip_addresses')).toBe(0);
    await r.stop();
  });
});
