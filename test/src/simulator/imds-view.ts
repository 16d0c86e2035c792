/** What IMDS tells one instance about one of its attached interfaces (already formatted as IMDS prints it). */
export interface ImdsInterface {
  readonly mac: string;
  readonly deviceNumber: number;
  readonly networkCard: number;
  readonly interfaceId: string;
  readonly ownerId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly securityGroupIds: readonly string[];
  /** Primary first. */
  readonly localIpv4s: readonly string[];
  readonly ipv4Prefixes: readonly string[];
  readonly ipv6s: readonly string[];
  readonly ipv6Prefixes: readonly string[];
  readonly subnetIpv4CidrBlock: string;
  readonly subnetIpv6CidrBlocks: readonly string[];
  readonly vpcIpv4CidrBlocks: readonly string[];
  readonly vpcIpv6CidrBlocks: readonly string[];
}

/** One instance's metadata at one moment. */
export interface ImdsView {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly region: string;
  readonly accountId: string;
  readonly localIpv4: string;
  readonly primaryMac: string;
  readonly ipv6?: string;
  readonly terminated: boolean;
  /** By MAC, in device order. */
  readonly interfaces: ReadonlyMap<string, ImdsInterface>;
}

/**
 * Per-instance history of metadata views, so IMDS can answer "as of now - lag": a change recorded at time t
 * becomes visible at t + lag, like the real service that trails EC2 by a few seconds.
 */
export class ImdsHistory {
  private readonly byInstance = new Map<string, { at: number; view: ImdsView }[]>();

  constructor(private readonly lagMs: () => number) {}

  record(instanceId: string, at: number, view: ImdsView): void {
    let h = this.byInstance.get(instanceId);
    if (!h) this.byInstance.set(instanceId, (h = []));
    // keep time order even if a settled transition is recorded with an earlier timestamp
    let i = h.length;
    while (i > 0 && h[i - 1].at > at) i--;
    h.splice(i, 0, { at, view });
    // views superseded by one that is already visible as of `at` can never be read again (time only moves on)
    const cutoff = h[h.length - 1].at - this.lagMs();
    let keep = 0;
    while (keep + 1 < h.length && h[keep + 1].at <= cutoff) keep++;
    if (keep > 0) h.splice(0, keep);
  }

  /** The newest view recorded at or before `now - lag`, or undefined if none is visible yet. */
  viewAt(instanceId: string, now: number): ImdsView | undefined {
    const h = this.byInstance.get(instanceId);
    if (!h) return undefined;
    const cutoff = now - this.lagMs();
    let idx = -1;
    for (let i = h.length - 1; i >= 0; i--) {
      if (h[i].at <= cutoff) {
        idx = i;
        break;
      }
    }
    if (idx < 0) return undefined;
    if (idx > 0) h.splice(0, idx); // older views can never be seen again
    return h[0].view;
  }

  /** The newest recorded view, ignoring lag. */
  latest(instanceId: string): ImdsView | undefined {
    const h = this.byInstance.get(instanceId);
    return h && h.length ? h[h.length - 1].view : undefined;
  }
}
