// SPDX-License-Identifier: Apache-2.0
/** Helpers for the install tests: a temporary host root, a stand-in ipamd and IMDS, and spawning the bundles. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const ENTRYPOINT_BUNDLE = path.join(REPO, 'conflist', 'dist', 'bin', 'aws-vpc-cni.js');
export const INIT_BUNDLE = path.join(REPO, 'conflist', 'dist', 'bin', 'aws-vpc-cni-init.js');

/** Fails with the command to run when a bundle is missing (`make test` bundles first). */
export function requireBundle(file: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bundle -w conflist\` (or make test)`);
  return file;
}

/** A throwaway directory tree standing in for the node: app dir, host bin and conf dirs, run dir. */
export interface TempRoot {
  readonly root: string;
  readonly app: string;
  readonly bin: string;
  readonly conf: string;
  readonly run: string;
  cleanup(): void;
}

export function makeTempRoot(prefix = 'vct-install-'): TempRoot {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const dirs = {
    app: path.join(root, 'app'),
    bin: path.join(root, 'host/opt/cni/bin'),
    conf: path.join(root, 'host/etc/cni/net.d'),
    run: path.join(root, 'run'),
  };
  mkdirSync(dirs.app, { recursive: true });
  mkdirSync(dirs.run, { recursive: true });
  return { root, ...dirs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Writes tiny stand-in plugin executables into `dir`. */
export function writeStandInPlugins(dir: string, names: readonly string[]): void {
  for (const n of names)
    writeFileSync(path.join(dir, n), `#!/bin/sh\necho '{"cniVersion":"1.0.0","supportedVersions":["1.0.0"]}'\n`, {
      mode: 0o644,
    });
}

/**
 * A stand-in ipamd: waits FAKE_IPAMD_DELAY_MS, records the time in `<socket>.serving`, then serves
 * grpc.health.v1 SERVING on IPAMD_SOCKET_PATH; exits FAKE_IPAMD_EXIT_EARLY at once when set; on SIGTERM exits
 * with FAKE_IPAMD_TERM_CODE (default 0).
 */
export function writeStandInIpamd(dir: string): string {
  const grpcPath = require.resolve('@grpc/grpc-js');
  const file = path.join(dir, 'fake-ipamd.js');
  writeFileSync(
    file,
    `'use strict';
const grpc = require(${JSON.stringify(grpcPath)});
const fs = require('fs');
const env = process.env;
if (env.FAKE_IPAMD_EXIT_EARLY) process.exit(Number(env.FAKE_IPAMD_EXIT_EARLY));
process.on('SIGTERM', () => process.exit(Number(env.FAKE_IPAMD_TERM_CODE || 0)));
const sock = env.IPAMD_SOCKET_PATH;
setTimeout(() => {
  const server = new grpc.Server();
  server.addService({ Check: { path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
    requestSerialize: (b) => b, requestDeserialize: (b) => b,
    responseSerialize: () => Buffer.from([8, 1]), responseDeserialize: (b) => b } },
    { Check: (_c, cb) => cb(null, 1) });
  fs.writeFileSync(sock + '.serving', String(Date.now()));
  server.bindAsync('unix://' + sock, grpc.ServerCredentials.createInsecure(), (e) => { if (e) { console.error(e); process.exit(9); } });
}, Number(env.FAKE_IPAMD_DELAY_MS || 0));
`,
  );
  return file;
}

/** A loopback IMDSv2 stand-in serving fixed meta-data paths. */
export async function startImdsStandIn(
  paths: Readonly<Record<string, string>>,
): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('t');
    const key = (req.url ?? '').replace('/latest/meta-data/', '');
    if (req.headers['x-aws-ec2-metadata-token'] === 't' && key in paths) return void res.end(paths[key]);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** The environment children get: nothing inherited but PATH, no NODE_EXTRA_CA_CERTS. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Spawns `node <bundle>` (after `prefix`, e.g. `ip netns exec <ns>`) and collects stderr and stdout; `exited`
 * resolves when it ends.
 */
export function spawnBundle(
  bundle: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  prefix: readonly string[] = [],
): { child: ChildProcess; exited: Promise<Exited> } {
  const [cmd, ...args] = [...prefix, process.execPath, bundle];
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stderr += d));
  const exited = new Promise<Exited>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

/** Polls `fn` every 20 ms until it returns truthy or `ms` pass. */
export async function waitFor<T>(fn: () => T, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
