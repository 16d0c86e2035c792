import { CniError } from '@vpc-cni-ts/sdk/errors';

import { checkAllowlist, parseAllowlist } from './allowlist';
import { changesLink, parseTuningConfig, sysctlPath } from './tuning-config';

const base = { cniVersion: '1.0.0', name: 'net', type: 'tuning-shim' };
const env = { ifName: 'eth0', cniArgs: '' };

describe('sysctlPath', () => {
  it.each([
    ['net.core.somaxconn', 'eth0', 'net/core/somaxconn'],
    ['net.ipv4.conf.IFNAME.accept_redirects', 'eth0', 'net/ipv4/conf/eth0/accept_redirects'],
    ['net.ipv4.conf.IFNAME.forwarding', 'eth0.100', 'net/ipv4/conf/eth0.100/forwarding'], // dots in the ifname survive
    ['net/ipv6/conf/all/disable_ipv6', 'eth0', 'net/ipv6/conf/all/disable_ipv6'],
  ])('%s (ifname %s) -> %s', (key, ifn, want) => expect(sysctlPath(key, ifn)).toBe(want));

  it.each(['kernel.panic', 'vm.swappiness', 'net', 'netfoo.x'])('refuses %s', (key) => {
    expect(() => sysctlPath(key, 'eth0')).toThrow(/invalid net sysctl key/);
  });
});

describe('parseTuningConfig', () => {
  it('matches keys case-insensitively like Go (sysctl names keep their case), the exact spelling winning', () => {
    const c = parseTuningConfig(
      {
        ...base,
        Sysctl: { 'net.core.SomaxConn': '512' },
        MTU: 1400,
        mtu: 1450,
        TxQlen: 0,
        DataDir: '/tmp/t',
        RuntimeConfig: { MAC: '02:00:00:00:00:01' },
        ARGS: { CNI: { Promisc: true, SYSCTL: { 'net.ipv4.ip_forward': '1' } } },
      },
      env,
    );
    expect(c.link).toEqual({ mtu: 1450, txQLen: 0, mac: '02:00:00:00:00:01', promisc: true });
    expect(c.sysctls.map((s) => s.key)).toEqual(['net.core.SomaxConn', 'net.ipv4.ip_forward']);
    expect(c.dataDir).toBe('/tmp/t');
  });

  it('reads the DISABLE_POD_V6 entry of the upstream conflist', () => {
    const c = parseTuningConfig(
      {
        cniVersion: '0.4.0',
        name: 'aws-cni',
        type: 'tuning',
        sysctl: {
          'net.ipv6.conf.all.disable_ipv6': '1',
          'net.ipv6.conf.default.disable_ipv6': '1',
          'net.ipv6.conf.lo.disable_ipv6': '1',
        },
      },
      env,
    );
    expect(c.sysctls.map((s) => s.path)).toEqual([
      'net/ipv6/conf/all/disable_ipv6',
      'net/ipv6/conf/default/disable_ipv6',
      'net/ipv6/conf/lo/disable_ipv6',
    ]);
    expect(changesLink(c.link)).toBe(false);
    expect(c.dataDir).toBe('/run/cni/tuning');
  });

  it('applies MAC precedence: config < CNI_ARGS < runtimeConfig < args.cni', () => {
    const raw = { ...base, mac: '02:00:00:00:00:01' };
    expect(parseTuningConfig(raw, env).link.mac).toBe('02:00:00:00:00:01');
    const e2 = { ifName: 'eth0', cniArgs: 'IgnoreUnknown=1;K8S_POD_NAME=p;MAC=02:00:00:00:00:02' };
    expect(parseTuningConfig(raw, e2).link.mac).toBe('02:00:00:00:00:02');
    const r3 = { ...raw, runtimeConfig: { mac: '02:00:00:00:00:03' } };
    expect(parseTuningConfig(r3, e2).link.mac).toBe('02:00:00:00:00:03');
    const r4 = { ...r3, args: { cni: { mac: '02:00:00:00:00:04' } } };
    expect(parseTuningConfig(r4, e2).link.mac).toBe('02:00:00:00:00:04');
  });

  it('merges args.cni sysctls over config sysctls and reads the other args.cni keys', () => {
    const c = parseTuningConfig(
      {
        ...base,
        sysctl: { 'net.core.somaxconn': '512', 'net.ipv4.ip_forward': '0' },
        args: { cni: { sysctl: { 'net.core.somaxconn': '1024' }, mtu: 1400, txQLen: 0, allmulti: false } },
      },
      env,
    );
    expect(c.sysctls.map((s) => [s.key, s.value])).toEqual([
      ['net.core.somaxconn', '1024'],
      ['net.ipv4.ip_forward', '0'],
    ]);
    expect(c.link).toEqual({ mtu: 1400, txQLen: 0, allmulti: false });
    expect(changesLink(c.link)).toBe(true);
  });

  it('promisc false alone changes nothing (the reference only turns it on)', () => {
    expect(changesLink(parseTuningConfig({ ...base, promisc: false }, env).link)).toBe(false);
  });

  it('rejects an interface name with a slash', () => {
    expect(() => parseTuningConfig(base, { ifName: 'a/b', cniArgs: '' })).toThrow(CniError);
  });
});

describe('allowlist', () => {
  it('ignores blank lines and matches unanchored unless anchored', () => {
    const a = parseAllowlist('^net\\.core\\.somaxconn$\n\nipv6\n');
    expect(() => checkAllowlist(['net.core.somaxconn', 'net.ipv6.conf.all.disable_ipv6'], a)).not.toThrow();
    expect(() => checkAllowlist(['net.core.somaxconn.x'], a)).toThrow(/not allowed/);
    expect(() => checkAllowlist(['anything'], undefined)).not.toThrow();
  });

  it('names a bad line', () => {
    expect(() => parseAllowlist('ok\n(unclosed\n', '/etc/a.conf')).toThrow(
      /\/etc\/a\.conf:2: invalid regular expression/,
    );
  });
});
