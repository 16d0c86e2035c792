import { checkMtuForFamily, DEFAULT_PLUGIN_LOG_FILE, NetConfError, parseNetConf } from './net-conf';
import { parseCniArgs, podIdentityFromArgs } from './pod-identity';

const base = { cniVersion: '0.4.0', name: 'aws-cni', type: 'aws-cni' };

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NetConfError) return e.field;
    throw e;
  }
  throw new Error('expected a NetConfError');
}

describe('parseNetConf defaults', () => {
  it('applies upstream defaults and freezes the result', () => {
    const c = parseNetConf(base);
    expect(c).toMatchObject({
      vethPrefix: 'eni',
      mtu: 9001,
      podSGEnforcingMode: 'strict',
      pluginLogFile: DEFAULT_PLUGIN_LOG_FILE,
      pluginLogLevel: 'debug',
      requiresMultiNicAttachment: false,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.prevResult).toBeUndefined();
  });
  it('accepts the upstream conflist plugin entry verbatim (mtu as a string, capabilities, unknown keys)', () => {
    const c = parseNetConf({
      ...base,
      vethPrefix: 'eni',
      mtu: '9001',
      podSGEnforcingMode: 'standard',
      pluginLogFile: '/var/log/aws-routed-eni/plugin.log',
      pluginLogLevel: 'DEBUG',
      capabilities: { 'io.kubernetes.cri.pod-annotations': true },
      somethingNew: 1,
    });
    expect(c.mtu).toBe(9001);
    expect(c.podSGEnforcingMode).toBe('standard');
    expect(c.pluginLogLevel).toBe('debug');
  });
  it('maps "stderr" and "" to stderr logging', () => {
    expect(parseNetConf({ ...base, pluginLogFile: 'stderr' }).pluginLogFile).toBe('');
    expect(parseNetConf({ ...base, pluginLogFile: '' }).pluginLogFile).toBe('');
  });
  it('reads pod annotations from runtimeConfig and spots the multi-NIC request', () => {
    const c = parseNetConf({
      ...base,
      runtimeConfig: { 'io.kubernetes.cri.pod-annotations': { 'k8s.amazonaws.com/nicConfig': 'multi-nic-attachment' } },
    });
    expect(c.requiresMultiNicAttachment).toBe(true);
    expect(c.podAnnotations['k8s.amazonaws.com/nicConfig']).toBe('multi-nic-attachment');
  });
  it('keeps prevResult untouched', () => {
    const prev = { cniVersion: '0.4.0', interfaces: [{ name: 'x', mac: '2', sandbox: '0' }] };
    expect(parseNetConf({ ...base, prevResult: prev }).prevResult).toBe(prev);
  });
  it('accepts mtu boundaries 576 and 9001, number or string', () => {
    expect(parseNetConf({ ...base, mtu: 576 }).mtu).toBe(576);
    expect(parseNetConf({ ...base, mtu: '9001' }).mtu).toBe(9001);
    expect(parseNetConf({ ...base, vethPrefix: 'abcd' }).vethPrefix).toBe('abcd');
  });
});

describe('parseNetConf rejects each invalid field, naming it', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['not an object', [] as unknown as Record<string, unknown>, ''],
    ['missing name', { cniVersion: '0.4.0' }, 'name'],
    ['empty name', { ...base, name: '' }, 'name'],
    ['name not a string', { ...base, name: 3 }, 'name'],
    ['vethPrefix too long', { ...base, vethPrefix: 'abcde' }, 'vethPrefix'],
    ['vethPrefix eth', { ...base, vethPrefix: 'eth' }, 'vethPrefix'],
    ['vethPrefix lo', { ...base, vethPrefix: 'lo' }, 'vethPrefix'],
    ['vethPrefix vlan', { ...base, vethPrefix: 'vlan' }, 'vethPrefix'],
    ['vethPrefix with a slash', { ...base, vethPrefix: 'a/b' }, 'vethPrefix'],
    ['vethPrefix a number', { ...base, vethPrefix: 5 }, 'vethPrefix'],
    ['mtu too small', { ...base, mtu: 575 }, 'mtu'],
    ['mtu too large', { ...base, mtu: '9002' }, 'mtu'],
    ['mtu not numeric', { ...base, mtu: 'jumbo' }, 'mtu'],
    ['mtu fractional', { ...base, mtu: 1500.5 }, 'mtu'],
    ['mtu a boolean', { ...base, mtu: true }, 'mtu'],
    ['podSGEnforcingMode unknown', { ...base, podSGEnforcingMode: 'loose' }, 'podSGEnforcingMode'],
    ['pluginLogFile stdout', { ...base, pluginLogFile: 'stdout' }, 'pluginLogFile'],
    ['pluginLogFile relative', { ...base, pluginLogFile: 'plugin.log' }, 'pluginLogFile'],
    ['pluginLogLevel unknown', { ...base, pluginLogLevel: 'verbose' }, 'pluginLogLevel'],
    ['runtimeConfig not an object', { ...base, runtimeConfig: 'x' }, 'runtimeConfig'],
    [
      'pod annotations not an object',
      { ...base, runtimeConfig: { 'io.kubernetes.cri.pod-annotations': [] } },
      'runtimeConfig.io.kubernetes.cri.pod-annotations',
    ],
    ['capabilities not an object', { ...base, capabilities: true }, 'capabilities'],
  ])('%s', (_label, conf, field) => {
    expect(fieldOf(() => parseNetConf(conf))).toBe(field);
  });
  it('says what was wrong in the message', () => {
    expect(() => parseNetConf({ ...base, mtu: 20000 })).toThrow('mtu 20000 is outside 576..9001');
    expect(() => parseNetConf({ ...base, vethPrefix: 'vlan' })).toThrow(/reserved/);
  });
});

describe('checkMtuForFamily', () => {
  it('needs 1280 for IPv6 only', () => {
    expect(() => checkMtuForFamily(576, 4)).not.toThrow();
    expect(() => checkMtuForFamily(1280, 6)).not.toThrow();
    expect(() => checkMtuForFamily(1279, 6)).toThrow(NetConfError);
  });
});

describe('pod identity from CNI_ARGS', () => {
  it('parses K=V pairs, keeps "=" inside values, is case-sensitive', () => {
    const args = parseCniArgs('IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=nginx;X=a=b;k8s_pod_name=no');
    expect(args.X).toBe('a=b');
    expect(podIdentityFromArgs(args)).toEqual({ namespace: 'default', name: 'nginx', infraContainerId: '', uid: '' });
  });
  it('handles an empty string', () => {
    expect(parseCniArgs(undefined)).toEqual({});
    expect(parseCniArgs(';;')).toEqual({});
  });
});
