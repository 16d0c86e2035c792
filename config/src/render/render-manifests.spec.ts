import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ManifestError } from '../manifest-error';
import { renderManifests, type RenderOptions } from './render-manifests';
import type { KubeObject } from './kube-object';
import { validateObjects } from './validate';

const VARIANTS: Record<string, RenderOptions> = {
  default: {},
  'custom networking': {
    set: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone' },
    eniConfigs: [
      { name: 'us-west-2a', subnet: 'subnet-0a1b2c', securityGroups: ['sg-01', 'sg-02'] },
      { name: 'us-west-2b', subnet: 'subnet-0d4e5f' },
    ],
  },
  'pod ENI': { set: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' } },
  IPv6: { set: { ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' } },
  'prefix delegation': { set: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '2' } },
  'everything else': {
    set: {
      ANNOTATE_POD_IP: 'true',
      DISABLE_METRICS: 'true',
      ENABLE_BANDWIDTH_PLUGIN: 'true',
      AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.1.0.0/16,192.168.0.0/24',
      ADDITIONAL_ENI_TAGS: '{"team":"net"}',
      CLUSTER_NAME: 'prod',
    },
    image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/vpc-cni-ts:v1.2.3',
    namespace: 'networking',
    roleArn: 'arn:aws:iam::123456789012:role/aws-node',
    rbac: 'all-features',
  },
};

const find = <T>(objects: readonly KubeObject[], kind: string) => objects.find((o) => o.kind === kind) as T;

describe('renderManifests', () => {
  it.each(Object.entries(VARIANTS))('%s: every object validates against the Kubernetes schemas', (_, opts) => {
    const { objects } = renderManifests(opts);
    expect(() => validateObjects(objects)).not.toThrow();
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'DaemonSet',
      ]),
    );
  });

  it('puts settings into the DaemonSet env of the containers that read them', () => {
    const { objects } = renderManifests(VARIANTS.IPv6);
    const ds = find<IDaemonSet>(objects, 'DaemonSet');
    const envOf = (c?: { env?: { name: string; value?: string }[] }) =>
      Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));
    const node = envOf(ds.spec?.template.spec?.containers[0]);
    const init = envOf(ds.spec?.template.spec?.initContainers?.[0]);
    expect(node.ENABLE_IPv6).toBe('true');
    expect(node.ENABLE_IPv4).toBe('false');
    expect(node.ENABLE_PREFIX_DELEGATION).toBe('true');
    expect(init.ENABLE_IPv6).toBe('true');
    expect(init.ENABLE_PREFIX_DELEGATION).toBeUndefined();
  });

  it('renders ENIConfigs after the CRD, and the IRSA annotation and namespace', () => {
    const cn = renderManifests(VARIANTS['custom networking']).objects;
    expect(cn.filter((o) => o.kind === 'ENIConfig').map((o) => o.metadata?.name)).toEqual(['us-west-2a', 'us-west-2b']);
    expect(cn.findIndex((o) => o.kind === 'ENIConfig')).toBeGreaterThan(
      cn.findIndex((o) => o.kind === 'CustomResourceDefinition'),
    );
    const all = renderManifests(VARIANTS['everything else']).objects;
    const sa = find<{ metadata: { namespace: string; annotations: Record<string, string> } }>(all, 'ServiceAccount');
    expect(sa.metadata.namespace).toBe('networking');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/aws-node');
    const ds = find<IDaemonSet>(all, 'DaemonSet');
    expect(ds.metadata?.namespace).toBe('networking');
    expect(ds.spec?.template.spec?.containers[0].image).toBe(
      '123456789012.dkr.ecr.us-west-2.amazonaws.com/vpc-cni-ts:v1.2.3',
    );
    expect(ds.spec?.template.spec?.initContainers?.[0].image).toBe(ds.spec?.template.spec?.containers[0].image);
    expect(ds.spec?.template.spec?.containers[0].env?.find((e) => e.name === 'VPC_CNI_VERSION')?.value).toBe('v1.2.3');
  });

  it('leaves out the CRD with includeCrd false and the metrics port with DISABLE_METRICS', () => {
    const objects = renderManifests({ includeCrd: false, set: { DISABLE_METRICS: 'true' } }).objects;
    expect(objects.some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
    expect(find<IDaemonSet>(objects, 'DaemonSet').spec?.template.spec?.containers[0].ports).toBeUndefined();
  });

  it('warns about deprecated variables and ENIConfigs without custom networking', () => {
    const r = renderManifests({ set: { ENABLE_NFTABLES: 'true' }, eniConfigs: [{ name: 'a', subnet: 'subnet-1' }] });
    expect(r.warnings.join('\n')).toMatch(/ENABLE_NFTABLES is deprecated/);
    expect(r.warnings.join('\n')).toMatch(/AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG is not true/);
  });

  it.each([
    [{ image: 'bad image' }, /--image: 'bad image' is not an image reference/],
    [{ image: 'repo:' }, /--image/],
    [{ namespace: 'Kube_System' }, /--namespace: 'Kube_System'/],
    [{ roleArn: 'role/aws-node' }, /--role-arn/],
    [{ set: { ENABLE_IPv6: 'true' } }, /requires ENABLE_PREFIX_DELEGATION=true/],
  ] as [RenderOptions, RegExp][])('rejects bad input %j', (opts, message) => {
    expect(() => renderManifests(opts)).toThrow(ManifestError);
    expect(() => renderManifests(opts)).toThrow(message);
  });

  it('lets the ClusterRole grow only with the features that need it', () => {
    const rules = (opts: RenderOptions) => find<IClusterRole>(renderManifests(opts).objects, 'ClusterRole').rules ?? [];
    expect(rules({}).some((r) => r.resources?.includes('pods'))).toBe(false);
    expect(rules({ set: { ANNOTATE_POD_IP: 'true' } }).find((r) => r.resources?.includes('pods'))?.verbs).toEqual([
      'get',
      'patch',
    ]);
  });
});

describe('validateObjects', () => {
  const ds = () => find<IDaemonSet>(renderManifests().objects, 'DaemonSet');

  it('rejects a DaemonSet the schema forbids, naming the object and the field', () => {
    const bad = ds() as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    bad.spec.template.spec.containers[0].ports = [{ containerPort: 'metrics' }];
    expect(() => validateObjects([bad as unknown as KubeObject])).toThrow(
      /DaemonSet aws-node does not match the Kubernetes schema: .*containerPort must be integer/,
    );
  });

  it('rejects a ClusterRole rule without verbs, an ENIConfig without subnet, and unknown kinds', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''] }],
    };
    expect(() => validateObjects([role])).toThrow(/ClusterRole r does not match.*verbs/);
    const eni = { apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', kind: 'ENIConfig', metadata: { name: 'a' }, spec: {} };
    expect(() => validateObjects([eni])).toThrow(/spec.subnet is required/);
    expect(() => validateObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }])).toThrow(
      /no schema known for v1\/Pod/,
    );
  });
});
