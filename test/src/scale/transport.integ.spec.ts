import { runScale } from './cluster-sim';
import { sdkOverHttp } from './http-transport';
import { OURS_POLICY, UPSTREAM_POLICY } from './policy';
import { deterministicPart } from './report';
import type { WorkloadSpec } from './workload';

const w: WorkloadSpec = {
  name: 'transport-check',
  seed: 3,
  nodes: 3,
  durationSeconds: 400,
  nodeStartSpreadSeconds: 10,
  phases: [
    { kind: 'burst', at: 40, pods: 90, overSeconds: 2, lifetimeSeconds: 200 },
    { kind: 'churn', from: 50, to: 300, podsPerSecond: 0.3, lifetimeSeconds: 40 },
  ],
};

describe('scale simulation over HTTP with the real @aws-sdk/client-ec2 adapter', () => {
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATOR';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'simulator';
  });

  it.each([
    ['upstream', UPSTREAM_POLICY],
    ['ours', OURS_POLICY],
  ] as const)(
    '%s: gives the same report as the in-process transport',
    async (_n, policy) => {
      const http = await runScale(w, { policy, transport: 'http', httpEc2: sdkOverHttp });
      const inproc = await runScale(w, { policy });
      expect(http.violations).toEqual([]);
      expect(http.pods.unserved).toBe(0);
      expect(http.ec2.calls).toBeGreaterThan(10);
      expect({ ...deterministicPart(http), transport: 'x' }).toEqual({ ...deterministicPart(inproc), transport: 'x' });
    },
    60_000,
  );
});
