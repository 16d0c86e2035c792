// SPDX-License-Identifier: Apache-2.0
import { formatCniArgs, parseCniArgs } from './cni-args';

describe('parseCniArgs', () => {
  it('reads the kubernetes keys in any order, with IgnoreUnknown', () => {
    const a = parseCniArgs(
      'K8S_POD_UID=u1;IgnoreUnknown=1;K8S_POD_NAME=web;FOO=bar;K8S_POD_NAMESPACE=ns;K8S_POD_INFRA_CONTAINER_ID=c1',
    );
    expect(a).toMatchObject({
      K8S_POD_NAME: 'web',
      K8S_POD_NAMESPACE: 'ns',
      K8S_POD_INFRA_CONTAINER_ID: 'c1',
      K8S_POD_UID: 'u1',
      ignoreUnknown: true,
    });
    expect(a.values.get('FOO')).toBe('bar');
  });
  it.each(['1', 'true', 'True', 'TRUE'])('IgnoreUnknown=%s ignores unknown keys', (v) => {
    expect(parseCniArgs(`IgnoreUnknown=${v};X=1`).ignoreUnknown).toBe(true);
  });
  it('rejects unknown keys without IgnoreUnknown, naming them (code 4)', () => {
    expect(() => parseCniArgs('K8S_POD_NAME=a;X=1;Y=2')).toThrow(
      expect.objectContaining({ code: 4, message: expect.stringContaining('[X, Y]') }),
    );
    expect(() => parseCniArgs('IgnoreUnknown=0;X=1')).toThrow(/unknown args \[X\]/);
  });
  it('accepts plugin-declared keys, case-sensitively', () => {
    expect(parseCniArgs('IP=10.0.0.2', { knownKeys: ['IP'] }).values.get('IP')).toBe('10.0.0.2');
    expect(() => parseCniArgs('ip=10.0.0.2', { knownKeys: ['IP'] })).toThrow(/unknown args \[ip\]/);
  });
  it('keeps "=" inside values and tolerates empty input and empty pairs', () => {
    expect(parseCniArgs('IgnoreUnknown=1;A=b=c;;').values.get('A')).toBe('b=c');
    expect(parseCniArgs('').values.size).toBe(0);
    expect(parseCniArgs(undefined).ignoreUnknown).toBe(false);
  });
  it.each(['novalue', '=x'])('rejects the malformed pair %s', (p) => {
    expect(() => parseCniArgs(p)).toThrow(expect.objectContaining({ code: 4, message: expect.stringContaining(p) }));
  });
  it('formats pairs', () => {
    expect(
      formatCniArgs([
        ['IgnoreUnknown', '1'],
        ['K8S_POD_NAME', 'x'],
      ]),
    ).toBe('IgnoreUnknown=1;K8S_POD_NAME=x');
  });
});
