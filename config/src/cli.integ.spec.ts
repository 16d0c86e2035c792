import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateObjects } from './render/validate';

// Spawns the compiled CLIs (npx tsc -b config) the way a user runs them.
const dist = path.resolve(__dirname, '..', 'dist');
const manifests = path.join(dist, 'main.js');
const maxPods = path.join(dist, 'max-pods', 'main.js');

function run(script: string, args: string[]) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLIs as processes', () => {
  beforeAll(() => {
    if (!existsSync(manifests) || !existsSync(maxPods))
      throw new Error(`build first: npx tsc -b config (missing ${dist})`);
  });

  it('render writes a file whose documents pass the Kubernetes schemas', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vct-manifests-'));
    try {
      const file = path.join(dir, 'aws-node.yaml');
      const r = run(manifests, [
        'render',
        '--set',
        'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true',
        '--set',
        'ENABLE_POD_ENI=true',
        '--eniconfig',
        'us-west-2a=subnet-0abc:sg-0def',
        '--image',
        'registry.example.com/vpc-cni-ts:v0.1.0',
        '--output',
        file,
      ]);
      expect(r).toMatchObject({ code: 0, out: '' });
      const objects = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
      expect(objects.map((o) => o.kind)).toEqual([
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'DaemonSet',
        'ENIConfig',
      ]);
      expect(() => validateObjects(objects)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('render exits 2 with a message on stderr for a bad variable', () => {
    const r = run(manifests, ['render', '--set', 'ENABLE_IPv6=maybe']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/ENABLE_IPv6: expected a boolean/);
  });

  it('max-pods prints the readme values and exits 2 on an unknown type', () => {
    expect(run(maxPods, ['--instance-type', 'c5.18xlarge', '--show-max-allowed'])).toMatchObject({
      code: 0,
      out: '737\n',
    });
    const pd = run(maxPods, ['--instance-type', 'm5.large', '--prefix-delegation', '--cpus', '2', '--json']);
    expect(JSON.parse(pd.out)).toMatchObject({ maxPods: 434, recommended: 110 });
    const bad = run(maxPods, ['--instance-type', 'm99.huge']);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toMatch(/unknown instance type 'm99.huge'; did you mean/);
  });
});
