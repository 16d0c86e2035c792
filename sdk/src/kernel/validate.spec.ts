// SPDX-License-Identifier: Apache-2.0
import {
  randomLocalMac,
  tableName,
  validateIfName,
  validateMac,
  validateNetnsPath,
  validateSysctlKey,
  validateTable,
} from './validate';

describe('validators', () => {
  it('interface names: 1-15 safe characters', () => {
    expect(validateIfName('eni1a2b3c4d5e6')).toBe('eni1a2b3c4d5e6');
    expect(validateIfName('vlan.eth.4094')).toBe('vlan.eth.4094');
    expect(() => validateIfName('eni1a2b3c4d5e6f7')).toThrow(/longer than 15 characters \(16\)/);
    for (const bad of ['', 'a b', 'eth0;rm', 'a/b', '-x', '.x', 'eth0\nlink', 'é']) {
      expect(() => validateIfName(bad)).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
    }
  });
  it('MACs are validated and lower-cased', () => {
    expect(validateMac('02:AB:cd:00:11:22')).toBe('02:ab:cd:00:11:22');
    for (const bad of ['02:ab:cd:00:11', '02-ab-cd-00-11-22', '02:ab:cd:00:11:2g', 'x'])
      expect(() => validateMac(bad)).toThrow(/not a MAC/);
  });
  it('random MACs are unicast, locally administered and avoid given ones', () => {
    const seq = [Uint8Array.from([1, 2, 3, 4, 5, 6]), Uint8Array.from([0xff, 9, 9, 9, 9, 9])];
    const mac = randomLocalMac(['03:02:03:04:05:06'.replace(/^03/, '02')], () => seq.shift()!);
    expect(mac).toBe('fe:09:09:09:09:09');
    for (let i = 0; i < 50; i++) {
      const b0 = parseInt(randomLocalMac().slice(0, 2), 16);
      expect(b0 & 1).toBe(0);
      expect(b0 & 2).toBe(2);
    }
  });
  it('tables', () => {
    expect(validateTable('main')).toBe(254);
    expect(validateTable(2)).toBe(2);
    expect(validateTable('10001')).toBe(10001);
    expect(tableName(254)).toBe('main');
    expect(tableName(105)).toBe('105');
    for (const bad of [0, -1, 1.5, 2 ** 32, 'mainx'])
      expect(() => validateTable(bad as number)).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
  });
  it('netns paths and sysctl keys cannot smuggle words or lines', () => {
    expect(validateNetnsPath('/var/run/netns/cni-1234-abcd')).toBe('/var/run/netns/cni-1234-abcd');
    for (const bad of ['relative', '/a b', '/a\nb', '/a"b', '/a#b'])
      expect(() => validateNetnsPath(bad)).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
    expect(validateSysctlKey('net/ipv6/conf/vlan.eth.5/accept_ra')).toBeTruthy();
    for (const bad of ['net/../etc', 'a b', 'x=1']) expect(() => validateSysctlKey(bad)).toThrow();
  });
});
