import { KubeError, type EniConfig, type KubeApi, type NodeInfo } from '../kube';
import { MemoryLogger, PlacementError } from '../ports';
import { CustomNetworkPlacement } from './custom-network-placement';

/** The two reads custom networking makes, over in-memory nodes and ENIConfigs; anything else is not expected. */
class MemoryKube implements Pick<KubeApi, 'getNode' | 'getEniConfig'> {
  readonly nodes = new Map<string, NodeInfo>();
  readonly eniConfigs = new Map<string, EniConfig>();
  reads = 0;
  down = false;
  async getNode(name: string): Promise<NodeInfo> {
    this.reads++;
    if (this.down) throw new KubeError(`get node ${name}`, 'unavailable', 503, 'connection refused');
    const n = this.nodes.get(name);
    if (!n) throw new KubeError(`get node ${name}`, 'not-found', 404, 'not found');
    return n;
  }
  async getEniConfig(name: string): Promise<EniConfig | undefined> {
    this.reads++;
    return this.eniConfigs.get(name);
  }
}

const node = (labels: Record<string, string>, annotations: Record<string, string> = {}): NodeInfo => ({
  name: 'n1',
  labels,
  annotations,
  unschedulable: false,
});

function rig() {
  const kube = new MemoryKube();
  kube.eniConfigs.set('us-west-2a', { name: 'us-west-2a', subnet: 'subnet-a', securityGroups: ['sg-a'] });
  kube.eniConfigs.set('special', { name: 'special', subnet: 'subnet-s', securityGroups: [] });
  const placement = new CustomNetworkPlacement({
    kube: kube as unknown as KubeApi,
    nodeName: 'n1',
    keys: { annotationKey: 'k8s.amazonaws.com/eniConfig', labelKey: 'topology.kubernetes.io/zone' },
    logger: new MemoryLogger(),
    alsoExcluded: async (enis) => enis.filter((e) => e.subnetId === 'subnet-tagged-0').map((e) => e.id),
  });
  return { kube, placement };
}

describe('CustomNetworkPlacement', () => {
  it("puts new ENIs in the ENIConfig's subnet with its security groups, read fresh each time", async () => {
    const { kube, placement } = rig();
    kube.nodes.set('n1', node({ 'topology.kubernetes.io/zone': 'us-west-2a' }));
    expect(await placement.forNewEni()).toEqual({
      subnetIds: ['subnet-a'],
      securityGroupIds: ['sg-a'],
      source: 'eniconfig:us-west-2a',
    });
    // The annotation wins over the label; an empty group list means the primary ENI's groups.
    kube.nodes.set(
      'n1',
      node({ 'topology.kubernetes.io/zone': 'us-west-2a' }, { 'k8s.amazonaws.com/eniConfig': 'special' }),
    );
    expect(await placement.forNewEni()).toEqual({
      subnetIds: ['subnet-s'],
      securityGroupIds: undefined,
      source: 'eniconfig:special',
    });
    expect(kube.reads).toBe(4);
  });

  it('names the missing ENIConfig and how the node selects it', async () => {
    const { kube, placement } = rig();
    kube.nodes.set('n1', node({}));
    const err = await placement.forNewEni().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlacementError);
    expect((err as Error).message).toMatch(
      /ENIConfig "default" does not exist.*k8s\.amazonaws\.com\/eniConfig annotation/,
    );
  });

  it('says so when the node cannot be read', async () => {
    const { kube, placement } = rig();
    kube.down = true;
    await expect(placement.forNewEni()).rejects.toThrow(
      /cannot read node n1 to find its ENIConfig.*connection refused/,
    );
  });

  it('excludes the primary ENI and ENIs the subnet rules exclude', async () => {
    const { placement } = rig();
    const excluded = await placement.excludedEnis([
      { id: 'eni-0', subnetId: 'subnet-node', isPrimary: true },
      { id: 'eni-1', subnetId: 'subnet-a', isPrimary: false },
      { id: 'eni-2', subnetId: 'subnet-tagged-0', isPrimary: false },
    ]);
    expect([...excluded].sort()).toEqual(['eni-0', 'eni-2']);
  });
});
