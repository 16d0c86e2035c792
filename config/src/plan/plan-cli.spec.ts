import { RecordingIo } from '../testing/recording-io';
import { runPlanCli } from './plan-cli';
import { DEFAULT_SETTINGS, planWhatIf, type PlanRequest } from './what-if';

const req = (o: Partial<PlanRequest> = {}, s: Partial<PlanRequest['settings']> = {}): PlanRequest => ({
  instanceType: 'm4.4xlarge',
  pods: 0,
  churnPerMinute: 0,
  nodes: 1,
  subnetPrefixLength: 19,
  ...o,
  settings: { ...DEFAULT_SETTINGS, ...s },
});

const run = (...args: string[]) => {
  const io = new RecordingIo();
  const code = runPlanCli(args, io);
  return { code, out: io.out, err: io.err, files: io.files };
};

describe('planWhatIf on the readme examples (ipamd planner)', () => {
  it('m4.4xlarge, WARM_ENI_TARGET=1: 29 addresses idle; 5 pods -> 2 ENIs, 58 addresses', () => {
    const r = planWhatIf(req({ pods: 5 }));
    expect(r.perNode).toMatchObject({
      heldIdle: 29,
      heldAtPods: 58,
      enisAtPods: 2,
      idleAtPods: 53,
      podsWithoutAddress: 0,
    });
    expect(r.maxPods).toBe(234);
    expect(r.scaleUpCalls).toMatchObject({ CreateNetworkInterface: 1, AttachNetworkInterface: 1, total: 3 });
  });

  it('m4.4xlarge, 30 pods with WARM_ENI_TARGET=1 -> 3 ENIs, 87 addresses', () => {
    expect(planWhatIf(req({ pods: 30 })).perNode).toMatchObject({ heldAtPods: 87, enisAtPods: 3 });
  });

  it('MINIMUM_IP_TARGET=30 + WARM_IP_TARGET=2: 30 idle, 32 with 30 pods', () => {
    const r = planWhatIf(req({ pods: 30 }, { MINIMUM_IP_TARGET: 30, WARM_IP_TARGET: 2 }));
    expect(r.perNode).toMatchObject({ heldIdle: 30, heldAtPods: 32, idleAtPods: 2 });
    expect(r.warnings.filter((w) => w.kind === 'stops-allocation')).toEqual([]);
  });

  it('WARM_IP_TARGET=30 alone holds 60 with 30 pods (the readme comparison)', () => {
    expect(planWhatIf(req({ pods: 30 }, { WARM_IP_TARGET: 30 })).perNode.heldAtPods).toBe(60);
  });

  it('prefix delegation with WARM_PREFIX_TARGET=1 on a Nitro type: 16 idle, 48 with 17 pods', () => {
    const r = planWhatIf(
      req({ instanceType: 'm5.4xlarge', pods: 17 }, { ENABLE_PREFIX_DELEGATION: true, WARM_PREFIX_TARGET: 1 }),
    );
    expect(r.prefixDelegation).toBe(true);
    expect(r.perNode).toMatchObject({ heldIdle: 16, heldAtPods: 48, enisAtPods: 1 });
    expect(r.scaleUpCalls.CreateNetworkInterface).toBe(0);
  });

  it('counts subnet addresses with ENI primaries and how many nodes fit', () => {
    const r = planWhatIf(req({ pods: 5, subnetPrefixLength: 24 }));
    expect(r.perNode.subnetAddresses).toBe(60); // 58 secondaries + 2 ENI primaries
    expect(r.subnet).toMatchObject({ usable: 251, nodesThatFit: 4 });
  });
});

describe('warnings', () => {
  it('MINIMUM_IP_TARGET without WARM_IP_TARGET stops allocation', () => {
    const r = planWhatIf(req({ pods: 40 }, { MINIMUM_IP_TARGET: 30 }));
    expect(r.perNode.podsWithoutAddress).toBe(10);
    expect(r.warnings.map((w) => w.kind)).toContain('stops-allocation');
    expect(r.warnings.find((w) => w.kind === 'stops-allocation')!.message).toMatch(/Set WARM_IP_TARGET >= 1/);
  });

  it('WARM_IP_TARGET on a large, high-churn cluster warns about EC2 calls', () => {
    const r = planWhatIf(
      req({ instanceType: 'm5.xlarge', pods: 40, churnPerMinute: 10, nodes: 500 }, { WARM_IP_TARGET: 2 }),
    );
    expect(r.warnings.map((w) => w.kind)).toContain('api-calls');
    expect(r.churnCallsPerClusterSecond).toBeGreaterThan(0.5);
    expect(r.warnings.find((w) => w.kind === 'api-calls')!.message).toMatch(/MINIMUM_IP_TARGET/);
  });

  it('prefix delegation on a non-Nitro type is reported and falls back to secondary IPs', () => {
    const r = planWhatIf(req({ pods: 5 }, { ENABLE_PREFIX_DELEGATION: true }));
    expect(r.prefixDelegation).toBe(false);
    expect(r.warnings.find((w) => w.kind === 'ignored')!.message).toMatch(/not Nitro/);
    expect(r.perNode.heldAtPods).toBe(58);
  });

  it('a subnet too small for the cluster is reported', () => {
    const r = planWhatIf(req({ pods: 20, nodes: 100, subnetPrefixLength: 24 }));
    expect(r.warnings.map((w) => w.kind)).toContain('subnet');
  });
});

describe('vpc-cni-plan CLI', () => {
  it('prints the plan and a recommendation; exit 0', () => {
    const r = run('--instance-type', 'm4.4xlarge', '--pods', '5', 'WARM_ENI_TARGET=1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/addresses held per node: 29 with no pods, 58 with 5 pods \(2 ENIs, 53 idle\)/);
    expect(r.out).toMatch(/^recommended: /m);
  });

  it('readme MINIMUM_IP_TARGET=30 WARM_IP_TARGET=2 example: 32 addresses, JSON output', () => {
    const r = run(
      '--instance-type',
      'm4.4xlarge',
      '--pods',
      '30',
      'MINIMUM_IP_TARGET=30',
      'WARM_IP_TARGET=2',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.perNode.heldAtPods).toBe(32);
    expect(j.recommended.env).toEqual(expect.any(String));
  });

  it('recommends a setting that fits the cluster in a subnet the default does not', () => {
    const r = run('--instance-type', 'm5.xlarge', '--pods', '40', '--nodes', '50', '--subnet', '/21', '--json');
    const j = JSON.parse(r.out);
    expect(j.warnings.map((w: { kind: string }) => w.kind)).toContain('subnet');
    expect(j.recommended.env).toMatch(/MINIMUM_IP_TARGET=40/);
    expect(j.recommended.nodesThatFit).toBeGreaterThan(j.subnet.nodesThatFit);
  });

  it('writes an SVG chart with --svg', () => {
    const r = run('--instance-type', 'm5.large', '--pods', '20', '--churn', '4', '--svg', 'held.svg');
    expect(r.code).toBe(0);
    const svg = r.files.get('held.svg')!;
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toMatch(/<polyline [^>]*points="[\d., ]+"/);
  });

  it.each([
    [['--pods', '5'], /--instance-type is required/],
    [['--instance-type', 'm9.huge'], /unknown instance type 'm9.huge'/],
    [['--instance-type', 'm5.large', '--pods', 'many'], /--pods: expected a whole number/],
    [['--instance-type', 'm5.large', '--pods', '500'], /--pods 500 exceeds what m5.large can run/],
    [['--instance-type', 'm5.large', 'WARM_IP_TARGET=-1'], /WARM_IP_TARGET=-1: must be >= 0/],
    [['--instance-type', 'm5.large', 'MAX_ENI=0'], /MAX_ENI=0: must be at least 1/],
    [['--instance-type', 'm5.large', 'ENABLE_PREFIX_DELEGATION=yes'], /ENABLE_PREFIX_DELEGATION must be true or false/],
    [['--instance-type', 'm5.large', 'WARM_FOO=1'], /unknown setting WARM_FOO/],
    [['--instance-type', 'm5.large', '--subnet', '/8'], /--subnet must be a prefix length \/16 to \/28/],
    [['--instance-type', 'm5.large', '--churn', '3'], /--churn needs --pods > 0/],
    [['--instance-type', 'm5.large', '--bogus'], /Unknown option '--bogus'/],
    [['--instance-type', 'm5.large', 'MAX_ENI=1', '--pods', '12'], /exceeds what m5.large can run/],
  ])('invalid input %j -> exit 2 with a clear error', (args, msg) => {
    const r = run(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.out).toBe('');
  });
});
