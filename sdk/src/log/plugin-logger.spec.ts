// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createPluginLogger, parseLogLevel } from './plugin-logger';

describe('createPluginLogger', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vct-sdk-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON lines synchronously to a file, creating directories, honouring the level and child bindings', () => {
    const file = join(dir, 'a', 'b', 'plugin.log');
    const log = createPluginLogger({ file, level: 'Debug', name: 'demo' });
    log.trace('hidden');
    log.child({ containerId: 'c1', ifName: 'eth0' }).debug({ ip: '10.99.0.2' }, 'added');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 20,
      name: 'demo',
      containerId: 'c1',
      ifName: 'eth0',
      ip: '10.99.0.2',
      msg: 'added',
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it.each(['stdout', 'STDOUT', '/dev/stdout', '/proc/self/fd/1'])('refuses %s with a clear error', (file) => {
    expect(() => createPluginLogger({ file })).toThrow(
      expect.objectContaining({ code: 7, message: expect.stringContaining('stdout carries the CNI result') }),
    );
  });

  it('accepts stderr', () => {
    expect(() => createPluginLogger({ file: 'stderr', level: 'silent' })).not.toThrow();
  });

  it('rejects an unknown level naming it', () => {
    expect(() => parseLogLevel('loud')).toThrow(/invalid log level "loud"/);
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel('ERROR')).toBe('error');
  });
});
