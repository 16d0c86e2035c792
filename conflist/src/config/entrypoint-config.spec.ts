// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from './config-error';
import { readEntrypointConfig } from './entrypoint-config';
import { readInitConfig } from './init-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readEntrypointConfig(env, '/app');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.variable);
    throw err;
  }
  return [];
};

describe('readEntrypointConfig', () => {
  it('has upstream paths by default and ipamd next to the entrypoint', () => {
    const cfg = readEntrypointConfig({}, '/app');
    expect(cfg).toMatchObject({
      hostCniBinPath: '/host/opt/cni/bin',
      hostCniConfDirPath: '/host/etc/cni/net.d',
      pluginSourceDir: '/app',
      ipamdPath: '/app/aws-k8s-agent',
      ipamdSocket: '/var/run/aws-node/ipamd.sock',
      imdsEndpoint: 'http://169.254.169.254',
    });
    expect(Object.isFrozen(cfg.conflist)).toBe(true);
  });

  it('checks the SGP enforcing mode only when ENABLE_POD_ENI is on', () => {
    expect(problemsOf({ POD_SECURITY_GROUP_ENFORCING_MODE: 'loose' })).toEqual([]);
    expect(problemsOf({ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'loose' })).toEqual([
      'POD_SECURITY_GROUP_ENFORCING_MODE',
    ]);
    expect(problemsOf({ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' })).toEqual([]);
  });

  it('wants IP_COOLDOWN_PERIOD to be an integer >= 0', () => {
    expect(problemsOf({ IP_COOLDOWN_PERIOD: '0' })).toEqual([]);
    expect(problemsOf({ IP_COOLDOWN_PERIOD: '-1' })).toEqual(['IP_COOLDOWN_PERIOD']);
    expect(problemsOf({ IP_COOLDOWN_PERIOD: '3s' })).toEqual(['IP_COOLDOWN_PERIOD']);
  });

  it('with prefix delegation wants one warm/minimum target above "0", compared as strings like upstream', () => {
    expect(problemsOf({ ENABLE_PREFIX_DELEGATION: 'true' })).toEqual(['WARM_PREFIX_TARGET']);
    expect(problemsOf({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '0' })).toEqual(['WARM_PREFIX_TARGET']);
    expect(problemsOf({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' })).toEqual([]);
    expect(problemsOf({ ENABLE_PREFIX_DELEGATION: 'true', MINIMUM_IP_TARGET: '10' })).toEqual([]);
    expect(problemsOf({ ENABLE_PREFIX_DELEGATION: 'true', WARM_IP_TARGET: '-1' })).toEqual(['WARM_PREFIX_TARGET']);
    expect(problemsOf({ WARM_PREFIX_TARGET: '0' })).toEqual([]);
  });

  it('validates the conflist part too and reports all problems at once', () => {
    expect(
      problemsOf({ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stdout', IP_COOLDOWN_PERIOD: 'x', AWS_VPC_ENI_MTU: '100' }).sort(),
    ).toEqual(['AWS_VPC_ENI_MTU', 'AWS_VPC_K8S_PLUGIN_LOG_FILE', 'IP_COOLDOWN_PERIOD']);
  });

  it('rejects an IMDS endpoint that is not a base URL', () => {
    expect(problemsOf({ AWS_EC2_METADATA_SERVICE_ENDPOINT: '169.254.169.254' })).toEqual([
      'AWS_EC2_METADATA_SERVICE_ENDPOINT',
    ]);
    expect(
      readEntrypointConfig({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1338/' }, '/').imdsEndpoint,
    ).toBe('http://127.0.0.1:1338');
  });
});

describe('readInitConfig', () => {
  it('has upstream defaults and reads the init variables', () => {
    expect(readInitConfig({}, '/init')).toMatchObject({
      hostCniBinPath: '/host/opt/cni/bin',
      pluginSourceDir: '/init',
      disableTcpEarlyDemux: false,
      enableIpv6: false,
      v6Egress: false,
      procSysRoot: '/proc/sys',
      sysClassNetRoot: '/sys/class/net',
    });
    expect(
      readInitConfig({ DISABLE_TCP_EARLY_DEMUX: 'true', ENABLE_IPv6: '1', ENABLE_V6_EGRESS: 't' }, '/'),
    ).toMatchObject({
      disableTcpEarlyDemux: true,
      enableIpv6: true,
      v6Egress: true,
    });
  });
});
