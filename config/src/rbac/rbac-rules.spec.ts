import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { IPAMD_API_CALLS, KUBE_API_METHOD_CALLS, type ApiCall } from '../api-calls';
import { ENV_VARS } from '../env/env-vars';
import { renderManifests } from '../render/render-manifests';
import { enabledCalls, grantsNeeded, grantsOf, rulesFor } from './rbac-rules';

const FLAG_SETS: Record<string, Record<string, string>> = {
  default: {},
  'custom networking': { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
  'pod ENI': { ENABLE_POD_ENI: 'true' },
  'annotate pod IP': { ANNOTATE_POD_IP: 'true' },
  IPv6: { ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' },
  'prefix delegation': { ENABLE_PREFIX_DELEGATION: 'true' },
  'pod ENI + custom networking + annotate': {
    ENABLE_POD_ENI: 'true',
    AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: '1',
    ANNOTATE_POD_IP: 'True',
  },
};

const clusterRole = (set: Record<string, string>, rbac?: 'all-features') =>
  renderManifests({ set, rbac }).objects.find((o) => o.kind === 'ClusterRole') as IClusterRole;

const callGrant = (c: ApiCall) => grantsNeeded([c])[0];

describe('ClusterRole derived from the API calls table', () => {
  it.each(Object.entries(FLAG_SETS))('%s: grants exactly the calls ipamd makes with those settings', (_, set) => {
    const granted = grantsOf(clusterRole(set).rules ?? []);
    const needed = IPAMD_API_CALLS.filter(
      (c) => c.when.length === 0 || c.when.some((f) => ['true', '1', 'True'].includes(set[f] ?? '')),
    );
    expect(granted).toEqual(grantsNeeded(needed));
  });

  it('all-features grants every call in the table and nothing else', () => {
    expect(grantsOf(clusterRole({}, 'all-features').rules ?? [])).toEqual(grantsNeeded(IPAMD_API_CALLS));
  });

  it('each conditional call is granted when one of its flags is on, and not with all flags off', () => {
    const base = grantsOf(clusterRole({}).rules ?? []);
    for (const call of IPAMD_API_CALLS.filter((c) => c.when.length > 0)) {
      expect(base).not.toContain(callGrant(call));
      for (const flag of call.when)
        expect(grantsOf(clusterRole({ [flag]: 'true' }).rules ?? [])).toContain(callGrant(call));
    }
  });

  it('matches the notes: core nodes get, events create always; pods patch only for ANNOTATE_POD_IP; cninodes for SGP', () => {
    expect(grantsOf(clusterRole({}).rules ?? [])).toEqual(['/events:create', '/nodes:get', 'url:/version:get']);
    expect(grantsOf(clusterRole(FLAG_SETS['pod ENI']).rules ?? [])).toEqual(
      expect.arrayContaining(['vpcresources.k8s.aws/cninodes:get', 'vpcresources.k8s.aws/cninodes:patch', '/pods:get']),
    );
    expect(grantsOf(clusterRole(FLAG_SETS['pod ENI']).rules ?? [])).not.toContain('/pods:patch');
    expect(grantsOf(clusterRole(FLAG_SETS['custom networking']).rules ?? [])).toContain(
      'crd.k8s.amazonaws.com/eniconfigs:get',
    );
  });

  it('never grants wildcards, list/watch, or secrets', () => {
    const all = grantsOf(clusterRole({}, 'all-features').rules ?? []);
    expect(all.filter((g) => /\*|:list$|:watch$|secrets/.test(g))).toEqual([]);
  });
});

describe('the API calls table', () => {
  it('has unique ids and conditions that name boolean variables of the env table', () => {
    const ids = IPAMD_API_CALLS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const bools = new Set(ENV_VARS.filter((v) => v.kind.type === 'bool').map((v) => v.name));
    for (const c of IPAMD_API_CALLS) for (const f of c.when) expect(bools.has(f) ? f : `${c.id}: ${f}`).toBe(f);
  });
});

describe('rulesFor / enabledCalls', () => {
  const call = (over: Partial<ApiCall>): ApiCall =>
    ({
      id: 'x',
      kind: 'resource',
      group: 'g',
      resource: 'r',
      namespaced: false,
      verb: 'get',
      when: [],
      purpose: '',
      ...over,
    }) as ApiCall;

  it('merges verbs per (group, resource) and keeps non-resource URLs apart', () => {
    const rules = rulesFor([
      call({ verb: 'get' }),
      call({ verb: 'patch' }),
      call({ verb: 'get' }),
      call({ resource: 's' }),
      call({ kind: 'non-resource', path: '/healthz' } as Partial<ApiCall>),
    ]);
    expect(rules).toEqual([
      { apiGroups: ['g'], resources: ['r'], verbs: ['get', 'patch'] },
      { apiGroups: ['g'], resources: ['s'], verbs: ['get'] },
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    ]);
  });

  it('treats Go spellings of true as on and anything else as off', () => {
    const calls = [call({ id: 'a', when: ['F'] })];
    expect(enabledCalls(calls, { mode: 'settings', env: { F: 'TRUE' } })).toHaveLength(1);
    expect(enabledCalls(calls, { mode: 'settings', env: { F: 'false' } })).toHaveLength(0);
    expect(enabledCalls(calls, { mode: 'settings', env: {} })).toHaveLength(0);
  });
});

describe("ipamd's KubeApi port", () => {
  it('maps every method to rows of the table, and every row to a method', () => {
    const ids = new Set(IPAMD_API_CALLS.map((c) => c.id));
    const used = Object.values(KUBE_API_METHOD_CALLS).flat();
    expect(used.filter((id) => !ids.has(id))).toEqual([]);
    expect([...ids].filter((id) => !used.includes(id))).toEqual([]);
  });
});
