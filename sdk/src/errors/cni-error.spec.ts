// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode, isValidCniErrorCode, toCniError } from './cni-error';

describe('CniError', () => {
  it('serialises to the wire shape, details and cniVersion only when present', () => {
    expect(new CniError(7, 'bad').toJSON()).toEqual({ code: 7, msg: 'bad' });
    expect(JSON.stringify(new CniError(11, 'later', { details: 'd' }).toJSON('1.0.0'))).toBe(
      '{"cniVersion":"1.0.0","code":11,"msg":"later","details":"d"}',
    );
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 11, 50, 51, 999, 100, 4242])('accepts code %i', (c) =>
    expect(isValidCniErrorCode(c)).toBe(true),
  );
  it.each([0, 9, 12, 99, -1, 1.5])('refuses code %s from plugin code', (c) => {
    expect(() => new CniError(c, 'x')).toThrow(RangeError);
  });

  it('passes CniErrors through the boundary and wraps anything else as 999 keeping the cause', () => {
    const e = new CniError(CniErrorCode.TryAgainLater, 'x');
    expect(toCniError(e)).toBe(e);
    const cause = new Error('disk full');
    const w = toCniError(cause);
    expect(w).toMatchObject({ code: 999, message: 'disk full' });
    expect(w.cause).toBe(cause);
    expect(toCniError('plain').message).toBe('plain');
    expect(JSON.stringify(w.toJSON())).not.toContain('at ');
  });

  it("reads other plugins' error JSON keeping any code, and adds context without losing it", () => {
    expect(CniError.fromJSON({ code: 0, msg: 'unknown' })?.code).toBe(0);
    expect(CniError.fromJSON({ msg: 'no code' })).toBeUndefined();
    const e = CniError.fromJSON({ code: 8, msg: 'own netns', details: 'x' })!.withContext('plugin 0:ptp failed (add)');
    expect(e).toMatchObject({ code: 8, message: 'plugin 0:ptp failed (add): own netns', details: 'x' });
  });
});
