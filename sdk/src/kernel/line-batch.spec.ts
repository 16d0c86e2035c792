// SPDX-License-Identifier: Apache-2.0
import { type BatchLine, parseBatchFailure, runLineBatch } from './line-batch';
import { type ProcessRunner, type RunOptions, type RunResult } from './process-runner';

/**
 * A stand-in for `ip -batch -` with state: lines starting "add X" fail with "File exists" when X exists, "del X"
 * with "No such process" when it does not; it stops at the first failure like ip does.
 */
class FakeIpBatch implements ProcessRunner {
  spawned = 0;
  readonly objects = new Set<string>();
  async run(_cmd: string, _args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.spawned++;
    const lines = (opts.input ?? '').split('\n').filter(Boolean);
    for (let i = 0; i < lines.length; i++) {
      const [verb, obj] = lines[i].split(' ');
      if (verb === 'add' && this.objects.has(obj))
        return { code: 1, stdout: '', stderr: `RTNETLINK answers: File exists\nCommand failed -:${i + 1}\n` };
      if (verb === 'del' && !this.objects.has(obj))
        return { code: 1, stdout: '', stderr: `RTNETLINK answers: No such process\nCommand failed -:${i + 1}\n` };
      if (verb === 'add') this.objects.add(obj);
      else this.objects.delete(obj);
    }
    return { code: 0, stdout: '', stderr: '' };
  }
}

const line = (text: string, tolerate?: 'exists' | 'not-found'): BatchLine => ({
  text,
  tolerate,
  op: text.split(' ')[0],
  object: text.split(' ')[1],
});
const ctx = (runner: ProcessRunner) => ({
  runner,
  command: ['ip', ['-batch', '-']] as const,
  netns: 'netns t',
  firstIndex: 3,
  timeoutMs: 1000,
  tool: 'ip batch',
});

describe('runLineBatch', () => {
  it('runs everything in one process when nothing fails', async () => {
    const r = new FakeIpBatch();
    expect(await runLineBatch([line('add a'), line('add b'), line('del a')], ctx(r))).toEqual({
      spawns: 1,
      tolerated: 0,
    });
    expect([...r.objects]).toEqual(['b']);
  });

  it('resumes after a tolerated failure, one extra process per tolerated line', async () => {
    const r = new FakeIpBatch();
    r.objects.add('a');
    const res = await runLineBatch(
      [line('add a', 'exists'), line('add b'), line('del z', 'not-found'), line('add c')],
      ctx(r),
    );
    expect(res).toEqual({ spawns: 3, tolerated: 2 });
    expect([...r.objects].sort()).toEqual(['a', 'b', 'c']);
  });

  it('stops at the first real failure and names the operation, its index and how far it got', async () => {
    const r = new FakeIpBatch();
    r.objects.add('b');
    const e = await runLineBatch([line('add a'), line('add b'), line('add c')], ctx(r)).catch((x: unknown) => x);
    expect(e).toMatchObject({
      kind: 'exists',
      op: 'add',
      object: 'b',
      netns: 'netns t',
      opIndex: 4,
      applied: 4,
      message: 'add b in netns t: file exists',
    });
    expect(r.objects.has('c')).toBe(false);
  });

  it('a whole-process failure (e.g. namespace gone) is reported without a line', async () => {
    const runner: ProcessRunner = {
      spawned: 0,
      run: async () => ({
        code: 255,
        stdout: '',
        stderr: 'Cannot open network namespace "x": No such file or directory\n',
      }),
    };
    await expect(runLineBatch([line('add a')], ctx(runner))).rejects.toMatchObject({
      kind: 'not-found',
      op: 'run ip batch (1 operations)',
    });
  });

  it('parses "Command failed -:N"', () => {
    expect(parseBatchFailure('Error: Unknown device type.\nCommand failed -:7\n')).toEqual({
      line: 7,
      message: 'Error: Unknown device type.',
    });
    expect(parseBatchFailure('weird')).toEqual({ message: 'weird' });
  });
});
