import {
  ClientNodeKubeApi,
  KubeError,
  PodIpAnnotator,
  POD_IPS_ANNOTATION,
  eniConfigNameFor,
  withFeatures,
  wantedFeatures,
} from '@vpc-cni-ts/ipamd/kube';
import { IPAMD_API_CALLS, rulesFor } from '@vpc-cni-ts/manifests';

import { KubeStandin } from './kube-standin';

// ipamd's Kubernetes adapter (the real @kubernetes/client-node) against the API-server stand-in, which authorizes
// every request against the ClusterRole rules config/ renders from ipamd's API-call table: if ipamd made a call the
// table lacks, it would get 403 here. The stand-in speaks plain HTTP, which the client accepts only with TLS
// verification off (insecure).
describe('ipamd Kubernetes adapter through @kubernetes/client-node', () => {
  const token = 'vct-token';
  let api: KubeStandin;
  let kube: ClientNodeKubeApi;

  beforeEach(async () => {
    api = await new KubeStandin({ token, rules: rulesFor(IPAMD_API_CALLS) as never }).start();
    kube = new ClientNodeKubeApi({ kind: 'endpoint', server: api.url, token, insecure: true });
    api.put('', 'nodes', {
      metadata: { name: 'ip-10-99-0-10', labels: { 'topology.kubernetes.io/zone': 'us-west-2a' }, annotations: {} },
      spec: { unschedulable: true },
      status: { capacity: { pods: '29' } },
    });
    api.put('', 'pods', { metadata: { name: 'web-1', namespace: 'default', annotations: {} }, spec: {} });
    api.put('crd.k8s.amazonaws.com', 'eniconfigs', {
      metadata: { name: 'us-west-2a' },
      spec: { subnet: 'subnet-0abc', securityGroups: ['sg-1'] },
    });
  });
  afterEach(async () => api.stop());

  it('reads the API server version and the node: labels, cordon, max pods', async () => {
    expect(await kube.probe()).toMatch(/^v1\.31/);
    const node = await kube.getNode('ip-10-99-0-10');
    expect(node).toMatchObject({ unschedulable: true, maxPods: 29 });
    expect(
      eniConfigNameFor(node, { annotationKey: 'k8s.amazonaws.com/eniConfig', labelKey: 'topology.kubernetes.io/zone' }),
    ).toBe('us-west-2a');
  });

  it("reads the node's ENIConfig and answers undefined for a missing one", async () => {
    expect(await kube.getEniConfig('us-west-2a')).toEqual({
      name: 'us-west-2a',
      subnet: 'subnet-0abc',
      securityGroups: ['sg-1'],
    });
    expect(await kube.getEniConfig('nope')).toBeUndefined();
  });

  it("reads a pod: annotations, resourceVersion, and whether its first container's limits ask for pod-eni", async () => {
    api.put('', 'pods', {
      metadata: { name: 'cart', namespace: 'shop', annotations: { 'vpc.amazonaws.com/pod-eni': '[]' } },
      spec: {
        containers: [
          { name: 'app', resources: { limits: { 'vpc.amazonaws.com/pod-eni': '1', memory: '64Mi' } } },
          { name: 'side', resources: {} },
        ],
      },
    });
    api.put('', 'pods', {
      metadata: { name: 'side', namespace: 'shop' },
      spec: {
        containers: [
          { name: 'app', resources: { requests: { 'vpc.amazonaws.com/pod-eni': '1' } } },
          { name: 'side', resources: { limits: { 'vpc.amazonaws.com/pod-eni': '1' } } },
        ],
      },
    });
    expect(await kube.getPod('shop', 'cart')).toEqual({
      namespace: 'shop',
      name: 'cart',
      annotations: { 'vpc.amazonaws.com/pod-eni': '[]' },
      resourceVersion: api.get('', 'pods', 'cart', 'shop')!.metadata.resourceVersion,
      podEniRequested: true,
    });
    // a request without a limit, or a limit on another container, does not count
    expect(await kube.getPod('shop', 'side')).toMatchObject({ podEniRequested: false, annotations: {} });
    expect(await kube.getPod('default', 'web-1')).toMatchObject({ podEniRequested: false });
    expect(await kube.getPod('shop', 'gone')).toBeUndefined();
  });

  it('annotates the pod IP on ADD, skips an equal value, clears it on DEL, and tolerates a gone pod', async () => {
    const ann = new PodIpAnnotator(kube);
    await ann.annotate('default', 'web-1', '10.99.1.5');
    expect(api.get('', 'pods', 'web-1', 'default')?.metadata.annotations).toEqual({
      [POD_IPS_ANNOTATION]: '10.99.1.5',
    });
    const patches = api.calls.filter((c) => c.verb === 'PATCH').length;
    await ann.annotate('default', 'web-1', '10.99.1.5');
    expect(api.calls.filter((c) => c.verb === 'PATCH').length).toBe(patches);
    await ann.clear('default', 'web-1', '10.99.1.6'); // not ours any more: left alone
    expect(api.get('', 'pods', 'web-1', 'default')?.metadata.annotations).toEqual({
      [POD_IPS_ANNOTATION]: '10.99.1.5',
    });
    await ann.clear('default', 'web-1', '10.99.1.5');
    expect(api.get('', 'pods', 'web-1', 'default')?.metadata.annotations).toEqual({ [POD_IPS_ANNOTATION]: '' });
    await expect(ann.clear('default', 'gone', '10.99.1.5')).resolves.toBeUndefined();
  });

  it('a stale resourceVersion gets 409 Conflict; the annotator re-reads and wins', async () => {
    const pod = await kube.getPod('default', 'web-1');
    api.put('', 'pods', {
      ...api.get('', 'pods', 'web-1', 'default')!,
      metadata: { ...api.get('', 'pods', 'web-1', 'default')!.metadata, labels: { changed: 'yes' } },
    });
    await expect(kube.patchPodAnnotation('default', 'web-1', 'x', 'y', pod!.resourceVersion)).rejects.toMatchObject({
      kind: 'conflict',
      status: 409,
    });
    await new PodIpAnnotator(kube).annotate('default', 'web-1', '10.99.1.7');
    expect(api.get('', 'pods', 'web-1', 'default')?.metadata.annotations).toMatchObject({
      [POD_IPS_ANNOTATION]: '10.99.1.7',
    });
  });

  it('requests SGP and custom networking on the CNINode under optimistic lock, replacing a stale entry', async () => {
    api.put('vpcresources.k8s.aws', 'cninodes', {
      metadata: { name: 'ip-10-99-0-10' },
      spec: { features: [{ name: 'CustomNetworking', value: 'old' }] },
    });
    const cn = (await kube.getCniNode('ip-10-99-0-10'))!;
    const next = withFeatures(cn.features, wantedFeatures({ podEni: true, eniConfigName: 'us-west-2a' }))!;
    await kube.patchCniNodeFeatures('ip-10-99-0-10', next, cn.resourceVersion);
    expect(api.get('vpcresources.k8s.aws', 'cninodes', 'ip-10-99-0-10')?.spec).toEqual({
      features: [{ name: 'SecurityGroupsForPods' }, { name: 'CustomNetworking', value: 'us-west-2a' }],
    });
    const again = (await kube.getCniNode('ip-10-99-0-10'))!;
    expect(withFeatures(again.features, wantedFeatures({ podEni: true, eniConfigName: 'us-west-2a' }))).toBeUndefined();
  });

  it('records a Warning event on the aws-node pod', async () => {
    await kube.createPodEvent(
      'kube-system',
      'aws-node-abcde',
      'Warning',
      'MissingIAMPermissions',
      'Unauthorized operation: ec2:CreateNetworkInterface',
    );
    const ev = api.list('', 'events')[0];
    expect(ev).toMatchObject({
      reason: 'MissingIAMPermissions',
      type: 'Warning',
      involvedObject: { name: 'aws-node-abcde', kind: 'Pod' },
    });
  });

  it('names the call and the kind of failure: forbidden, unauthorized, server errors', async () => {
    const limited = await new KubeStandin({
      token,
      rules: [{ nonResourceURLs: ['/version'], verbs: ['get'] }],
    }).start();
    try {
      const k = new ClientNodeKubeApi({ kind: 'endpoint', server: limited.url, token, insecure: true });
      await expect(k.getNode('n1')).rejects.toMatchObject({ kind: 'forbidden', status: 403 });
      await expect(k.getNode('n1')).rejects.toThrow(/kubernetes get node n1: 403: .*cannot get resource "nodes"/);
    } finally {
      await limited.stop();
    }
    await expect(
      new ClientNodeKubeApi({ kind: 'endpoint', server: api.url, token: 'wrong', insecure: true }).probe(),
    ).rejects.toMatchObject({ kind: 'unauthorized' });
    api.injectFault({ pathIncludes: '/nodes/', status: 503, count: 1 });
    const err = await kube.getNode('ip-10-99-0-10').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect(err).toMatchObject({ kind: 'unavailable', status: 503 });
    expect((await kube.getNode('ip-10-99-0-10')).name).toBe('ip-10-99-0-10');
  });

  it('an unreachable API server is "unavailable", not a hang', async () => {
    const dead = new ClientNodeKubeApi({ kind: 'endpoint', server: 'http://127.0.0.1:1', token, insecure: true });
    await expect(dead.probe()).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
