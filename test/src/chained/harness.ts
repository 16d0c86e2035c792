// SPDX-License-Identifier: Apache-2.0
/**
 * Helpers for the chained-plugin tests (bandwidth-shim, tuning-shim, egress-cni): run a plugin executable the way
 * a runtime does, optionally inside a namespace that plays the host (so host-side state — veths, ifbs, iptables,
 * ip_forward — stays in a throwaway namespace), and read kernel state for comparisons.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
export const REF_DIR = '/usr/lib/cni';

/** Path of our bundle, building it first when it is missing. */
export function bundle(name: 'bandwidth-shim' | 'tuning-shim' | 'egress-cni'): string {
  const path = join(REPO, 'plugins', name, 'dist', 'bin', `${name}.js`);
  if (!existsSync(path)) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    execFileSync('npx', ['tsc', '-b', join('plugins', name)], { cwd: REPO, env, stdio: 'pipe' });
    execFileSync('npm', ['run', 'bundle', '-w', join('plugins', name)], { cwd: REPO, env, stdio: 'pipe' });
  }
  return path;
}

export const isRoot = (): boolean => process.getuid?.() === 0;
export const hasReference = (name: string): boolean => existsSync(join(REF_DIR, name));

/** Runs a shell command synchronously; throws with stderr on failure. */
export function sh(cmd: string): string {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Same, ignoring failure (cleanup). */
export function shq(cmd: string): void {
  spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
}

/** A unique short name with the chained tests' prefix, e.g. "vct-ch-a1b2c3-h". */
export function nsName(tag: string): string {
  return `vct-ch-${randomBytes(3).toString('hex')}-${tag}`;
}

export function addNetns(name: string): string {
  sh(`ip netns add ${name} && ip -n ${name} link set lo up`);
  return `/run/netns/${name}`;
}

export function delNetns(...names: string[]): void {
  for (const n of names) shq(`ip netns del ${n}`);
}

export interface CniRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly json?: Record<string, unknown>;
  readonly ms: number;
}

export interface CniCall {
  readonly command: 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | '';
  readonly config: object | string;
  readonly containerId?: string;
  readonly netns?: string;
  readonly ifName?: string;
  readonly args?: string;
  /** Run inside this namespace (by name), playing the host. */
  readonly hostNs?: string;
  readonly env?: Record<string, string | undefined>;
}

/** Runs a plugin (a `.js` bundle runs under this node) like a runtime would and decodes stdout. */
export function runCni(plugin: string, call: CniCall): Promise<CniRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_PATH: REF_DIR };
  const set = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') env[k] = v;
  };
  set('CNI_COMMAND', call.command);
  set('CNI_CONTAINERID', call.containerId);
  set('CNI_NETNS', call.netns);
  set('CNI_IFNAME', call.ifName ?? 'eth0');
  set('CNI_ARGS', call.args);
  for (const [k, v] of Object.entries(call.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const base = plugin.endsWith('.js') ? [process.execPath, plugin] : [plugin];
  const argv = call.hostNs ? ['ip', 'netns', 'exec', call.hostNs, ...base] : base;
  const input = typeof call.config === 'string' ? call.config : JSON.stringify(call.config);
  return new Promise((done) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      done({ code: code ?? -1, stdout, stderr, json, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
    child.stdin.end(input);
  });
}

/** Parses `ip -j`/`tc -j` output run in a namespace (by name; undefined = here). */
export function jsonIn<T = unknown>(ns: string | undefined, cmd: string): T {
  const out = sh(ns ? `ip netns exec ${ns} ${cmd}` : cmd).trim();
  return (out ? JSON.parse(out) : []) as T;
}

/** A veth pair: `hostName` in `hostNs`, `eth0` in the pod namespace, both up, with optional addresses. */
export function podVeth(
  hostNs: string,
  podNs: string,
  hostName: string,
  mtu = 1500,
  addrs?: { host: string; pod: string },
  macs: { host: string; pod: string } = { host: '02:99:00:00:00:01', pod: '02:99:00:00:00:02' },
): { hostMac: string; podMac: string } {
  sh(
    `ip -n ${hostNs} link add ${hostName} address ${macs.host} mtu ${mtu} type veth peer name eth0 address ${macs.pod} mtu ${mtu} netns ${podNs}`,
  );
  sh(`ip -n ${hostNs} link set ${hostName} up && ip -n ${podNs} link set eth0 up`);
  if (addrs)
    sh(`ip -n ${hostNs} addr add ${addrs.host} dev ${hostName} && ip -n ${podNs} addr add ${addrs.pod} dev eth0`);
  const mac = (ns: string, dev: string): string =>
    jsonIn<{ address: string }[]>(ns, `ip -j link show dev ${dev}`)[0].address;
  return { hostMac: mac(hostNs, hostName), podMac: mac(podNs, 'eth0') };
}

/** A prevResult as the main plugin would print it in `version` (veth host end + pod eth0 + one IPv4 address). */
export function prevResultFor(
  version: string,
  p: { hostName: string; hostMac: string; podMac: string; netns: string; ip: string; gw: string },
): object {
  if (version === '0.1.0' || version === '0.2.0') {
    return { cniVersion: version, ip4: { ip: p.ip, gateway: p.gw, routes: [{ dst: '0.0.0.0/0' }] }, dns: {} };
  }
  const interfaces = [
    { name: p.hostName, mac: p.hostMac },
    { name: 'eth0', mac: p.podMac, sandbox: p.netns },
  ];
  const ip: Record<string, unknown> = { interface: 1, address: p.ip, gateway: p.gw };
  if (!version.startsWith('1.')) ip.version = '4';
  return { cniVersion: version, interfaces, ips: [ip], routes: [{ dst: '0.0.0.0/0' }], dns: {} };
}

/**
 * One side of a differential test: a namespace playing the host and a pod namespace joined by a veth (`veth` on the
 * host, eth0 in the pod), with the prevResult the main plugin would have printed for it.
 */
export interface DiffSide {
  readonly host: string;
  readonly pod: string;
  /** The pod namespace's path (CNI_NETNS). */
  readonly podPath: string;
  /** prevResult for a cniVersion. */
  readonly prev: (version: string) => object;
}

/** Creates a {@link DiffSide}; remove it with `delNetns(side.host, side.pod)`. */
export function makeDiffSide(tag: string, o: { veth: string; mtu: number; ip: string; gw: string }): DiffSide {
  const host = nsName(`${tag}h`);
  const pod = nsName(`${tag}p`);
  addNetns(host);
  const podPath = addNetns(pod);
  const macs = podVeth(host, pod, o.veth, o.mtu);
  return {
    host,
    pod,
    podPath,
    prev: (v) => prevResultFor(v, { hostName: o.veth, ...macs, netns: podPath, ip: o.ip, gw: o.gw }),
  };
}

/** Runs the same call on the reference plugin (its side) and on ours (its side) at the same time. */
export async function runBoth<S extends DiffSide>(
  plugins: { readonly ref: string; readonly ours: string },
  sides: { readonly ref: S; readonly mine: S },
  call: (side: S) => CniCall,
): Promise<{ r: CniRun; o: CniRun }> {
  const [r, o] = await Promise.all([runCni(plugins.ref, call(sides.ref)), runCni(plugins.ours, call(sides.mine))]);
  return { r, o };
}

/**
 * Result JSON with volatile values removed: MACs of devices the plugins create (random), sandbox paths (each side
 * has its own namespace), an empty dns object (Go always prints one).
 */
export function comparableResult(
  r: Record<string, unknown> | undefined,
  volatileIfaces: readonly string[] = [],
): unknown {
  if (!r) return r;
  const c = structuredClone(r);
  if (c.dns && typeof c.dns === 'object' && Object.keys(c.dns).length === 0) delete c.dns;
  const ifs = c.interfaces as { name: string; mac?: string }[] | undefined;
  for (const i of ifs ?? []) {
    if (volatileIfaces.includes(i.name)) delete i.mac;
    if ((i as { sandbox?: string }).sandbox) (i as { sandbox?: string }).sandbox = '<sandbox>';
  }
  return c;
}
