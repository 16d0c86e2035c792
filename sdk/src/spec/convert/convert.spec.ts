// SPDX-License-Identifier: Apache-2.0
import { CniError } from '../../errors/cni-error';
import { CONVERSION_EXPECTED, FULL_RESULTS } from '../../testing/conversion-fixtures';
import { ALL_VERSIONS, familyOf, type ResultFamily } from '../versions';
import { convertResult, encodeResult } from './convert';
import { parsePrevResult, parseResult } from './parse';
import { CONVERSION_TABLE } from './table';

const pairs = ALL_VERSIONS.flatMap((from) => ALL_VERSIONS.map((to) => [from, to] as const));

describe('conversion table', () => {
  it('covers all 49 (from, to) pairs and is frozen', () => {
    expect(pairs).toHaveLength(49);
    for (const [from, to] of pairs) expect(typeof CONVERSION_TABLE[from][to]).toBe('function');
    expect(Object.isFrozen(CONVERSION_TABLE)).toBe(true);
    expect(Object.isFrozen(CONVERSION_TABLE['0.4.0'])).toBe(true);
  });

  it.each(pairs)('%s -> %s converts the full fixture exactly', (from, to) => {
    const src = parseResult({ cniVersion: from, ...FULL_RESULTS[familyOf(from) as ResultFamily] });
    const before = JSON.stringify(src);
    const out = convertResult(src, to);
    const want = {
      cniVersion: to,
      ...CONVERSION_EXPECTED[familyOf(from) as ResultFamily][familyOf(to) as ResultFamily],
    };
    expect(out).toEqual(want);
    expect(Object.keys(out)[0]).toBe('cniVersion');
    expect(JSON.stringify(src)).toBe(before); // input untouched
  });

  it.each(ALL_VERSIONS.filter((v) => familyOf(v) !== '020'))('%s -> 0.2.0 without IPs fails with code 1', (from) => {
    const r = parseResult({ cniVersion: from, interfaces: [{ name: 'eth0' }] });
    expect(() => convertResult(r, '0.2.0')).toThrow(/no valid IP addresses/);
  });

  it('keeps interface index 0 through every version', () => {
    const r = parseResult({ cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24', interface: 0 }] });
    expect(JSON.parse(encodeResult(r, '0.4.0')).ips[0].interface).toBe(0);
    expect(JSON.parse(encodeResult(r, '1.0.0')).ips[0].interface).toBe(0);
  });

  it('refuses an unknown target version with code 1', () => {
    const r = parseResult({ cniVersion: '1.0.0' });
    expect(() => convertResult(r, '0.5.0')).toThrow(expect.objectContaining({ code: 1 }));
  });
});

describe('parseResult (lenient like Go)', () => {
  it('keeps non-MAC mac values, numeric sandbox strings, interface -1 and empty version', () => {
    const r = parseResult({
      cniVersion: '0.4.0',
      interfaces: [{ name: 'dummyabc', mac: '0', sandbox: '1' }],
      ips: [{ address: '10.0.0.2/32', interface: -1 }],
      extra: 'dropped',
    });
    expect(r).toEqual({
      cniVersion: '0.4.0',
      interfaces: [{ name: 'dummyabc', mac: '0', sandbox: '1' }],
      ips: [{ version: '', address: '10.0.0.2/32', interface: -1 }],
    });
  });
  it('treats a missing cniVersion as the default', () => {
    expect(parseResult({ ip4: { ip: '10.0.0.2/24' } }).cniVersion).toBe('0.1.0');
    expect(parseResult({ ips: [] }, '1.0.0').cniVersion).toBe('1.0.0');
  });
  it.each([
    ['not json', '{', 6, /decode/],
    ['not an object', '[1]', 6, /result: expected an object/],
    ['address not a string', { cniVersion: '1.0.0', ips: [{ address: 5 }] }, 6, /ips\[0\]\.address: expected a string/],
    ['unknown version', { cniVersion: '9.9.9' }, 1, /unsupported CNI result version "9.9.9"/],
    ['bad ips version', { cniVersion: '0.4.0', ips: [{ version: '5', address: '1.1.1.1/32' }] }, 6, /version/],
  ])('rejects %s', (_n, input, code, msg) => {
    let err: unknown;
    try {
      parseResult(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(code);
    expect((err as CniError).message).toMatch(msg);
  });
});

describe('parsePrevResult', () => {
  it('parses by the config family, inheriting a missing version', () => {
    expect(parsePrevResult({ cniVersion: '1.0.0', prevResult: { ips: [] } })?.cniVersion).toBe('1.0.0');
    expect(parsePrevResult({ cniVersion: '0.4.0', prevResult: { cniVersion: '0.3.1' } })?.cniVersion).toBe('0.3.1');
    expect(parsePrevResult({ cniVersion: '1.0.0' })).toBeUndefined();
  });
  it('refuses a prevResult of another family with code 1', () => {
    expect(() => parsePrevResult({ cniVersion: '1.0.0', prevResult: { cniVersion: '0.4.0' } })).toThrow(
      expect.objectContaining({ code: 1, message: expect.stringMatching(/supports \[1.0.0, 1.1.0\].*"0.4.0"/) }),
    );
  });
});
