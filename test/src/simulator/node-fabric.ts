import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { type Eni } from './model';
import { type World } from './world';

const run = promisify(execFile);

export interface NodeFabricOptions {
  /** The instance whose attached ENIs become links (default: the simulator's default instance). */
  readonly instanceId: string;
  /** Network namespace (name under /run/netns) that plays the node. */
  readonly nodeNetns: string;
  /** Network namespace holding the other end of every veth (the "VPC"). */
  readonly vpcNetns: string;
  /** Create both namespaces (and delete them on close). Default false: they must exist. */
  readonly createNamespaces?: boolean;
  /** MTU of the links (EC2 ENIs: 9001). */
  readonly mtu?: number;
  /** `ip` binary (default `ip`). */
  readonly ipCommand?: string;
}

/** Name of an ENI's link in the node namespace: eth<device> on card 0, else eth<card>n<device>. */
export function nodeLinkName(eni: Eni): string {
  const a = eni.attachment!;
  return a.networkCardIndex === 0 ? `eth${a.deviceIndex}` : `eth${a.networkCardIndex}n${a.deviceIndex}`;
}

/** Name of the VPC-side end: `v-` and the ENI id's last 12 hex digits (fits IFNAMSIZ). */
export function vpcLinkName(eni: Eni): string {
  return `v-${eni.networkInterfaceId.slice(-12)}`;
}

/**
 * Makes attached ENIs real on a test node (root only): when an ENI is attached to the instance, a veth appears in
 * the node namespace carrying the ENI's MAC (its peer in the VPC namespace); it disappears on detach. Kernel
 * commands run in order, off the request path; `idle()` waits for them, `errors` keeps failures.
 */
export class NodeFabric {
  readonly errors: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly live = new Map<string, string>();
  private unsubscribe?: () => void;
  private readonly ip: string;

  private constructor(readonly options: NodeFabricOptions) {
    this.ip = options.ipCommand ?? 'ip';
  }

  /** Starts following the world; links for ENIs already attached (the primary ENI) are made first. */
  static async start(world: World, options: NodeFabricOptions): Promise<NodeFabric> {
    for (const [k, v] of [
      ['nodeNetns', options.nodeNetns],
      ['vpcNetns', options.vpcNetns],
    ] as const) {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v)) throw new Error(`NodeFabric: ${k} "${v}" is not a valid namespace name`);
    }
    world.getInstance(options.instanceId);
    const f = new NodeFabric(options);
    if (options.createNamespaces) {
      await f.cmd(['netns', 'add', options.nodeNetns]);
      await f.cmd(['netns', 'add', options.vpcNetns]);
    }
    world.settle();
    for (const eni of world.enisOf(options.instanceId))
      if (eni.attachment!.status !== 'attaching') f.enqueue(() => f.add(eni));
    f.unsubscribe = world.subscribe({
      attached: (instanceId, eni) => {
        if (instanceId === options.instanceId) f.enqueue(() => f.add(eni));
      },
      detached: (instanceId, eni) => {
        if (instanceId === options.instanceId) f.enqueue(() => f.remove(eni.networkInterfaceId));
      },
    });
    await f.idle();
    return f;
  }

  private async cmd(args: string[]): Promise<string> {
    const { stdout } = await run(this.ip, args, { timeout: 10_000 });
    return stdout;
  }

  private enqueue(op: () => Promise<void>): void {
    this.queue = this.queue.then(op).catch((err: unknown) => {
      this.errors.push(String((err as Error)?.message ?? err).trim());
    });
  }

  private async add(eni: Eni): Promise<void> {
    if (!eni.attachment || this.live.has(eni.networkInterfaceId)) return;
    const { nodeNetns, vpcNetns } = this.options;
    const mtu = String(this.options.mtu ?? 9001);
    const node = nodeLinkName(eni);
    const vpc = vpcLinkName(eni);
    await this.cmd([
      'link',
      'add',
      'name',
      node,
      'address',
      eni.macAddress,
      'mtu',
      mtu,
      'netns',
      nodeNetns,
      'type',
      'veth',
      'peer',
      'name',
      vpc,
      'mtu',
      mtu,
      'netns',
      vpcNetns,
    ]);
    this.live.set(eni.networkInterfaceId, vpc);
    await this.cmd(['-n', nodeNetns, 'link', 'set', node, 'up']);
    await this.cmd(['-n', vpcNetns, 'link', 'set', vpc, 'up']);
  }

  private async remove(eniId: string): Promise<void> {
    const vpc = this.live.get(eniId);
    if (!vpc) return;
    this.live.delete(eniId);
    await this.cmd(['-n', this.options.vpcNetns, 'link', 'del', vpc]);
  }

  /** Resolves when every queued kernel change is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** MAC -> link name of the ENI links currently in the node namespace (read from the kernel). */
  async nodeLinks(): Promise<Map<string, string>> {
    const out = JSON.parse(await this.cmd(['-n', this.options.nodeNetns, '-j', 'link', 'show'])) as {
      ifname: string;
      address?: string;
      link_type?: string;
    }[];
    return new Map(out.filter((l) => l.link_type === 'ether' && l.address).map((l) => [l.address!, l.ifname]));
  }

  /** Stops following, removes the links it made, and the namespaces if it created them. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.idle();
    for (const id of [...this.live.keys()]) this.enqueue(() => this.remove(id));
    if (this.options.createNamespaces) {
      this.enqueue(() => this.cmd(['netns', 'del', this.options.nodeNetns]).then(() => undefined));
      this.enqueue(() => this.cmd(['netns', 'del', this.options.vpcNetns]).then(() => undefined));
    }
    await this.idle();
  }
}
