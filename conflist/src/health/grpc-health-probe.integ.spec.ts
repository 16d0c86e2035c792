// SPDX-License-Identifier: Apache-2.0
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { GrpcHealthProbe, HEALTH_CHECK_METHOD, unixTarget } from './grpc-health-probe';

/** A grpc-js server with only grpc.health.v1.Health/Check, answering `status` (protobuf enum) on a unix socket. */
async function healthServer(socket: string, status: () => number): Promise<grpc.Server> {
  const server = new grpc.Server();
  server.addService(
    {
      Check: {
        path: HEALTH_CHECK_METHOD,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (n: number) => Buffer.from([0x08, n]),
        responseDeserialize: (b: Buffer) => b[1],
      },
    },
    { Check: (_call: unknown, cb: grpc.sendUnaryData<number>) => cb(null, status()) },
  );
  await new Promise<void>((res, rej) =>
    server.bindAsync(unixTarget(socket), grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())),
  );
  return server;
}

describe('GrpcHealthProbe over a unix socket', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vct-conflist-health-'));
  const socket = path.join(dir, 'ipamd.sock');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects while nothing listens, then reads SERVING and NOT_SERVING', async () => {
    const probe = new GrpcHealthProbe(unixTarget(socket), 500);
    await expect(probe.check()).rejects.toThrow();
    let status = 2;
    const server = await healthServer(socket, () => status);
    try {
      expect(await probe.check()).toBe('NOT_SERVING');
      status = 1;
      expect(await probe.check()).toBe('SERVING');
    } finally {
      server.forceShutdown();
    }
  });
});
