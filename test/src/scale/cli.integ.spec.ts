import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '../../dist/scale/main.js');
const d = existsSync(MAIN) ? describe : describe.skip;
if (!existsSync(MAIN)) console.log(`scale CLI tests skipped: ${MAIN} not built (npx tsc -b test)`);

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const run = (...args: string[]) =>
  spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });

d('scale simulation CLI (test/dist/scale/main.js)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vct-scale-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a workload file with both policies and prints the reports; --json is parseable', () => {
    const f = join(dir, 'w.yaml');
    writeFileSync(
      f,
      'name: cli\nseed: 2\nnodes: 2\ndurationSeconds: 300\nphases:\n  - { kind: burst, at: 70, pods: 40, overSeconds: 2 }\n',
    );
    const r = run('--workload', f);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cli \/ policy upstream/);
    expect(r.stdout).toMatch(/cli \/ policy ours/);
    const j = run('--workload', f, '--policy', 'ours', '--json');
    expect(j.status).toBe(0);
    const reports = JSON.parse(j.stdout) as { policy: string; pods: { served: number } }[];
    expect(reports.map((x) => x.policy)).toEqual(['ours']);
    expect(reports[0].pods.served).toBe(40);
  });

  it.each([
    [['--workload', '/nonexistent/w.yaml'], /cannot read/],
    [['--policy', 'ours'], /--workload is required/],
    [['--workload', 'x', '--policy', 'fastest'], /unknown policy fastest/],
    [['--workload', 'x', '--transport', 'pigeon'], /--transport must be in-process or http/],
  ])('bad input %j -> exit 2', (args, msg) => {
    const r = run(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('a workload with bad fields names each one (exit 2)', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'nodes: -1\ndurationSeconds: 10\nphases: [{ kind: burst, at: 0 }]\n');
    const r = run('--workload', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nodes: must be an integer >= 1/);
    expect(r.stderr).toMatch(/phases\[0\]\.pods: required/);
  });
});
