// SPDX-License-Identifier: Apache-2.0
import { readConflistConfig } from '../config';
import { buildConflist } from './build-conflist';
import { type AwsConflist } from './conflist-types';
import { PLUGIN_VALIDATORS } from './plugin-validators';
import { assertValidConflist, ConflistValidationError, validateConflist } from './validate-conflist';

const base = (): AwsConflist =>
  buildConflist(readConflistConfig({ ENABLE_BANDWIDTH_PLUGIN: 'true', DISABLE_POD_V6: 'true' }), {});

/** Replaces plugin `i` of the default conflist with `patch` merged in (a conflist our generator would never make). */
function tampered(i: number, patch: Record<string, unknown>): AwsConflist {
  const c = base();
  const plugins = [...c.plugins] as unknown[];
  plugins[i] = { ...(plugins[i] as object), ...patch };
  return { ...c, plugins } as unknown as AwsConflist;
}

describe('validateConflist with the plugins own parsers', () => {
  it('accepts the generated conflist', () => {
    expect(validateConflist(base(), PLUGIN_VALIDATORS)).toEqual([]);
  });

  it.each([
    [0, { vethPrefix: 'vlan' }, /plugins\[0\] \(aws-cni\): .*vlan/],
    [0, { mtu: 'big' }, /plugins\[0\] \(aws-cni\)/],
    [1, { ipam: { type: 'dhcp' } }, /plugins\[1\] \(egress-cni\)/],
    [3, { bandwidth: 'fast', ingressRate: -1, ingressBurst: 1 }, /plugins\[3\] \(bandwidth-shim\)/],
    [4, { sysctl: { 'net.ipv6.conf.all.disable_ipv6': 1 } }, /plugins\[4\] \(tuning-shim\)/],
  ])('rejects plugin %i patched with %j', (i, patch, want) => {
    const problems = validateConflist(tampered(i, patch), PLUGIN_VALIDATORS);
    expect(problems.join('\n')).toMatch(want);
  });

  it('treats a plugin type of ours without a validator as a problem, and skips the reference portmap', () => {
    const problems = validateConflist(base(), { 'aws-cni': () => [] });
    expect(problems).toEqual([
      'plugins[1] (egress-cni): no schema to validate against',
      'plugins[3] (bandwidth-shim): no schema to validate against',
      'plugins[4] (tuning-shim): no schema to validate against',
    ]);
  });

  it('passes each plugin the list name and version, as the runtime does', () => {
    const seen: unknown[] = [];
    validateConflist(base(), { ...PLUGIN_VALIDATORS, 'aws-cni': (c) => (seen.push([c.name, c.cniVersion]), []) });
    expect(seen).toEqual([['aws-cni', '0.4.0']]);
  });

  it('assertValidConflist throws every problem at once', () => {
    expect(() => assertValidConflist(tampered(0, { vethPrefix: 'toolong' }), PLUGIN_VALIDATORS)).toThrow(
      ConflistValidationError,
    );
  });
});
