import { withFeatures, wantedFeatures } from './cninode-features';
import { eniConfigNameFor } from './eniconfig-name';
import { kubeErrorKind } from './kube-api';

const keys = { annotationKey: 'k8s.amazonaws.com/eniConfig', labelKey: 'topology.kubernetes.io/zone' };

describe('ENIConfig name for a node', () => {
  it.each([
    [{}, {}, 'default'],
    [{ 'topology.kubernetes.io/zone': 'az-a' }, {}, 'az-a'],
    [{ 'topology.kubernetes.io/zone': 'az-a' }, { 'k8s.amazonaws.com/eniConfig': 'special' }, 'special'],
    [
      { 'vpc.amazonaws.com/externalEniConfig': 'ext', 'topology.kubernetes.io/zone': 'az-a' },
      { 'k8s.amazonaws.com/eniConfig': 'special' },
      'ext',
    ],
  ])('labels %j annotations %j -> %s', (labels, annotations, name) => {
    expect(eniConfigNameFor({ labels, annotations }, keys)).toBe(name);
  });
});

describe('CNINode features', () => {
  it('asks for SGP, and custom networking only with a non-default ENIConfig', () => {
    expect(wantedFeatures({ podEni: false, eniConfigName: 'x' })).toEqual([]);
    expect(wantedFeatures({ podEni: true, eniConfigName: 'default' })).toEqual([{ name: 'SecurityGroupsForPods' }]);
    expect(wantedFeatures({ podEni: true, eniConfigName: 'az-a' })).toEqual([
      { name: 'SecurityGroupsForPods' },
      { name: 'CustomNetworking', value: 'az-a' },
    ]);
  });

  it('replaces a stale entry, keeps foreign ones, and says when no write is needed', () => {
    const cur = [
      { name: 'Other', value: '1' },
      { name: 'CustomNetworking', value: 'old' },
    ];
    expect(withFeatures(cur, [{ name: 'CustomNetworking', value: 'new' }])).toEqual([
      { name: 'Other', value: '1' },
      { name: 'CustomNetworking', value: 'new' },
    ]);
    expect(withFeatures([{ name: 'SecurityGroupsForPods' }], [{ name: 'SecurityGroupsForPods' }])).toBeUndefined();
  });
});

describe('kubeErrorKind', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [422, 'invalid'],
    [503, 'unavailable'],
    [undefined, 'unavailable'],
    [418, 'other'],
  ] as const)('%s -> %s', (status, kind) => expect(kubeErrorKind(status)).toBe(kind));
});
