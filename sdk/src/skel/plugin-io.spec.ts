// SPDX-License-Identifier: Apache-2.0
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';

import { processIo, type ProcessLike } from './plugin-io';

function fakeProcess(stdinText: string) {
  const events = new EventEmitter();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const written: [number, string][] = [];
  const exits: number[] = [];
  const proc: ProcessLike = {
    env: { CNI_COMMAND: 'ADD' },
    stdin,
    exit: (code) => void exits.push(code),
    on: (ev, l) => events.on(ev, l),
  };
  const io = processIo(proc, (fd, s) => void written.push([fd, s]));
  return { io, events, written, exits };
}

describe('processIo', () => {
  it('reads all of stdin and writes to fd 1 and 2', async () => {
    const p = fakeProcess('{"a":1}');
    expect(await p.io.readStdin()).toBe('{"a":1}');
    p.io.stdout.write('out');
    p.io.stderr.write('err');
    p.io.exit(3);
    expect(p.written).toEqual([
      [1, 'out'],
      [2, 'err'],
    ]);
    expect(p.exits).toEqual([3]);
  });

  it('turns an escaped exception into a 999 error JSON on stdout, once', () => {
    const p = fakeProcess('');
    p.events.emit('uncaughtException', new RangeError('late boom'));
    expect(p.written).toEqual([[1, '{"code":999,"msg":"internal error: late boom"}\n']]);
    expect(p.exits).toEqual([1]);
    p.events.emit('unhandledRejection', 'again');
    expect(p.written).toHaveLength(1); // something was printed already: no second JSON
    expect(p.exits).toEqual([1, 1]);
  });
});
