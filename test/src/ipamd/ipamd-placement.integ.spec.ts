// SPDX-License-Identifier: Apache-2.0
/**
 * Where ipamd puts new ENIs and which ENIs give pods addresses, with the bundled ipamd against the AWS simulator (and
 * the API-server stand-in for custom networking): the ENIConfig's subnet and security groups for every new ENI, the
 * primary ENI kept out of the pool, a missing ENIConfig refusing start-up with a message that names it, and ENIs in
 * subnets tagged `kubernetes.io/role/cni=0` giving no pod addresses (their free addresses handed back).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AssignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { IPAMD_API_CALLS, rulesFor } from '@vpc-cni-ts/manifests';

import { KubeStandin } from '../kube-standin/kube-standin';
import { ec2ClientFor } from '../simulator';
import { cidr4Contains, parseCidr4, parseIpv4 } from '../simulator/ipv4';
import type { Scenario, Simulator } from '../simulator';
import { IpamdProcess, addPod, callDelta, ensureBundle, ipamdFor, simulator, waitFor } from './harness';

jest.setTimeout(90_000);

const NODE = 'ip-10-99-0-10.us-west-2.compute.internal';
const TOKEN = 'vct-ipamd-placement-token';
const ROLE = 'kubernetes.io/role/cni';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const NODE_SG = 'sg-0000000a';
const POD_SG = 'sg-0000000b';

function scenario(nodeSubnetTags: Record<string, string> = {}): Scenario {
  return {
    throttling: false,
    timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 },
    securityGroups: [NODE_SG, POD_SG],
    vpcs: [
      {
        cidrBlocks: ['10.99.0.0/16'],
        subnets: [
          { name: 'node', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/24', tags: nodeSubnetTags },
          { name: 'pods', availabilityZone: 'us-west-2a', cidrBlock: '10.99.64.0/20', tags: { [ROLE]: '1' } },
        ],
      },
    ],
    instances: [{ instanceType: 'm5.large', subnet: 'node', securityGroups: [NODE_SG] }],
  };
}

const inCidr = (cidr: string) => (ip: string) => cidr4Contains(parseCidr4(cidr)!, parseIpv4(ip)!);

describe('ipamd ENI placement', () => {
  let sim: Simulator | undefined;
  let api: KubeStandin | undefined;
  const procs: IpamdProcess[] = [];

  beforeAll(() => ensureBundle());
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      await p.stop();
      p.cleanup();
    }
    await api?.stop();
    await sim?.stop();
    api = sim = undefined;
  });

  const subnetIdOf = (name: string) => sim!.state.resolveSubnet(name)!.subnetId;
  const enis = () => {
    sim!.world.settle();
    return [...sim!.world.enis.values()].filter((e) => e.attachment);
  };

  function ipamd(env: Record<string, string>, withKube = false): IpamdProcess {
    const p = ipamdFor(sim!, withKube ? { CLUSTER_ENDPOINT: api!.url, MY_NODE_NAME: NODE, ...env } : env);
    let proc = p;
    if (withKube) {
      const tokenFile = join(p.dir, 'token');
      writeFileSync(tokenFile, `${TOKEN}\n`);
      proc = new IpamdProcess(p.dir, { ...p.env, VPC_CNI_TS_KUBE_TOKEN_FILE: tokenFile });
    }
    procs.push(proc);
    return proc;
  }

  async function withKube(nodeLabels: Record<string, string>): Promise<KubeStandin> {
    api = await new KubeStandin({ token: TOKEN, rules: rulesFor(IPAMD_API_CALLS) as never }).start();
    api.put('', 'nodes', { metadata: { name: NODE, labels: nodeLabels, annotations: {} }, spec: {}, status: {} });
    return api;
  }

  it('custom networking: new ENIs take the ENIConfig subnet and security groups; the primary ENI gives no pod IPs', async () => {
    sim = await simulator(scenario());
    await withKube({ [ZONE_LABEL]: 'us-west-2a' });
    api!.put('crd.k8s.amazonaws.com', 'eniconfigs', {
      metadata: { name: 'us-west-2a' },
      spec: { subnet: subnetIdOf('pods'), securityGroups: [POD_SG] },
    });
    const p = ipamd({ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: ZONE_LABEL }, true);
    await p.start();

    const secondary = enis().filter((e) => e.attachment!.deviceIndex > 0);
    expect(secondary).toHaveLength(1);
    expect(secondary[0]!.subnetId).toBe(subnetIdOf('pods'));
    expect(secondary[0]!.groups).toEqual([POD_SG]);
    const primary = enis().find((e) => e.attachment!.deviceIndex === 0)!;
    expect(primary.secondaryIps).toEqual([]); // never topped up

    const ips: string[] = [];
    for (let i = 0; i < 12; i++) ips.push(await addPod(p.client!, `cn-${i}`));
    expect(ips.every(inCidr('10.99.64.0/20'))).toBe(true);
    expect(new Set(ips).size).toBe(12);
    // m5.large: 9 secondaries per ENI; 12 pods need a second pod ENI, also in the ENIConfig subnet.
    await waitFor('two pod ENIs', () => enis().filter((e) => e.attachment!.deviceIndex > 0).length === 2);
    for (const e of enis().filter((x) => x.attachment!.deviceIndex > 0)) {
      expect(e.subnetId).toBe(subnetIdOf('pods'));
      expect(e.groups).toEqual([POD_SG]);
    }
    expect(enis().find((e) => e.attachment!.deviceIndex === 0)!.secondaryIps).toEqual([]);
    // max pods with custom networking: (3 ENIs - 1) x 9 + 2.
    expect(p.log()).toMatch(/"maxPods":20/);
  });

  it('custom networking: an empty ENIConfig security-group list means the primary ENI groups', async () => {
    sim = await simulator(scenario());
    await withKube({});
    api!.put('crd.k8s.amazonaws.com', 'eniconfigs', {
      metadata: { name: 'default' },
      spec: { subnet: subnetIdOf('pods') },
    });
    const p = ipamd({ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }, true);
    await p.start();
    const secondary = enis().filter((e) => e.attachment!.deviceIndex > 0);
    expect(secondary.map((e) => [e.subnetId, e.groups])).toEqual([[subnetIdOf('pods'), [NODE_SG]]]);
  });

  it('custom networking: a missing ENIConfig stops start-up with a message naming it, and creates nothing', async () => {
    sim = await simulator(scenario());
    await withKube({ [ZONE_LABEL]: 'us-west-2z' });
    const p = ipamd({ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: ZONE_LABEL }, true);
    await expect(p.start()).rejects.toThrow(/ENIConfig "us-west-2z" does not exist/);
    expect(await p.exit).not.toBe(0);
    expect(sim.calls().CreateNetworkInterface ?? 0).toBe(0);
    expect(enis()).toHaveLength(1);
  });

  it('kubernetes.io/role/cni=0 on the node subnet: the primary ENI gives no pod IPs, its free ones go back', async () => {
    sim = await simulator(scenario({ [ROLE]: '0' }));
    const ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
    const primaryId = enis()[0]!.networkInterfaceId;
    // Addresses left on the primary ENI from an earlier configuration.
    await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primaryId, SecondaryPrivateIpAddressCount: 3 }),
    );
    ec2.destroy();
    const before = sim.calls();
    const p = ipamd({ WARM_IP_TARGET: '4' });
    await p.start();
    const ip = await addPod(p.client!, 'excl-1');
    expect(inCidr('10.99.64.0/20')(ip)).toBe(true);
    const podEnis = enis().filter((e) => e.attachment!.deviceIndex > 0);
    expect(podEnis.map((e) => e.subnetId)).toEqual([subnetIdOf('pods')]);
    await waitFor(
      'primary ENI secondaries handed back',
      () => enis().find((e) => e.networkInterfaceId === primaryId)!.secondaryIps.length === 0,
    );
    const d = callDelta(sim.calls(), before);
    expect(d.CreateNetworkInterface).toBe(1);
    expect(d.UnassignPrivateIpAddresses).toBeGreaterThanOrEqual(1);
    expect(d.DescribeSubnets).toBeGreaterThanOrEqual(1);
    expect(p.log()).toMatch(/ENI excluded for pod addresses/);
  });
});
