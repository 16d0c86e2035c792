// SPDX-License-Identifier: Apache-2.0
/**
 * ipamd (bundled executable) with Kubernetes features against the API-server stand-in (HTTP on 127.0.0.1, bearer
 * token, RBAC from the rendered ClusterRole) and the AWS simulator: ANNOTATE_POD_IP on ADD/DEL, a cordoned node
 * that does not grow its pool until uncordoned, the CNINode feature request of ENABLE_POD_ENI, and a clear start-up
 * failure when a feature needs an API server that is not configured.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { POD_IPS_ANNOTATION } from '@vpc-cni-ts/ipamd/kube';
import { IPAMD_API_CALLS, rulesFor } from '@vpc-cni-ts/manifests';

import { KubeStandin } from '../kube-standin/kube-standin';
import type { Simulator } from '../simulator';
import { IpamdProcess, eniState, ensureBundle, ipamdFor, simulator, waitFor } from './harness';

jest.setTimeout(90_000);

const NODE = 'ip-10-99-0-10.us-west-2.compute.internal';
const TOKEN = 'vct-ipamd-kube-token';

describe('ipamd with Kubernetes features (API-server stand-in)', () => {
  let sim: Simulator;
  let api: KubeStandin;
  const procs: IpamdProcess[] = [];

  beforeAll(() => ensureBundle());
  beforeEach(async () => {
    sim = await simulator();
    api = await new KubeStandin({ token: TOKEN, rules: rulesFor(IPAMD_API_CALLS) as never }).start();
    api.put('', 'nodes', { metadata: { name: NODE, labels: {}, annotations: {} }, spec: {}, status: {} });
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      await p.stop();
      p.cleanup();
    }
    await api.stop();
    await sim.stop();
  });

  function ipamd(env: Record<string, string>): IpamdProcess {
    const p = ipamdFor(sim, {
      CLUSTER_ENDPOINT: api.url,
      MY_NODE_NAME: NODE,
      VPC_CNI_TS_NODE_STATUS_INTERVAL_MS: '200',
      ...env,
    });
    const tokenFile = join(p.dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const withToken = new IpamdProcess(p.dir, { ...p.env, VPC_CNI_TS_KUBE_TOKEN_FILE: tokenFile });
    procs.push(withToken);
    return withToken;
  }

  it('ANNOTATE_POD_IP: ADD writes the pod IP annotation, DEL clears it', async () => {
    api.put('', 'pods', { metadata: { name: 'web-1', namespace: 'default', annotations: {} }, spec: {} });
    const p = ipamd({ ANNOTATE_POD_IP: 'true' });
    await p.start();
    const r = await p.client!.add({
      ContainerID: 'c1',
      IfName: 'eth0',
      NetworkName: 'aws-cni',
      K8S_POD_NAME: 'web-1',
      K8S_POD_NAMESPACE: 'default',
    });
    expect(r.Success).toBe(true);
    const ip = r.IPAllocationMetadata[0]!.IPv4Addr;
    expect(api.get('', 'pods', 'web-1', 'default')?.metadata.annotations).toEqual({ [POD_IPS_ANNOTATION]: ip });
    await p.client!.del({
      ContainerID: 'c1',
      IfName: 'eth0',
      NetworkName: 'aws-cni',
      K8S_POD_NAME: 'web-1',
      K8S_POD_NAMESPACE: 'default',
    });
    expect(api.get('', 'pods', 'web-1', 'default')?.metadata.annotations).toEqual({ [POD_IPS_ANNOTATION]: '' });
    // A pod the API server does not know: the ADD still succeeds (the failure is only logged).
    const r2 = await p.client!.add({
      ContainerID: 'c2',
      IfName: 'eth0',
      NetworkName: 'aws-cni',
      K8S_POD_NAME: 'ghost',
      K8S_POD_NAMESPACE: 'default',
    });
    expect(r2.Success).toBe(true);
    expect(p.log()).toMatch(/pod hook failed/);
  });

  it('a cordoned node does not grow its pool; uncordoned, it does', async () => {
    api.put('', 'nodes', { metadata: { name: NODE, labels: {}, annotations: {} }, spec: { unschedulable: true } });
    const p = ipamd({ WARM_IP_TARGET: '12' }); // more than the primary ENI's 9 secondaries: needs a second ENI
    await p.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(eniState(sim).attached).toBe(1);
    api.put('', 'nodes', { metadata: { name: NODE, labels: {}, annotations: {} }, spec: {} });
    await waitFor('second ENI once uncordoned', () => eniState(sim).attached === 2);
  });

  it('ENABLE_POD_ENI: asks for SecurityGroupsForPods on the CNINode', async () => {
    api.put('vpcresources.k8s.aws', 'cninodes', { metadata: { name: NODE }, spec: { features: [] } });
    const p = ipamd({ ENABLE_POD_ENI: 'true' });
    await p.start();
    expect(api.get('vpcresources.k8s.aws', 'cninodes', NODE)?.spec).toEqual({
      features: [{ name: 'SecurityGroupsForPods' }],
    });
  });

  it('refuses to start when a feature needs an API server and none is configured', async () => {
    const p = ipamd({ ANNOTATE_POD_IP: 'true', CLUSTER_ENDPOINT: '' });
    await expect(p.start()).rejects.toThrow(/ANNOTATE_POD_IP need the Kubernetes API server: set CLUSTER_ENDPOINT/);
    expect(await p.exit).toBe(1);
  });
});
