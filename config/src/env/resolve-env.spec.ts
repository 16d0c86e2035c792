import { ManifestError } from '../manifest-error';
import { ENV_VARS } from './env-vars';
import { resolveEnv } from './resolve-env';

const problems = (set: Record<string, string>): string => {
  try {
    resolveEnv(set);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(set)}`);
};

describe('resolveEnv', () => {
  it('gives every variable with a default its default, in table order', () => {
    const { values } = resolveEnv({});
    expect(Object.keys(values)).toEqual(ENV_VARS.filter((v) => v.default !== undefined).map((v) => v.name));
    for (const v of ENV_VARS) if (v.default !== undefined) expect(values[v.name]).toBe(v.default);
  });

  it('every default passes its own check', () => {
    // Rendering with each default set explicitly must be accepted.
    const set = Object.fromEntries(
      ENV_VARS.filter((v) => v.default !== undefined).map((v) => [v.name, v.default as string]),
    );
    expect(() => resolveEnv(set)).not.toThrow();
  });

  it('applies overrides, and turns ENABLE_IPv4 off when only ENABLE_IPv6 is set', () => {
    const { values, explicit } = resolveEnv({
      ENABLE_IPv6: 'true',
      ENABLE_PREFIX_DELEGATION: 'true',
      CLUSTER_NAME: 'prod',
    });
    expect(values).toMatchObject({ ENABLE_IPv6: 'true', ENABLE_IPv4: 'false', CLUSTER_NAME: 'prod' });
    expect(explicit).toEqual(['ENABLE_IPv6', 'ENABLE_PREFIX_DELEGATION', 'CLUSTER_NAME']);
  });

  it('uses the version for VPC_CNI_VERSION unless it is set', () => {
    expect(resolveEnv({}, { version: 'v9' }).values.VPC_CNI_VERSION).toBe('v9');
    expect(resolveEnv({ VPC_CNI_VERSION: 'x' }, { version: 'v9' }).values.VPC_CNI_VERSION).toBe('x');
  });

  it('rejects unknown names with a suggestion, and downward-API names', () => {
    expect(problems({ WARM_IP_TARGE: '1' })).toMatch(
      /^unknown variable 'WARM_IP_TARGE'; did you mean 'WARM_IP_TARGET'/,
    );
    expect(problems({ MY_NODE_NAME: 'n' })).toMatch(
      /MY_NODE_NAME cannot be set: it comes from the pod's spec.nodeName/,
    );
  });

  it.each([
    [{ ENABLE_POD_ENI: 'yes' }, "ENABLE_POD_ENI: expected a boolean (true or false), got 'yes'"],
    [{ WARM_ENI_TARGET: '-1' }, 'WARM_ENI_TARGET: must be at least 0, got -1'],
    [{ WARM_IP_TARGET: '+5' }, "WARM_IP_TARGET: expected an integer, got '+5'"],
    [{ AWS_VPC_ENI_MTU: '9002' }, 'AWS_VPC_ENI_MTU: must be at most 9001, got 9002'],
    [{ POD_MTU: '500' }, 'POD_MTU: must be at least 576, got 500'],
    [{ HTTP_TIMEOUT: '5' }, 'HTTP_TIMEOUT: must be at least 10, got 5'],
    [
      { AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'random' },
      "AWS_VPC_K8S_CNI_RANDOMIZESNAT: expected one of prng, hashrandom, none, got 'random'",
    ],
    [
      { POD_SECURITY_GROUP_ENFORCING_MODE: 'Strict' },
      'POD_SECURITY_GROUP_ENFORCING_MODE: expected one of strict, standard',
    ],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0' }, 'AWS_VPC_K8S_CNI_CONNMARK: must be in [1, 4294967295], got 0'],
    [{ AWS_VPC_K8S_CNI_CONNMARK: '0x100000000' }, 'AWS_VPC_K8S_CNI_CONNMARK: must be in'],
    [{ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8,fd00::/8' }, "'fd00::/8' is not one"],
    [{ ADDITIONAL_ENI_TAGS: '[1]' }, 'ADDITIONAL_ENI_TAGS: expected a JSON object'],
    [{ ADDITIONAL_ENI_TAGS: '{"a":1}' }, "tag 'a' must have a string value"],
    [{ ADDITIONAL_ENI_TAGS: '{bad' }, 'ADDITIONAL_ENI_TAGS: expected a JSON object such as'],
    [{ ENABLE_IPv6: 'true' }, 'ENABLE_IPv6=true requires ENABLE_PREFIX_DELEGATION=true'],
    [{ ENABLE_IPv6: 'true', ENABLE_IPv4: 'true', ENABLE_PREFIX_DELEGATION: 'true' }, 'dual stack is not supported'],
    [{ ENABLE_IPv4: 'false' }, 'ENABLE_IPv4 and ENABLE_IPv6 are both false'],
    [
      { ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
      'cannot be combined',
    ],
    [
      { ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true', POD_MTU: '1000' },
      'POD_MTU: must be at least 1280 in IPv6 mode',
    ],
    [
      { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '0' },
      'needs WARM_IP_TARGET, WARM_PREFIX_TARGET or MINIMUM_IP_TARGET above 0',
    ],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'veths' }, 'must be 1 to 4 characters'],
    [{ AWS_VPC_K8S_CNI_VETHPREFIX: 'vlan' }, "'vlan' is reserved"],
    [{ AWS_VPC_K8S_PLUGIN_LOG_FILE: 'stdout' }, 'stdout carries the CNI result'],
  ])('rejects %j', (set, message) => {
    expect(problems(set)).toContain(message);
  });

  it('reports every problem at once', () => {
    const msg = problems({ ENABLE_POD_ENI: 'yes', WARM_ENI_TARGET: 'x', NOPE: '1' });
    expect(msg.split('\n')).toHaveLength(3);
  });

  it('accepts prefix delegation with a warm IP target instead of WARM_PREFIX_TARGET', () => {
    expect(
      resolveEnv({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '0', WARM_IP_TARGET: '5' }).values
        .WARM_IP_TARGET,
    ).toBe('5');
  });

  it('accepts deprecated variables with a warning', () => {
    expect(resolveEnv({ AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER: 'false' }).warnings).toEqual([
      'AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER is deprecated (no-op since upstream v1.12.1); it has no effect',
    ]);
  });

  it('returns frozen values', () => {
    const { values } = resolveEnv({});
    expect(Object.isFrozen(values)).toBe(true);
  });
});
