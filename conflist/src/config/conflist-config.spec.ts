// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from './config-error';
import { readConflistConfig } from './conflist-config';
import { parseGoBool } from './parse-bool';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readConflistConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.variable);
    throw err;
  }
  return [];
};

describe('readConflistConfig', () => {
  it('has upstream defaults and is frozen', () => {
    const cfg = readConflistConfig({});
    expect(cfg).toMatchObject({
      ipFamily: 'ipv4',
      vethPrefix: 'eni',
      podMtu: 9001,
      podSgEnforcingMode: 'strict',
      pluginLogFile: '/var/log/aws-routed-eni/plugin.log',
      pluginLogLevel: 'Debug',
      v4Egress: true,
      v6Egress: false,
      randomizeSnat: 'prng',
      bandwidthPlugin: false,
      disablePodV6: false,
    });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.warnings)).toBe(true);
  });

  it('takes the pod MTU from POD_MTU, else AWS_VPC_ENI_MTU', () => {
    expect(readConflistConfig({ AWS_VPC_ENI_MTU: '1500' }).podMtu).toBe(1500);
    expect(readConflistConfig({ AWS_VPC_ENI_MTU: '1500', POD_MTU: '1400' }).podMtu).toBe(1400);
    expect(readConflistConfig({ POD_MTU: '' }).podMtu).toBe(9001);
  });

  it('accepts the MTU bounds per family and rejects what is outside, naming the variable', () => {
    expect(readConflistConfig({ POD_MTU: '576' }).podMtu).toBe(576);
    expect(readConflistConfig({ POD_MTU: '9001' }).podMtu).toBe(9001);
    expect(problemsOf({ POD_MTU: '575' })).toEqual(['POD_MTU']);
    expect(problemsOf({ AWS_VPC_ENI_MTU: '9002' })).toEqual(['AWS_VPC_ENI_MTU']);
    expect(problemsOf({ ENABLE_IPv6: 'true', POD_MTU: '1279' })).toEqual(['POD_MTU']);
    expect(readConflistConfig({ ENABLE_IPv6: 'true', POD_MTU: '1280' }).podMtu).toBe(1280);
    expect(problemsOf({ POD_MTU: '15OO' })).toEqual(['POD_MTU']);
  });

  it('rejects long and reserved veth prefixes', () => {
    expect(readConflistConfig({ AWS_VPC_K8S_CNI_VETHPREFIX: 'abcd' }).vethPrefix).toBe('abcd');
    for (const bad of ['abcde', 'eth', 'lo', 'vlan'])
      expect(problemsOf({ AWS_VPC_K8S_CNI_VETHPREFIX: bad })).toEqual(['AWS_VPC_K8S_CNI_VETHPREFIX']);
  });

  it('rejects stdout as the plugin log file in any case', () => {
    expect(problemsOf({ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stdout' })).toEqual(['AWS_VPC_K8S_PLUGIN_LOG_FILE']);
    expect(problemsOf({ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'STDOUT' })).toEqual(['AWS_VPC_K8S_PLUGIN_LOG_FILE']);
    expect(readConflistConfig({ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stderr' }).pluginLogFile).toBe('stderr');
  });

  it('lists every bad variable in one error with a message naming each', () => {
    let err: unknown;
    try {
      readConflistConfig({ POD_MTU: '1', AWS_VPC_K8S_CNI_VETHPREFIX: 'vlan' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/AWS_VPC_K8S_CNI_VETHPREFIX: .*vlan/);
    expect((err as Error).message).toMatch(/POD_MTU: 1 is outside/);
  });

  it('falls back to the default for an unparsable boolean and says so', () => {
    const cfg = readConflistConfig({ ENABLE_BANDWIDTH_PLUGIN: 'yes', DISABLE_POD_V6: 'True' });
    expect(cfg.bandwidthPlugin).toBe(false);
    expect(cfg.disablePodV6).toBe(true);
    expect(cfg.warnings).toEqual([expect.stringContaining('ENABLE_BANDWIDTH_PLUGIN')]);
  });
});

describe('parseGoBool', () => {
  it.each([
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false],
    ['yes', undefined],
    ['tRUE', undefined],
    [' true', undefined],
    ['', undefined],
  ])('%j -> %j', (input, want) => expect(parseGoBool(input)).toBe(want));
});
