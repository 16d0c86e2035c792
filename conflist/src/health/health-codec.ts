// SPDX-License-Identifier: Apache-2.0
import { type ServingStatus } from './health-probe';

const STATUSES: readonly ServingStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** Encodes `HealthCheckRequest{service}` (field 1, string); the empty service (whole server) is zero bytes. */
export function encodeHealthRequest(service = ''): Buffer {
  const s = Buffer.from(service, 'utf8');
  if (s.length === 0) return Buffer.alloc(0);
  if (s.length > 127) throw new Error('service name too long for this encoder');
  return Buffer.concat([Buffer.from([0x0a, s.length]), s]);
}

/** Decodes `HealthCheckResponse{status}` (field 1, enum varint); unknown fields are skipped, absent = UNKNOWN. */
export function decodeHealthResponse(buf: Buffer): ServingStatus {
  let status = 0;
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint in HealthCheckResponse');
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (tag >>> 3 === 1 && wire === 0) status = varint();
    else if (wire === 0) varint();
    else if (wire === 2) {
      const len = varint(); // read first: `i += varint()` would add to the old i
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire} in HealthCheckResponse`);
  }
  return STATUSES[status] ?? 'UNKNOWN';
}
