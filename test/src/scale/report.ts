/** Percentiles of time-to-address in ms. */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** One sample of the cluster's address holdings. */
export interface HoldingSample {
  /** Seconds since the start. */
  readonly t: number;
  readonly pods: number;
  /** Mean addresses held per ready node (assigned + free + cooling). */
  readonly heldPerNode: number;
  /** Mean addresses held but not assigned to a pod, per ready node. */
  readonly idlePerNode: number;
  /** Largest idle count on one node. */
  readonly idleMaxNode: number;
  /** Free addresses left in the subnet. */
  readonly subnetFree: number;
}

/** What one simulated run measured. Everything but `wallMs` is a function of (workload, policy, seed). */
export interface ScaleReport {
  readonly workload: string;
  readonly policy: string;
  readonly transport: 'in-process' | 'http';
  readonly seed: number;
  readonly nodes: number;
  readonly instanceType: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly simulatedSeconds: number;
  readonly pods: {
    readonly created: number;
    readonly served: number;
    /** Pods whose first ADD found no address. */
    readonly waited: number;
    /** Deleted before they ever got an address. */
    readonly deletedWaiting: number;
    /** Still waiting at the end. */
    readonly unserved: number;
    /** No node had room (max pods). */
    readonly unschedulable: number;
  };
  /** Over every scheduled pod that was not deleted while waiting; pods still waiting count with their wait so far. */
  readonly timeToAddressMs: LatencySummary;
  readonly ec2: {
    readonly calls: number;
    readonly throttled: number;
    readonly errors: number;
    readonly byAction: Readonly<
      Record<string, { readonly calls: number; readonly throttled: number; readonly errors: number }>
    >;
    readonly retries: number;
    /** Releases the policy declined (node not quiet long enough); never reached EC2. */
    readonly deferredReleases: number;
    /** DeleteOnTermination calls the policy moved off the allocation path. */
    readonly deferredDeleteOnTermination: number;
    /** Attached ENIs at the end without delete-on-termination (would leak if their node terminated now). */
    readonly enisWithoutDeleteOnTermination: number;
    readonly budgetWaits: number;
  };
  readonly idle: {
    /** Time-averaged idle addresses per node. */
    readonly meanPerNode: number;
    readonly peakPerNode: number;
    readonly endPerNode: number;
  };
  readonly subnet: { readonly size: number; readonly minFree: number; readonly endFree: number };
  readonly series: readonly HoldingSample[];
  /** Invariant violations (address handed out twice, ...); empty when all held. */
  readonly violations: readonly string[];
  readonly timersFired: number;
  readonly wallMs: number;
}

const f = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Plain-text summary of one report. */
export function formatReport(r: ScaleReport): string {
  const l = r.timeToAddressMs;
  const actions = Object.entries(r.ec2.byAction)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([a, s]) =>
        `    ${a}: ${s.calls}${s.throttled ? ` (${s.throttled} throttled)` : ''}${s.errors ? ` (${s.errors} errors)` : ''}`,
    );
  return [
    `${r.workload} / policy ${r.policy} (${r.transport}, seed ${r.seed}): ${r.nodes} x ${r.instanceType}, ${r.simulatedSeconds} s simulated in ${f(r.wallMs / 1000, 1)} s`,
    `  settings: ${
      Object.entries(r.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '(defaults)'
    }`,
    `  pods: ${r.pods.created} created, ${r.pods.served} got an address, ${r.pods.waited} waited, ${r.pods.unserved} still waiting, ${r.pods.deletedWaiting} deleted while waiting, ${r.pods.unschedulable} unschedulable`,
    `  time to address: p50 ${f(l.p50)} ms, p99 ${f(l.p99)} ms, max ${f(l.max)} ms, mean ${f(l.mean)} ms`,
    `  EC2: ${r.ec2.calls} calls, ${r.ec2.throttled} throttled, ${r.ec2.errors} errors, ${r.ec2.retries} retries, ${r.ec2.budgetWaits} budget waits, ${r.ec2.deferredReleases} releases deferred, ${r.ec2.deferredDeleteOnTermination} delete-on-termination deferred (${r.ec2.enisWithoutDeleteOnTermination} ENIs still without it at the end)`,
    ...actions,
    `  idle addresses per node: mean ${f(r.idle.meanPerNode, 1)}, peak ${f(r.idle.peakPerNode, 1)}, end ${f(r.idle.endPerNode, 1)}`,
    `  subnet: ${r.subnet.size} addresses, min free ${r.subnet.minFree}, free at end ${r.subnet.endFree}`,
    r.violations.length ? `  VIOLATIONS: ${r.violations.slice(0, 5).join('; ')}` : `  invariants held`,
  ].join('\n');
}

/** The same report with the wall time removed, for determinism checks. */
export function deterministicPart(r: ScaleReport): Omit<ScaleReport, 'wallMs'> {
  const { wallMs: _w, ...rest } = r;
  void _w;
  return rest;
}
