import { ConfigError, loadConfig } from './load-config';

describe('loadConfig defaults', () => {
  it('matches upstream defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.ipv4).toBe(true);
    expect(c.ipv6).toBe(false);
    expect(c.pool).toMatchObject({
      warmEniTarget: 1,
      warmIpTarget: 0,
      minimumIpTarget: 0,
      warmPrefixTarget: 0,
      maxEni: undefined,
      prefixDelegation: false,
      ipCooldownSeconds: 30,
      disableNetworkResourceProvisioning: false,
      manageEnisNonSchedulable: false,
    });
    expect(c.server).toMatchObject({
      socketPath: '/var/run/aws-node/ipamd.sock',
      backingStore: '/var/run/aws-node/ipam.json',
      logLevel: 'debug',
      logFile: '/host/var/log/aws-routed-eni/ipamd.log',
    });
    expect(c.aws.imdsEndpoint).toBe('http://169.254.169.254');
    expect(c.aws.ec2Endpoint).toBeUndefined();
    expect(c.hostNetwork.connmark).toBe(0x80);
  });
  it('is deeply frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.pool)).toBe(true);
    expect(Object.isFrozen(c.aws.additionalEniTags)).toBe(true);
  });
});

describe('loadConfig valid values', () => {
  const cases: [Record<string, string>, (c: ReturnType<typeof loadConfig>) => unknown, unknown][] = [
    [{ WARM_ENI_TARGET: '3' }, (c) => c.pool.warmEniTarget, 3],
    [{ WARM_ENI_TARGET: '-2' }, (c) => c.pool.warmEniTarget, 1],
    [{ WARM_ENI_TARGET: '0' }, (c) => c.pool.warmEniTarget, 0],
    [{ WARM_IP_TARGET: '5' }, (c) => c.pool.warmIpTarget, 5],
    [{ WARM_IP_TARGET: '-5' }, (c) => c.pool.warmIpTarget, 0],
    [{ MINIMUM_IP_TARGET: '30' }, (c) => c.pool.minimumIpTarget, 30],
    [{ WARM_PREFIX_TARGET: '1' }, (c) => c.pool.warmPrefixTarget, 1],
    [{ MAX_ENI: '0' }, (c) => c.pool.maxEni, undefined],
    [{ MAX_ENI: '-1' }, (c) => c.pool.maxEni, undefined],
    [{ MAX_ENI: '2' }, (c) => c.pool.maxEni, 2],
    [{ ENABLE_PREFIX_DELEGATION: 'true' }, (c) => c.pool.prefixDelegation, true],
    [{ ENABLE_PREFIX_DELEGATION: 'T' }, (c) => c.pool.prefixDelegation, true],
    [{ ENABLE_PREFIX_DELEGATION: '0' }, (c) => c.pool.prefixDelegation, false],
    [{ ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' }, (c) => [c.ipv4, c.ipv6], [false, true]],
    [
      { ENABLE_IPv6: 'true', ENABLE_IPv4: 'false', ENABLE_PREFIX_DELEGATION: 'true' },
      (c) => [c.ipv4, c.ipv6],
      [false, true],
    ],
    [{ IP_COOLDOWN_PERIOD: '0' }, (c) => c.pool.ipCooldownSeconds, 0],
    [{ IP_COOLDOWN_PERIOD: '120' }, (c) => c.pool.ipCooldownSeconds, 120],
    [{ AWS_EC2_ENDPOINT: 'http://127.0.0.1:4566/' }, (c) => c.aws.ec2Endpoint, 'http://127.0.0.1:4566'],
    [{ AWS_EC2_ENDPOINT: 'localhost:8080' }, (c) => c.aws.ec2Endpoint, 'https://localhost:8080'],
    [
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1338' },
      (c) => c.aws.imdsEndpoint,
      'http://127.0.0.1:1338',
    ],
    [{ DISABLE_NETWORK_RESOURCE_PROVISIONING: 'true' }, (c) => c.pool.disableNetworkResourceProvisioning, true],
    [{ AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'True' }, (c) => c.pool.manageEnisNonSchedulable, true],
    [{ CLUSTER_NAME: 'prod' }, (c) => c.aws.clusterName, 'prod'],
    [
      { ADDITIONAL_ENI_TAGS: '{"team":"net","x.k8s.amazonaws.com/y":"z"}' },
      (c) => [c.aws.additionalEniTags, c.aws.droppedEniTagKeys],
      [{ team: 'net' }, ['x.k8s.amazonaws.com/y']],
    ],
    [{ AWS_VPC_K8S_CNI_LOGLEVEL: 'info' }, (c) => c.server.logLevel, 'info'],
    [{ AWS_VPC_K8S_CNI_LOGLEVEL: 'WARN' }, (c) => c.server.logLevel, 'warn'],
    [{ AWS_VPC_K8S_CNI_LOG_FILE: 'stderr' }, (c) => c.server.logFile, 'stderr'],
    [{ AWS_VPC_K8S_CNI_LOG_FILE: '/tmp/x.log' }, (c) => c.server.logFile, '/tmp/x.log'],
    [{ AWS_VPC_K8S_CNI_BACKING_STORE: '/tmp/ipam.json' }, (c) => c.server.backingStore, '/tmp/ipam.json'],
    [{ IPAMD_SOCKET_PATH: '/tmp/s.sock' }, (c) => c.server.socketPath, '/tmp/s.sock'],
    [{ MAX_PODS: '29' }, (c) => c.pool.maxPods, 29],
    [{ AWS_REGION: 'us-west-2' }, (c) => c.aws.region, 'us-west-2'],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0x100' }, (c) => c.hostNetwork.connmark, 0x100],
    [
      { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8, 192.168.0.0/16' },
      (c) => c.hostNetwork.excludeSnatCidrs,
      ['10.0.0.0/8', '192.168.0.0/16'],
    ],
    [{ NETWORK_POLICY_ENFORCING_MODE: 'Standard' }, (c) => c.hostNetwork.networkPolicyEnforcingMode, 'standard'],
    [{ WARM_IP_TARGET: '' }, (c) => c.pool.warmIpTarget, 0],
    [{}, (c) => c.server.metricsBindAddress, ':61678'],
    [{ METRICS_BIND_ADDRESS: 'unix:/run/m.sock' }, (c) => c.server.metricsBindAddress, 'unix:/run/m.sock'],
    [{}, (c) => c.hostNetwork.manageHostNetwork, true],
    [{ VPC_CNI_TS_MANAGE_HOST_NETWORK: 'false' }, (c) => c.hostNetwork.manageHostNetwork, false],
    [{}, (c) => c.kube.inCluster, false],
    [{ KUBERNETES_SERVICE_HOST: '10.100.0.1' }, (c) => c.kube.inCluster, true],
    [{ VPC_CNI_TS_KUBE_TOKEN_FILE: '/t/token' }, (c) => c.kube.tokenFile, '/t/token'],
  ];
  it.each(cases)('%j', (env, pick, want) => {
    expect(pick(loadConfig(env))).toEqual(want);
  });
});

describe('loadConfig rejects invalid values naming variable, value and what is accepted', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ WARM_ENI_TARGET: 'two' }, /WARM_ENI_TARGET="two" is invalid: expected an integer/],
    [{ WARM_IP_TARGET: '1.5' }, /WARM_IP_TARGET="1.5" is invalid: expected an integer/],
    [{ MINIMUM_IP_TARGET: 'x' }, /MINIMUM_IP_TARGET="x"/],
    [{ WARM_PREFIX_TARGET: '1e3' }, /WARM_PREFIX_TARGET="1e3"/],
    [{ MAX_ENI: 'lots' }, /MAX_ENI="lots"/],
    [{ ENABLE_PREFIX_DELEGATION: 'yes' }, /ENABLE_PREFIX_DELEGATION="yes" is invalid: expected a boolean/],
    [{ ENABLE_IPv4: 'true', ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' }, /exactly one address family/],
    [{ ENABLE_IPv4: 'false' }, /exactly one address family/],
    [{ ENABLE_IPv6: 'true' }, /ENABLE_IPv6=true requires ENABLE_PREFIX_DELEGATION=true/],
    [{ IP_COOLDOWN_PERIOD: '-1' }, /IP_COOLDOWN_PERIOD="-1" is invalid: expected an integer in \[0, 86400\]/],
    [{ AWS_EC2_ENDPOINT: 'ftp://x' }, /AWS_EC2_ENDPOINT="ftp:\/\/x" is invalid: expected an http\(s\) URL/],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://' }, /AWS_EC2_METADATA_SERVICE_ENDPOINT/],
    [{ DISABLE_NETWORK_RESOURCE_PROVISIONING: 'nope' }, /DISABLE_NETWORK_RESOURCE_PROVISIONING="nope"/],
    [{ AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'maybe' }, /AWS_MANAGE_ENIS_NON_SCHEDULABLE="maybe"/],
    [{ ADDITIONAL_ENI_TAGS: '[1]' }, /ADDITIONAL_ENI_TAGS="\[1\]" is invalid: expected a JSON object/],
    [{ ADDITIONAL_ENI_TAGS: '{"a":1}' }, /ADDITIONAL_ENI_TAGS/],
    [{ ADDITIONAL_ENI_TAGS: '{not json' }, /ADDITIONAL_ENI_TAGS/],
    [
      { AWS_VPC_K8S_CNI_LOGLEVEL: 'verbose' },
      /AWS_VPC_K8S_CNI_LOGLEVEL="verbose" is invalid: expected one of DEBUG, INFO, WARN, ERROR, FATAL/,
    ],
    [
      { AWS_VPC_K8S_CNI_LOG_FILE: 'relative.log' },
      /AWS_VPC_K8S_CNI_LOG_FILE="relative.log" is invalid: expected stdout, stderr or an absolute path/,
    ],
    [
      { AWS_VPC_K8S_CNI_BACKING_STORE: 'ipam.json' },
      /AWS_VPC_K8S_CNI_BACKING_STORE="ipam.json" is invalid: expected an absolute path/,
    ],
    [{ IPAMD_SOCKET_PATH: 'x.sock' }, /IPAMD_SOCKET_PATH/],
    [{ MAX_PODS: '-3' }, /MAX_PODS="-3"/],
    [{ HTTP_TIMEOUT: '5' }, /HTTP_TIMEOUT="5" is invalid: expected an integer in \[10, 600\]/],
    [{ AWS_REGION: 'mars' }, /AWS_REGION="mars"/],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0' }, /AWS_VPC_K8S_CNI_CONNMARK/],
    [{ AWS_VPC_ENI_MTU: '100' }, /AWS_VPC_ENI_MTU="100"/],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'eth' }, /AWS_VPC_K8S_CNI_VETHPREFIX/],
    [{ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8,nope' }, /"nope" is not an IPv4 CIDR/],
    [{ AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'random' }, /expected one of prng, hashrandom, none/],
    [{ IPAMD_POOL_TICK_MS: '1' }, /IPAMD_POOL_TICK_MS/],
    [{ VPC_CNI_TS_MANAGE_HOST_NETWORK: 'maybe' }, /VPC_CNI_TS_MANAGE_HOST_NETWORK="maybe"/],
  ];
  it.each(cases)('%j', (env, re) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(re);
  });
  it('reports every problem at once', () => {
    try {
      loadConfig({ WARM_ENI_TARGET: 'a', WARM_IP_TARGET: 'b' });
      throw new Error('not thrown');
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
    }
  });
});
