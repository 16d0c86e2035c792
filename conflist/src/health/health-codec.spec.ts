// SPDX-License-Identifier: Apache-2.0
import { decodeHealthResponse, encodeHealthRequest } from './health-codec';

describe('health codec', () => {
  it('encodes the whole-server request as zero bytes and a service name as field 1', () => {
    expect(encodeHealthRequest()).toEqual(Buffer.alloc(0));
    expect(encodeHealthRequest('rpc.CNIBackend')).toEqual(
      Buffer.concat([Buffer.from([0x0a, 14]), Buffer.from('rpc.CNIBackend')]),
    );
  });
  it.each([
    [[], 'UNKNOWN'],
    [[0x08, 0x01], 'SERVING'],
    [[0x08, 0x02], 'NOT_SERVING'],
    [[0x08, 0x03], 'SERVICE_UNKNOWN'],
    [[0x08, 0x09], 'UNKNOWN'],
    [[0x12, 0x02, 0x61, 0x62, 0x08, 0x01], 'SERVING'],
  ])('decodes %j as %s', (bytes, want) => expect(decodeHealthResponse(Buffer.from(bytes))).toBe(want));
  it('rejects a truncated message', () => {
    expect(() => decodeHealthResponse(Buffer.from([0x08]))).toThrow(/truncated/);
  });
});
