// SPDX-License-Identifier: Apache-2.0
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { type EnvSource, readConflistConfig } from '../config';
import { buildConflist, NodeFactsError, POD_V6_OFF_SYSCTLS, renderConflist } from './build-conflist';
import { type NodeFacts, neededNodeFacts } from './node-facts';
import { defaultValidators } from './plugin-validators';
import { validateConflist } from './validate-conflist';

/**
 * Golden files: one per variable that changes the conflist. Regenerate after a deliberate change with
 * `UPDATE_GOLDEN=1 npx jest conflist/src/generate`, then review the diff.
 */
const GOLDEN_DIR = path.join(__dirname, '..', '..', 'testdata', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

const V6 = '2600:1f14:abc:de00::10';
const V4 = '10.0.12.34';

export const GOLDEN_CASES: readonly { name: string; env: EnvSource; facts: NodeFacts }[] = [
  { name: 'default', env: {}, facts: {} },
  { name: 'veth-prefix', env: { AWS_VPC_K8S_CNI_VETHPREFIX: 'abcd' }, facts: {} },
  { name: 'eni-mtu', env: { AWS_VPC_ENI_MTU: '1500' }, facts: {} },
  { name: 'pod-mtu', env: { AWS_VPC_ENI_MTU: '9001', POD_MTU: '1400' }, facts: {} },
  { name: 'sg-standard', env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }, facts: {} },
  {
    name: 'plugin-log',
    env: { AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stderr', AWS_VPC_K8S_PLUGIN_LOG_LEVEL: 'INFO' },
    facts: {},
  },
  {
    name: 'plugin-log-empty',
    env: { AWS_VPC_K8S_PLUGIN_LOG_FILE: '', AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE: '' },
    facts: {},
  },
  { name: 'randomize-snat', env: { AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'none' }, facts: {} },
  { name: 'v6-egress', env: { ENABLE_V6_EGRESS: 'true' }, facts: { primaryIpv6: V6 } },
  { name: 'v6-egress-no-ipv6', env: { ENABLE_V6_EGRESS: 'true' }, facts: {} },
  {
    name: 'v6-egress-log',
    env: { ENABLE_V6_EGRESS: 'true', AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE: '/var/log/e6.log' },
    facts: { primaryIpv6: V6 },
  },
  { name: 'ipv6', env: { ENABLE_IPv6: 'true' }, facts: { localIpv4: V4 } },
  { name: 'ipv6-no-v4-egress', env: { ENABLE_IPv6: 'true', ENABLE_V4_EGRESS: 'false' }, facts: { localIpv4: V4 } },
  {
    name: 'ipv6-egress-log',
    env: { ENABLE_IPv6: 'true', AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE: '/var/log/e4.log', POD_MTU: '1280' },
    facts: { localIpv4: V4 },
  },
  { name: 'bandwidth', env: { ENABLE_BANDWIDTH_PLUGIN: 'true' }, facts: {} },
  { name: 'disable-pod-v6', env: { DISABLE_POD_V6: 'true' }, facts: {} },
  { name: 'bandwidth-and-pod-v6', env: { ENABLE_BANDWIDTH_PLUGIN: 'true', DISABLE_POD_V6: 'true' }, facts: {} },
];

describe('buildConflist golden files', () => {
  it.each(GOLDEN_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const text = renderConflist(buildConflist(readConflistConfig(c.env), c.facts));
    const file = path.join(GOLDEN_DIR, `${c.name}.conflist`);
    if (update) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('every golden conflist passes the plugin validators', () => {
    for (const c of GOLDEN_CASES) {
      expect([
        c.name,
        validateConflist(buildConflist(readConflistConfig(c.env), c.facts), defaultValidators()),
      ]).toEqual([c.name, []]);
    }
  });
});

describe('buildConflist', () => {
  it('orders aws-cni, egress-cni, portmap, then bandwidth-shim before tuning-shim', () => {
    const cfg = readConflistConfig({ ENABLE_BANDWIDTH_PLUGIN: '1', DISABLE_POD_V6: 'T' });
    expect(buildConflist(cfg, {}).plugins.map((p) => p.type)).toEqual([
      'aws-cni',
      'egress-cni',
      'portmap',
      'bandwidth-shim',
      'tuning-shim',
    ]);
  });

  it('refuses an IPv6 cluster whose node has no IPv4 address', () => {
    expect(() => buildConflist(readConflistConfig({ ENABLE_IPv6: 'true' }), {})).toThrow(NodeFactsError);
  });

  it('is pure: the same input gives equal output, and the input is not changed', () => {
    const cfg = readConflistConfig({ DISABLE_POD_V6: 'true' });
    const a = buildConflist(cfg, {});
    const b = buildConflist(cfg, {});
    expect(a).toEqual(b);
    expect(a.plugins[3]).toEqual({ type: 'tuning-shim', sysctl: POD_V6_OFF_SYSCTLS });
    expect(a.plugins[3]).not.toBe(b.plugins[3]);
  });
});

describe('neededNodeFacts', () => {
  it('asks nothing for a default IPv4 cluster', () => {
    expect(neededNodeFacts(readConflistConfig({}))).toEqual([]);
  });
  it('asks the IPv6 address only when v6 egress is on', () => {
    expect(neededNodeFacts(readConflistConfig({ ENABLE_V6_EGRESS: 'true' }))).toEqual(['primaryIpv6']);
  });
  it('always asks the IPv4 address in an IPv6 cluster', () => {
    expect(neededNodeFacts(readConflistConfig({ ENABLE_IPv6: 'true', ENABLE_V4_EGRESS: 'false' }))).toEqual([
      'localIpv4',
    ]);
  });
});
