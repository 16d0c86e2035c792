import { Datastore, statsOf, type PoolStats } from '@vpc-cni-ts/ipamd/datastore';
import { planPool, type PoolTargets } from '@vpc-cni-ts/ipamd/planner';

const ip = (n: number): string => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** EC2 actions a pool action costs (notes 4.4 / 5.1). */
export type Ec2Action =
  | 'CreateNetworkInterface'
  | 'AttachNetworkInterface'
  | 'ModifyNetworkInterfaceAttribute'
  | 'AssignPrivateIpAddresses'
  | 'UnassignPrivateIpAddresses'
  | 'DetachNetworkInterface'
  | 'DeleteNetworkInterface';

/** One point of a node's history. */
export interface NodePoint {
  readonly t: number;
  readonly pods: number;
  readonly held: number;
  readonly enis: number;
}

/**
 * One node on paper: ipamd's real datastore and planner, with a perfect EC2 (every plan succeeds at once and
 * addresses are made up). `tick()` is one pool pass on ipamd's cadence; pods come and go through `addPods` /
 * `removePods`, and a pod that finds no address waits for the next tick, as with upstream's fixed cadence.
 */
export class PaperNode {
  readonly ds: Datastore;
  now = 0;
  readonly calls: Record<Ec2Action, number> = {
    CreateNetworkInterface: 0,
    AttachNetworkInterface: 0,
    ModifyNetworkInterfaceAttribute: 0,
    AssignPrivateIpAddresses: 0,
    UnassignPrivateIpAddresses: 0,
    DetachNetworkInterface: 0,
    DeleteNetworkInterface: 0,
  };
  private nextIp = 0x0a000100;
  private nextPrefix = 0x0b000000;
  private enis = 1;
  private seq = 0;
  private readonly running: string[] = [];
  private waiting = 0;
  private lastDecrease = -Infinity;

  constructor(
    readonly targets: PoolTargets,
    cooldownMs = 30_000,
    private readonly tickMs = 5_000,
    private readonly decreaseMs = 30_000,
  ) {
    this.ds = new Datastore({ prefixMode: targets.prefixDelegation, cooldownMs });
    this.ds.addEni({
      id: 'eni-0',
      deviceNumber: 0,
      isPrimary: true,
      subnetId: 's',
      primaryIp: '10.0.0.10',
      createdAt: 0,
    });
  }

  get stats(): PoolStats & { enis: number; pods: number; waiting: number } {
    return {
      ...statsOf(this.ds.snapshot(this.now)),
      enis: this.ds.eniIds().length,
      pods: this.running.length,
      waiting: this.waiting,
    };
  }

  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private add(eniId: string, unit: 'ip' | 'prefix', n: number): void {
    for (let i = 0; i < n; i++) {
      if (unit === 'ip') this.ds.addCidr(eniId, ip(this.nextIp++), false);
      else {
        this.ds.addCidr(eniId, `${ip(this.nextPrefix)}/28`, true);
        this.nextPrefix += 16;
      }
    }
  }

  private placeWaiting(): void {
    while (this.waiting > 0) {
      const id = `p${this.seq}`;
      if (!this.ds.assign({ networkName: 'aws-cni', containerId: id, ifName: 'eth0' }, {}, this.now)) return;
      this.seq++;
      this.running.push(id);
      this.waiting--;
    }
  }

  addPods(n: number): void {
    this.waiting += n;
    this.placeWaiting();
  }

  /** Delete the `n` oldest pods (waiting pods go first). */
  removePods(n: number): void {
    const w = Math.min(n, this.waiting);
    this.waiting -= w;
    for (let i = w; i < n && this.running.length; i++)
      this.ds.unassign({ networkName: 'aws-cni', containerId: this.running.shift()!, ifName: 'eth0' }, this.now);
  }

  /** One pool pass (plan, then apply at once); then time moves one tick and waiting pods retry. */
  tick(): boolean {
    const allowRelease = this.now - this.lastDecrease >= this.decreaseMs;
    const p = planPool(this.targets, this.ds.snapshot(this.now), { allowRelease });
    let changed = false;
    if (p.increase.kind === 'assign') {
      this.add(p.increase.eniId, p.increase.unit, p.increase.count);
      this.calls.AssignPrivateIpAddresses++;
      changed = true;
    } else if (p.increase.kind === 'create-eni') {
      const id = `eni-${this.enis}`;
      this.ds.addEni({
        id,
        deviceNumber: this.enis++,
        isPrimary: false,
        subnetId: 's',
        primaryIp: ip(this.nextIp++),
        createdAt: this.now,
      });
      this.add(id, p.increase.unit, p.increase.count);
      this.calls.CreateNetworkInterface++;
      this.calls.AttachNetworkInterface++;
      this.calls.ModifyNetworkInterfaceAttribute++;
      changed = true;
    }
    if (p.release.releases.length) this.lastDecrease = this.now;
    for (const r of p.release.releases) {
      let any = false;
      for (const c of [...r.ips, ...r.prefixes]) any = this.ds.removeCidr(r.eniId, c).removed || any;
      if (any) {
        this.calls.UnassignPrivateIpAddresses++;
        changed = true;
      }
    }
    if (p.freeEni && this.ds.removeEni(p.freeEni).removed) {
      this.calls.DetachNetworkInterface++;
      this.calls.DeleteNetworkInterface++;
      changed = true;
    }
    this.now += this.tickMs;
    this.placeWaiting();
    return changed;
  }

  /** Tick until nothing changes and nothing is cooling or waiting (at most `maxTicks`). */
  settle(maxTicks = 2_000): number {
    let quiet = 0;
    for (let i = 0; i < maxTicks; i++) {
      const changed = this.tick();
      const busy = changed || this.waiting > 0 || this.ds.nextCoolingExpiry(this.now) !== undefined;
      quiet = busy ? 0 : quiet + 1;
      // ENIs may only be freed after their minimum age: wait that long without change before calling it settled.
      if (quiet * this.tickMs > Math.max(this.targets.eniMinAgeMs, this.decreaseMs) + this.tickMs) return i;
    }
    return maxTicks;
  }
}
