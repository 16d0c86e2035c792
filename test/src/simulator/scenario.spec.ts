import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadScenarioFile, resolveLimits, resolveScenario, ScenarioError } from './scenario';

function problems(input: unknown): string[] {
  try {
    resolveScenario(input);
  } catch (err) {
    if (err instanceof ScenarioError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('resolveScenario', () => {
  it('fills defaults: one VPC, three subnets, one m5.large, EC2 buckets', () => {
    const s = resolveScenario({});
    expect(s.region).toBe('us-west-2');
    expect(s.vpcs).toHaveLength(1);
    expect(s.vpcs[0].subnets.map((x) => x.name)).toEqual(['node-a', 'pods-a', 'node-b']);
    expect(s.instances).toEqual([
      { id: undefined, instanceType: 'm5.large', subnet: undefined, securityGroups: undefined, tags: {} },
    ]);
    expect(s.throttling && s.throttling.mutating).toEqual({ size: 200, refillPerSecond: 5 });
    expect(s.timing).toEqual({ attachDelayMs: 50, detachDelayMs: 50, imdsLagMs: 100, describeLagMs: 0 });
  });

  it('reports every problem with its path', () => {
    const p = problems({
      regoin: 'x',
      vpcs: [
        {
          cidrBlocks: ['10.0.0.0/16'],
          subnets: [
            { availabilityZone: 'us-west-2a', cidrBlock: '10.1.0.0/24' },
            { availabilityZone: 'eu-west-1a', cidrBlock: '10.0.0.0/24' },
            { availabilityZone: 'us-west-2a', cidrBlock: '10.0.0.128/25' },
            { availabilityZone: 'us-west-2a', cidrBlock: '10.0.9.1/24' },
          ],
        },
      ],
      instances: [{ instanceType: 'm5.gigantic' }, { subnet: 'nope' }],
      timing: { imdsLagMs: -1 },
      addressAllocation: 'sideways',
      throttling: { mutating: { size: 0 } },
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scenario\.regoin: unknown field/),
        expect.stringMatching(/^vpcs\[0\]\.subnets\[0\]\.cidrBlock: 10\.1\.0\.0\/24 is not inside/),
        expect.stringMatching(/^vpcs\[0\]\.subnets\[1\]\.availabilityZone: "eu-west-1a" is not a zone of us-west-2/),
        expect.stringMatching(
          /^vpcs\[0\]\.subnets\[2\]\.cidrBlock: 10\.0\.0\.128\/25 overlaps vpcs\[0\]\.subnets\[1\]/,
        ),
        expect.stringMatching(/^vpcs\[0\]\.subnets\[3\]\.cidrBlock: "10\.0\.9\.1\/24" is not an IPv4 network CIDR/),
        expect.stringMatching(/^instances\[0\]\.instanceType: unknown instance type "m5\.gigantic"/),
        expect.stringMatching(/^instances\[1\]\.subnet: no subnet with id or name "nope"/),
        expect.stringMatching(/^timing\.imdsLagMs: must be a number >= 0/),
        expect.stringMatching(/^addressAllocation: must be "lowest" or "random"/),
        expect.stringMatching(/^throttling\.mutating\.size: must be an integer >= 1/),
      ]),
    );
  });

  it('accepts limits overrides and custom types', () => {
    const s = resolveScenario({
      limits: { 'm5.large': { ipv4Limit: 4 }, 'sim.tiny': { eniLimit: 2, ipv4Limit: 3 } },
      instances: [{ instanceType: 'sim.tiny' }],
    });
    expect(resolveLimits('m5.large', s.limits)).toMatchObject({ eniLimit: 3, ipv4Limit: 4 });
    expect(resolveLimits('sim.tiny', s.limits)).toMatchObject({
      eniLimit: 2,
      ipv4Limit: 3,
      networkCards: [{ networkCardIndex: 0, maximumNetworkInterfaces: 2 }],
    });
    expect(problems({ limits: { 'sim.tiny': { eniLimit: 2 } } })).toEqual([
      expect.stringMatching(/^limits\.sim\.tiny: "sim\.tiny" is not in the limits table/),
    ]);
  });

  it('throttling: false turns it off', () => {
    expect(resolveScenario({ throttling: false }).throttling).toBe(false);
  });

  it('the shipped example scenario is valid', () => {
    const s = loadScenarioFile(join(__dirname, 'scenarios', 'example.yaml'));
    expect(s.instances.map((i) => i.instanceType)).toEqual(['m5.large', 'c5.xlarge']);
    expect(s.throttling && s.throttling.actions.CreateNetworkInterface).toEqual({ size: 10, refillPerSecond: 1 });
    expect(s.latency).toEqual({ '*': 2, CreateNetworkInterface: 150 });
  });

  it('loads YAML and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vct-sim-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'region: eu-west-1\ninstances:\n  - instanceType: c5.xlarge\n    subnet: node-b\n');
    const s = loadScenarioFile(good);
    expect(s.region).toBe('eu-west-1');
    expect(s.vpcs[0].subnets[2].availabilityZone).toBe('eu-west-1b');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'instances: [ {instanceType: 7} ]\n');
    expect(() => loadScenarioFile(bad)).toThrow(
      new RegExp(`${bad}: instances\\[0\\]\\.instanceType: must be a non-empty string`),
    );
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'a: [\n');
    expect(() => loadScenarioFile(broken)).toThrow(/not valid YAML/);
    expect(() => loadScenarioFile(join(dir, 'missing.yaml'))).toThrow(/cannot read/);
  });
});
