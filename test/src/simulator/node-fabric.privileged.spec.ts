import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DetachNetworkInterfaceCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

import { type NodeFabric } from './node-fabric';
import { ec2ClientFor } from './sdk-clients';
import { type Simulator, startSimulator } from './simulator';

const d = process.getuid?.() === 0 ? describe : describe.skip;
if (process.getuid?.() !== 0) console.log('node-fabric.privileged.spec: skipped (needs root)');

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

d('node fabric: attached ENIs become links in the node namespace', () => {
  const tag = randomBytes(3).toString('hex');
  const nodeNs = `vct-sim-node-${tag}`;
  const vpcNs = `vct-sim-vpc-${tag}`;
  let sim: Simulator;
  let ec2: EC2Client;
  let fabric: NodeFabric;

  beforeAll(async () => {
    sim = await startSimulator({ throttling: false, timing: { attachDelayMs: 100, detachDelayMs: 100, imdsLagMs: 0 } });
    ec2 = ec2ClientFor(sim);
    fabric = await sim.enableNodeFabric({ nodeNetns: nodeNs, vpcNetns: vpcNs, createNamespaces: true });
  });
  afterAll(async () => {
    ec2?.destroy();
    await sim?.stop();
    for (const ns of [nodeNs, vpcNs]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone: stop() removed it
      }
    }
  });

  it('the primary ENI is eth0 with its MAC; an attached ENI appears (after attaching) and goes on detach', async () => {
    const primary = sim.state.enis.get(sim.state.instances.get(sim.instanceId)!.primaryEniId)!;
    expect((await fabric.nodeLinks()).get(primary.macAddress)).toBe('eth0');
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: primary.subnetId }));
    const att = await ec2.send(
      new AttachNetworkInterfaceCommand({
        NetworkInterfaceId: eni!.NetworkInterfaceId,
        InstanceId: sim.instanceId,
        DeviceIndex: 1,
      }),
    );
    const name = await until('link with the ENI MAC', async () => (await fabric.nodeLinks()).get(eni!.MacAddress!));
    expect(name).toBe('eth1');
    await fabric.idle(); // the link is brought up right after it is made
    const link = JSON.parse(execFileSync('ip', ['-n', nodeNs, '-j', 'link', 'show', 'eth1'], { encoding: 'utf8' })) as {
      mtu: number;
      flags: string[];
    }[];
    expect(link[0].mtu).toBe(9001);
    expect(link[0].flags).toContain('UP');
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId }));
    await until('link gone', async () => ((await fabric.nodeLinks()).has(eni!.MacAddress!) ? undefined : true));
    expect(fabric.errors).toEqual([]);
  });
});
