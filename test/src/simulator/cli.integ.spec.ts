import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';

import { ec2ClientFor, imdsClientFor } from './sdk-clients';

const MAIN = join(__dirname, '../../dist/simulator/main.js');
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

describe('simulator CLI (test/dist/simulator/main.js)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with "npx tsc -b test"`);
    dir = mkdtempSync(join(tmpdir(), 'vct-sim-cli-'));
  });
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts from a YAML scenario, prints the endpoints, serves them, stops on SIGTERM', async () => {
    const file = join(dir, 'world.yaml');
    writeFileSync(
      file,
      [
        'region: eu-central-1',
        'vpcs:',
        '  - cidrBlocks: [10.99.0.0/16]',
        '    subnets:',
        '      - { name: a, availabilityZone: eu-central-1a, cidrBlock: 10.99.0.0/24 }',
        'instances:',
        '  - { instanceType: c5.large, subnet: a }',
        '  - { instanceType: t3.small, subnet: a }',
        '',
      ].join('\n'),
    );
    child = spawn(process.execPath, [MAIN, '--scenario', file, '--ec2-port', '0', '--imds-port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(line) as {
      ec2Endpoint: string;
      imdsEndpoint: string;
      region: string;
      instanceId: string;
      instances: string[];
    };
    expect(info.region).toBe('eu-central-1');
    expect(info.instances).toHaveLength(2);
    const ec2 = ec2ClientFor({ ec2Endpoint: info.ec2Endpoint, region: info.region });
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [info.instanceId] }));
    expect(out.Reservations?.[0].Instances?.[0].InstanceType).toBe('c5.large');
    ec2.destroy();
    expect(await imdsClientFor(info.imdsEndpoint).request('/latest/meta-data/placement/availability-zone', {})).toBe(
      'eu-central-1a',
    );
    const exit = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('rejects a bad scenario with the file and field named, exit 2', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ instances: [{ instanceType: 'm5.gigantic' }] }));
    const r = spawnSync(process.execPath, [MAIN, '--scenario', file], { env, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: instances[0].instanceType: unknown instance type "m5.gigantic"`);
    const u = spawnSync(process.execPath, [MAIN, '--ec2-port', 'x'], { env, encoding: 'utf8', timeout: 10_000 });
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('--ec2-port needs a port number');
  });
});
