/** The plugin's network policy agent client against a @grpc/grpc-js server playing rpc.NPBackend. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { LeanNpAgentClient, ProtoWriter, readFields } from '@vpc-cni-ts/aws-cni/ipamd';

const fields = (b: Buffer) =>
  Object.fromEntries(readFields(b).map((f) => [f.field, f.wire === 2 ? f.bytes.toString() : Number(f.value)]));
const method = (name: string): grpc.MethodDefinition<Record<number, unknown>, boolean> => ({
  path: `/rpc.NPBackend/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: () => Buffer.alloc(0),
  requestDeserialize: fields,
  responseSerialize: (ok: boolean) => new ProtoWriter().bool(1, ok).finish(),
  responseDeserialize: () => true,
});

describe('LeanNpAgentClient against @grpc/grpc-js', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vct-awscni-npa-'));
  const sock = join(dir, 'npa.sock');
  const seen: Array<[string, Record<number, unknown>]> = [];
  let answer = true;
  const server = new grpc.Server();

  beforeAll(async () => {
    server.addService(
      { EnforceNpToPod: method('EnforceNpToPod'), DeletePodNp: method('DeletePodNp') },
      {
        EnforceNpToPod: (
          call: grpc.ServerUnaryCall<Record<number, unknown>, boolean>,
          cb: grpc.sendUnaryData<boolean>,
        ) => {
          seen.push(['enforce', call.request]);
          cb(null, answer);
        },
        DeletePodNp: (
          call: grpc.ServerUnaryCall<Record<number, unknown>, boolean>,
          cb: grpc.sendUnaryData<boolean>,
        ) => {
          seen.push(['delete', call.request]);
          cb(null, answer);
        },
      },
    );
    await new Promise<void>((res, rej) =>
      server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())),
    );
  });
  afterAll(async () => {
    await new Promise<void>((res) => server.tryShutdown(() => res()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends EnforceNpToPod and DeletePodNp with upstream field numbers', async () => {
    const c = new LeanNpAgentClient(sock);
    await c.enforce('web', 'default', 'standard', 2);
    await c.remove('web', 'default');
    c.close();
    expect(seen).toEqual([
      ['enforce', { 1: 'web', 2: 'default', 3: 'standard', 4: 2 }],
      ['delete', { 1: 'web', 2: 'default' }],
    ]);
  });
  it('rejects Success=false and an unreachable socket', async () => {
    answer = false;
    const c = new LeanNpAgentClient(sock);
    await expect(c.enforce('web', 'default', 'strict', 1)).rejects.toThrow(/Success=false/);
    c.close();
    answer = true;
    await expect(new LeanNpAgentClient(join(dir, 'none.sock')).remove('a', 'b')).rejects.toMatchObject({
      unavailable: true,
    });
  });
});
