// SPDX-License-Identifier: Apache-2.0
/** Runs the bundled ipamd against an in-process AWS simulator, over its real unix-socket gRPC API. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { createIpamdClient } from '@vpc-cni-ts/ipamd';

import { startSimulator, type Scenario, type Simulator } from '../simulator';

export const REPO = resolve(__dirname, '../../..');
export const IPAMD_BUNDLE = join(REPO, 'ipamd/dist/bin/ipamd.js');

/** Build the bundle if it is missing (integration tests run the shipped executable). */
export function ensureBundle(): void {
  if (existsSync(IPAMD_BUNDLE)) return;
  const r = spawnSync('npm', ['run', 'bundle', '-w', 'ipamd'], { cwd: REPO, encoding: 'utf8', env: childEnv({}) });
  if (r.status !== 0) throw new Error(`ipamd bundle failed: ${r.stderr || r.stdout}`);
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
  return env;
}

/** Fast timings so a test sees minutes of pool behaviour in seconds. */
export const FAST_TIMINGS: Record<string, string> = {
  IPAMD_POOL_TICK_MS: '100',
  IPAMD_RECONCILE_INTERVAL_MS: '2000',
  IPAMD_DECREASE_INTERVAL_MS: '300',
  IPAMD_ENI_MIN_AGE_MS: '1000',
  IPAMD_CAPACITY_BACKOFF_MS: '3000',
  IPAMD_RELEASE_GRACE_MS: '5000',
  IP_COOLDOWN_PERIOD: '1',
};

export type IpamdClient = ReturnType<typeof createIpamdClient>;

/** One ipamd process plus its files. */
export class IpamdProcess {
  child: ChildProcess | undefined;
  client: IpamdClient | undefined;
  stderr = '';
  exit: Promise<number | null> = Promise.resolve(null);
  /** Extra node flags for the child (e.g. --cpu-prof). */
  nodeArgs: string[] = [];
  constructor(
    readonly dir: string,
    readonly env: Record<string, string>,
  ) {}

  get socket(): string {
    return this.env.IPAMD_SOCKET_PATH!;
  }
  get checkpoint(): string {
    return this.env.AWS_VPC_K8S_CNI_BACKING_STORE!;
  }
  get logFile(): string {
    return this.env.AWS_VPC_K8S_CNI_LOG_FILE!;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawn and wait until health answers SERVING (or the process exits). */
  async start(timeoutMs = 20_000): Promise<void> {
    this.stderr = '';
    const child = spawn(process.execPath, [...this.nodeArgs, IPAMD_BUNDLE], {
      env: childEnv(this.env),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((r) => child.on('exit', (code) => r(code)));
    let exited = false;
    void this.exit.then(() => (exited = true));
    const deadline = Date.now() + timeoutMs;
    this.client?.close();
    this.client = undefined;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`ipamd exited during start-up: ${this.stderr}`);
      if (existsSync(this.socket)) {
        const c = createIpamdClient(this.socket);
        try {
          if ((await c.health()) === 1) {
            this.client = c;
            return;
          }
        } catch {
          /* not yet */
        }
        c.close();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`ipamd not healthy after ${timeoutMs} ms: ${this.stderr}`);
  }

  /** SIGTERM and wait. */
  async stop(): Promise<number | null> {
    this.client?.close();
    this.client = undefined;
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exit;
  }

  /** kill -9. */
  async kill(): Promise<void> {
    this.client?.close();
    this.client = undefined;
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }

  readCheckpoint(): {
    version: string;
    allocations: { containerID: string; ipv4: string; ifName: string; networkName: string }[];
  } {
    return JSON.parse(readFileSync(this.checkpoint, 'utf8'));
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Env for an ipamd pointed at `sim`, with private files under a temp dir. */
export function ipamdFor(sim: Simulator, env: Record<string, string> = {}): IpamdProcess {
  const dir = mkdtempSync(join(tmpdir(), 'vct-ipamd-'));
  return new IpamdProcess(dir, {
    AWS_EC2_ENDPOINT: sim.ec2Endpoint,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsEndpoint,
    AWS_REGION: sim.region,
    AWS_ACCESS_KEY_ID: 'AKIASIMULATOR0000000',
    AWS_SECRET_ACCESS_KEY: 'simulator-secret',
    IPAMD_SOCKET_PATH: join(dir, 'ipamd.sock'),
    AWS_VPC_K8S_CNI_BACKING_STORE: join(dir, 'ipam.json'),
    AWS_VPC_K8S_CNI_LOG_FILE: join(dir, 'ipamd.log'),
    AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG',
    // This ipamd runs in the test's own (root) namespace, which is not the node the simulator describes: the
    // simulated ENIs' MACs do not exist here, and the host's rules must not be touched.
    VPC_CNI_TS_MANAGE_HOST_NETWORK: 'false',
    // Private sockets: several ipamds run side by side, and nothing listens on the host's ports.
    METRICS_BIND_ADDRESS: `unix:${join(dir, 'metrics.sock')}`,
    INTROSPECTION_BIND_ADDRESS: `unix:${join(dir, 'introspection.sock')}`,
    ...FAST_TIMINGS,
    ...env,
  });
}

export async function simulator(scenario: Scenario = {}): Promise<Simulator> {
  return startSimulator(scenario, { host: '127.0.0.1', ec2Port: 0, imdsPort: 0 });
}

/** Difference of two call-count maps. */
export function callDelta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ADD for a pod, retried like kubelet while ipamd has no address; returns the address or the last error. */
export async function addPod(
  c: IpamdClient,
  containerId: string,
  opts: { retries?: number; gapMs?: number } = {},
): Promise<string> {
  let last: unknown;
  for (let i = 0; i <= (opts.retries ?? 100); i++) {
    try {
      const r = await c.add({
        ContainerID: containerId,
        IfName: 'eth0',
        NetworkName: 'aws-cni',
        K8S_POD_NAME: `pod-${containerId}`,
        K8S_POD_NAMESPACE: 'default',
        Netns: '/var/run/netns/x',
      });
      if (r.Success) return r.IPAllocationMetadata[0]!.IPv4Addr;
    } catch (e) {
      last = e;
    }
    await sleep(opts.gapMs ?? 100);
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export async function delPod(c: IpamdClient, containerId: string): Promise<string> {
  const r = await c.del({
    ContainerID: containerId,
    IfName: 'eth0',
    NetworkName: 'aws-cni',
    K8S_POD_NAME: `pod-${containerId}`,
    K8S_POD_NAMESPACE: 'default',
    Reason: 'PodDeleted',
  });
  return r.IPAllocationMetadata[0]?.IPv4Addr ?? '';
}

/** ENIs of the instance in the simulator, and any ENI left detached ("leaked"). */
export function eniState(sim: Simulator): { attached: number; detached: string[]; addresses: number } {
  let attached = 0;
  let addresses = 0;
  const detached: string[] = [];
  sim.world.settle();
  for (const e of sim.world.enis.values()) {
    if (e.attachment) {
      attached++;
      addresses += e.secondaryIps.length + e.ipv4Prefixes.length * 16;
    } else detached.push(e.networkInterfaceId);
  }
  return { attached, detached, addresses };
}

/** Poll until `pred` holds. */
export async function waitFor(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** GET over a unix socket (ipamd's metrics and introspection in tests): status and body. */
export function getUnix(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = httpGet({ socketPath, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on ${socketPath}: timed out`)));
    req.on('error', reject);
  });
}
