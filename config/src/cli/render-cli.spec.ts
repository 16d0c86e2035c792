import { parseAllDocuments } from 'yaml';
import { renderManifests } from '../render/render-manifests';
import { RecordingIo } from '../testing/recording-io';
import { parseRenderArgs, runManifestsCli } from './render-cli';

const run = (...argv: string[]) => {
  const io = new RecordingIo();
  const code = runManifestsCli(argv, io);
  return { code, io };
};

const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS());

describe('vpc-cni-manifests render', () => {
  it('prints a multi-document YAML that reads back as the rendered objects', () => {
    const { code, io } = run('render');
    expect(code).toBe(0);
    expect(io.err).toBe('');
    expect(io.out.startsWith('# aws-node for vpc-cni-ts')).toBe(true);
    expect(docs(io.out)).toEqual(JSON.parse(JSON.stringify(renderManifests().objects)));
  });

  it('keeps env values strings through YAML', () => {
    const { io } = run('render', '--set', 'AWS_VPC_ENI_MTU=1500', '--set', 'ENABLE_POD_ENI=true');
    const ds = docs(io.out).find((d) => d.kind === 'DaemonSet');
    const env = ds.spec.template.spec.containers[0].env as { name: string; value?: unknown }[];
    expect(env.find((e) => e.name === 'AWS_VPC_ENI_MTU')?.value).toBe('1500');
    expect(env.find((e) => e.name === 'ENABLE_POD_ENI')?.value).toBe('true');
    expect(env.find((e) => e.name === 'AWS_VPC_K8S_CNI_CONNMARK')?.value).toBe('0x80');
    expect(env.every((e) => e.value === undefined || typeof e.value === 'string')).toBe(true);
  });

  it('writes --output and says so on stderr', () => {
    const { code, io } = run('render', '--set', 'ENABLE_PREFIX_DELEGATION=true', '-o', 'out.yaml');
    expect(code).toBe(0);
    expect(io.out).toBe('');
    expect(io.err).toBe('wrote 5 objects to out.yaml\n');
    expect(io.files.get('out.yaml')).toContain('name: ENABLE_PREFIX_DELEGATION\n              value: "true"');
  });

  it('parses every option', () => {
    const cmd = parseRenderArgs([
      '--set',
      'A=1',
      '--set',
      'ADDITIONAL_ENI_TAGS={"k":"a=b"}',
      '--image',
      'r/i:t',
      '--init-image',
      'r/j:t',
      '--namespace',
      'ns',
      '--rbac',
      'all-features',
      '--role-arn',
      'arn:aws:iam::123456789012:role/x',
      '--eniconfig',
      'us-east-1a=subnet-0abc:sg-1,sg-2',
      '--eniconfig',
      'us-east-1b=subnet-0def',
      '--no-crd',
      '--output',
      'f',
    ]);
    expect(cmd).toEqual({
      options: {
        set: { A: '1', ADDITIONAL_ENI_TAGS: '{"k":"a=b"}' },
        image: 'r/i:t',
        initImage: 'r/j:t',
        namespace: 'ns',
        rbac: 'all-features',
        roleArn: 'arn:aws:iam::123456789012:role/x',
        eniConfigs: [
          { name: 'us-east-1a', subnet: 'subnet-0abc', securityGroups: ['sg-1', 'sg-2'] },
          { name: 'us-east-1b', subnet: 'subnet-0def', securityGroups: [] },
        ],
        includeCrd: false,
      },
      output: 'f',
    });
  });

  it.each([
    [['render', '--set', 'NOPE=1'], /unknown variable 'NOPE'/],
    [['render', '--set', 'ENABLE_IPv6'], /--set: expected VAR=value, got 'ENABLE_IPv6'/],
    [['render', '--set', 'A=1', '--set', 'A=2'], /--set: A is set twice/],
    [['render', '--set', 'ENABLE_IPv6=true'], /requires ENABLE_PREFIX_DELEGATION=true/],
    [['render', '--rbac', 'admin'], /--rbac: expected settings or all-features, got 'admin'/],
    [['render', '--eniconfig', 'a=vpc-1'], /'vpc-1' is not a subnet ID/],
    [['render', '--eniconfig', 'a=subnet-1:group'], /'group' is not a security group ID/],
    [['render', '--eniconfig', 'a=subnet-1', '--eniconfig', 'a=subnet-2'], /a is given twice/],
    [['render', '--image'], /--image/],
    [['render', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['render', 'extra'], /extra/],
    [['deploy'], /unknown command 'deploy'/],
  ])('%j exits 2 with a clear error', (argv, message) => {
    const { code, io } = run(...argv);
    expect(code).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/^error: /);
    expect(io.err).toMatch(message);
  });

  it('prints usage for --help (exit 0) and with no command (exit 2)', () => {
    expect(run('--help')).toMatchObject({ code: 0 });
    expect(run('--help').io.out).toMatch(/^usage: vpc-cni-manifests/);
    expect(run('render', '--set', 'X=1', '--help')).toMatchObject({ code: 0, io: { err: '' } });
    const none = run();
    expect(none.code).toBe(2);
    expect(none.io.err).toMatch(/^usage:/);
  });
});

describe('vpc-cni-manifests vars / api-calls', () => {
  it('lists every variable with its default', () => {
    const { code, io } = run('vars');
    expect(code).toBe(0);
    expect(io.out).toMatch(/^WARM_PREFIX_TARGET +"1" +node /m);
    expect(io.out).toMatch(/^ENABLE_IPv6 +"false" +init\+node /m);
    expect(
      JSON.parse(run('vars', '--json').io.out).find((v: { name: string }) => v.name === 'MAX_ENI').default,
    ).toBeUndefined();
  });

  it('lists the API calls', () => {
    const { code, io } = run('api-calls');
    expect(code).toBe(0);
    expect(io.out).toMatch(/^patch +core\/pods +when ANNOTATE_POD_IP/m);
  });
});
