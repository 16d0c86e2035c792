import { RecordingIo } from '../testing/recording-io';
import { runMaxPodsCli } from './max-pods-cli';

const run = (...argv: string[]) => {
  const io = new RecordingIo();
  return { code: runMaxPodsCli(argv, io), io };
};

describe('max-pods CLI', () => {
  it('prints the maximum with its formula and the recommendation', () => {
    const { code, io } = run('--instance-type', 'm5.large');
    expect(code).toBe(0);
    expect(io.out).toBe(
      'm5.large: max pods 29 (3 ENIs x (10 - 1) addresses + 2)\n' +
        'recommended: 29 (kubelet cap 110 for 2 vCPUs, estimated from the size name; pass --cpus to be exact)\n',
    );
  });

  it('prefix delegation with --cpus 2: max 434, recommended 110', () => {
    const { io } = run('--instance-type', 'm5.large', '--prefix-delegation', '--cpus', '2');
    expect(io.out).toBe(
      'm5.large: max pods 434 (3 ENIs x (10 - 1) x 16 prefix addresses + 2)\nrecommended: 110 (kubelet cap 110 for 2 vCPUs)\n',
    );
  });

  it('--show-max-allowed prints only the number; --json everything', () => {
    expect(run('--instance-type', 'm5.large', '--prefix-delegation', '--show-max-allowed').io.out).toBe('434\n');
    const json = JSON.parse(
      run('--instance-type', 'c5.18xlarge', '--custom-networking', '--max-eni', '4', '--json').io.out,
    );
    expect(json).toMatchObject({ instanceType: 'c5.18xlarge', enis: 3, maxPods: 149, recommended: 149, cap: 250 });
  });

  it('warns on stderr for prefix delegation on a non-Nitro type, keeping stdout clean', () => {
    const { code, io } = run('--instance-type', 'm4.large', '--prefix-delegation', '--show-max-allowed');
    expect(code).toBe(0);
    expect(io.out).toBe('20\n');
    expect(io.err).toMatch(/^warning: prefix delegation needs a Nitro instance/);
  });

  it('prints usage for --help', () => {
    expect(run('--help')).toMatchObject({ code: 0 });
    expect(run('-h').io.out).toMatch(/^usage: max-pods --instance-type TYPE/);
  });

  it.each([
    [['--instance-type', 'm99.huge'], /^max-pods: unknown instance type 'm99.huge'; did you mean '[^']+'/],
    [[], /--instance-type is required/],
    [['--instance-type', ''], /--instance-type is required/],
    [['--instance-type', 'm5.large', '--max-eni', '0'], /--max-eni: expected a whole number of at least 1, got '0'/],
    [['--instance-type', 'm5.large', '--cpus', 'two'], /--cpus: expected a whole number/],
    [['--instance-type', 'm5.large', '--prefix'], /Unknown option '--prefix'/],
    [['--instance-type'], /--instance-type/],
    [['m5.large'], /m5.large/],
  ])('%j exits 2 with a clear error', (argv, message) => {
    const { code, io } = run(...argv);
    expect(code).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toMatch(message);
  });
});
