// SPDX-License-Identifier: Apache-2.0
import { KernelError, classifyErrorText, cleanErrorText, isKernelError } from './errors';

describe('KernelError', () => {
  it('names the operation, the object and the namespace', () => {
    const e = new KernelError({
      kind: 'exists',
      op: 'add route',
      object: '10.99.1.2/32 dev eni1a2b table 2',
      netns: 'host netns',
      detail: 'file exists',
    });
    expect(e.message).toBe('add route 10.99.1.2/32 dev eni1a2b table 2 in host netns: file exists');
    expect(isKernelError(e, 'exists')).toBe(true);
    expect(isKernelError(e, 'not-found')).toBe(false);
    expect(isKernelError(new Error('x'))).toBe(false);
  });

  it.each([
    ['RTNETLINK answers: File exists', 'exists'],
    ['Error: ipv4: Address already assigned.', 'exists'],
    ['Error: Exclusivity flag on, cannot modify.', 'exists'],
    ['Cannot find device "nosuch"', 'not-found'],
    ['RTNETLINK answers: No such process', 'not-found'],
    ['RTNETLINK answers: Cannot assign requested address', 'not-found'],
    ['Cannot open network namespace "x": No such file or directory', 'not-found'],
    ['nsenter: cannot open /run/netns/x: No such file or directory', 'not-found'],
    ['Error: Cannot find specified qdisc on specified device.', 'not-found'],
    ["iptables-restore v1.8.9 (nf_tables): Chain 'X' does not exist", 'not-found'],
    ['Error: Unknown device type.', 'not-supported'],
    ['RTNETLINK answers: Operation not supported', 'not-supported'],
    ['Error: inet prefix is expected rather than "10.0.0.300/32".', 'invalid-argument'],
    ['Error: either "to" is duplicate, or "foo" is a garbage.', 'invalid-argument'],
    ['RTNETLINK answers: Invalid argument', 'invalid-argument'],
    ['RTNETLINK answers: Permission denied', 'failed'],
  ])('%s -> %s', (text, kind) => {
    expect(classifyErrorText(text)).toBe(kind);
  });

  it('cleans tool output', () => {
    expect(cleanErrorText('RTNETLINK answers: File exists\nCommand failed -:2\n')).toBe('file exists');
    expect(cleanErrorText('')).toBe('failed with no message');
  });
});
