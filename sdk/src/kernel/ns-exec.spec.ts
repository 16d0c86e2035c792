// SPDX-License-Identifier: Apache-2.0
import { HOST_NETNS, netnsByName, netnsByPath } from './netns';
import { commandInNetns } from './ns-exec';
import { restoreFailureLine } from './tool-firewall';

describe('commandInNetns', () => {
  const o = { nsenter: '/usr/bin/nsenter' };
  it('runs directly in the host, with -n for named namespaces when the tool has it, else via nsenter', () => {
    expect(commandInNetns(HOST_NETNS, 'ip', ['-batch', '-'], { ...o, nativeNetnsFlag: true })).toEqual([
      'ip',
      ['-batch', '-'],
    ]);
    expect(commandInNetns(netnsByName('pod1'), 'ip', ['-batch', '-'], { ...o, nativeNetnsFlag: true })).toEqual([
      'ip',
      ['-n', 'pod1', '-batch', '-'],
    ]);
    expect(commandInNetns(netnsByName('pod1'), 'iptables-restore', ['--noflush'], o)).toEqual([
      '/usr/bin/nsenter',
      ['--net=/run/netns/pod1', '--', 'iptables-restore', '--noflush'],
    ]);
    expect(
      commandInNetns(netnsByPath('/proc/9/ns/net'), 'ip', ['-j', 'link'], { ...o, nativeNetnsFlag: true }),
    ).toEqual(['/usr/bin/nsenter', ['--net=/proc/9/ns/net', '--', 'ip', '-j', 'link']]);
  });
});

describe('restoreFailureLine', () => {
  const text = '*nat\n:X - [0:0]\n-A POSTROUTING -j X\nCOMMIT\n*mangle\n-A PREROUTING -j NOPE\nCOMMIT\n';
  it('names the failing line (legacy) or the failing table block (nft points at COMMIT)', () => {
    expect(restoreFailureLine(text, 'iptables-restore: line 6 failed')).toBe('-A PREROUTING -j NOPE');
    expect(
      restoreFailureLine(
        text,
        "iptables-restore v1.8.9 (nf_tables): Chain 'NOPE' does not exist\nError occurred at line: 7",
      ),
    ).toBe('*mangle; -A PREROUTING -j NOPE');
    expect(restoreFailureLine(text, 'something else')).toBeUndefined();
  });
});
