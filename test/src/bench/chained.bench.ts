// SPDX-License-Identifier: Apache-2.0
/**
 * ADD+DEL latency of the chained plugins beside Debian's reference plugins, same run, same namespaces:
 * bandwidth-shim vs bandwidth, tuning-shim vs tuning, and egress-cni vs its closest Go peer, ptp + host-local
 * with ipMasq (veth + lease + per-pod nat chain; there is no Go egress-cni on this machine).
 * Every plugin runs through the same `nsenter --net` into a namespace playing the host, so the wrapper cost is
 * identical on both sides.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { benchEnv, isRoot, stats } from './stats';
import { type BenchRow, type BenchSuite } from './suite';

const REPO = resolve(__dirname, '..', '..', '..');
const N = Number(process.env.BENCH_N ?? 30);
const bundlePath = (n: string): string => join(REPO, 'plugins', n, 'dist', 'bin', `${n}.js`);

function sh(cmd: string): void {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
}

/** Runs one plugin command in the host namespace; returns wall ms; throws on a CNI error. */
function cni(
  hostNs: string,
  plugin: string,
  command: string,
  config: object,
  cid: string,
  netns: string,
  ifName = 'eth0',
): number {
  const argv = [
    `--net=/run/netns/${hostNs}`,
    '--',
    ...(plugin.endsWith('.js') ? [process.execPath, plugin] : [plugin]),
  ];
  const env = benchEnv({
    CNI_COMMAND: command,
    CNI_CONTAINERID: cid,
    CNI_NETNS: netns,
    CNI_IFNAME: ifName,
    CNI_PATH: '/usr/lib/cni',
  });
  const t0 = process.hrtime.bigint();
  const r = spawnSync('nsenter', argv, { input: JSON.stringify(config), env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${plugin} ${command} failed: ${r.stdout} ${r.stderr}`);
  return ms;
}

interface Pair {
  readonly name: string;
  readonly ours: string;
  readonly ref: string;
  readonly refLabel: string;
  /** Config for iteration i (version 1.0.0, with prevResult). */
  readonly config: (which: 'ours' | 'ref', i: number) => object;
  readonly ifName?: string;
  /** Untimed cleanup after each iteration. */
  readonly after?: () => void;
}

export const suite: BenchSuite = {
  name: 'chained plugins (bandwidth-shim, tuning-shim, egress-cni) vs reference, ADD+DEL',
  async run() {
    if (!isRoot()) return { skipped: 'needs root (namespaces)' };
    for (const n of ['bandwidth', 'tuning', 'ptp', 'host-local']) {
      if (!existsSync(`/usr/lib/cni/${n}`)) return { skipped: `reference /usr/lib/cni/${n} missing` };
    }
    for (const n of ['bandwidth-shim', 'tuning-shim', 'egress-cni']) {
      if (!existsSync(bundlePath(n)))
        return { skipped: `bundle ${bundlePath(n)} missing: npm run bundle -w plugins/${n}` };
    }
    const tag = randomBytes(3).toString('hex');
    const host = `vct-bench-${tag}-h`;
    const pod = `vct-bench-${tag}-p`;
    const podPath = `/run/netns/${pod}`;
    const tmp = mkdtempSync(join(tmpdir(), 'vct-bench-chained-'));
    const veth = 'vethvctbench';
    try {
      sh(`ip netns add ${host} && ip netns add ${pod}`);
      sh(
        `ip -n ${host} link add ${veth} type veth peer name eth0 netns ${pod} && ip -n ${host} link set ${veth} up && ip -n ${pod} link set eth0 up`,
      );
      sh(
        `ip -n ${host} link add eth9 type veth peer name eth9p && ip -n ${host} addr add 10.99.70.1/24 dev eth9 && ip -n ${host} link set eth9 up`,
      );
      const prev = {
        cniVersion: '1.0.0',
        interfaces: [{ name: veth }, { name: 'eth0', sandbox: podPath }],
        ips: [{ address: '10.99.71.2/24', gateway: '10.99.71.1', interface: 1 }],
        routes: [{ dst: '0.0.0.0/0' }],
        dns: {},
      };
      const bw = { ingressRate: 8_000_000, ingressBurst: 800_000, egressRate: 4_000_000, egressBurst: 400_000 };
      const tune = {
        sysctl: { 'net.core.somaxconn': '512', 'net.ipv4.conf.IFNAME.accept_redirects': '0' },
        mtu: 1400,
        promisc: true,
      };
      const pairs: Pair[] = [
        {
          name: 'bandwidth ADD+DEL',
          ours: bundlePath('bandwidth-shim'),
          ref: '/usr/lib/cni/bandwidth',
          refLabel: 'Go bandwidth 1.1.1',
          config: () => ({ cniVersion: '1.0.0', name: 'vctbench', type: 'bandwidth', ...bw, prevResult: prev }),
          after: () => sh(`tc -n ${host} qdisc del dev ${veth} root; tc -n ${host} qdisc del dev ${veth} ingress`),
        },
        {
          name: 'tuning ADD+DEL',
          ours: bundlePath('tuning-shim'),
          ref: '/usr/lib/cni/tuning',
          refLabel: 'Go tuning 1.1.1',
          config: (w) => ({
            cniVersion: '1.0.0',
            name: 'vctbench',
            type: 'tuning',
            dataDir: join(tmp, `tuning-${w}`),
            ...tune,
            prevResult: prev,
          }),
        },
        {
          name: 'egress-cni ADD+DEL',
          ours: bundlePath('egress-cni'),
          ref: '/usr/lib/cni/ptp',
          refLabel: 'Go ptp+host-local ipMasq (closest peer)',
          ifName: 'v4if0',
          config: (w) =>
            w === 'ours'
              ? {
                  cniVersion: '1.0.0',
                  name: 'vctbench',
                  type: 'egress-cni',
                  enabled: 'true',
                  nodeIP: '10.99.70.1',
                  randomizeSNAT: 'prng',
                  pluginLogFile: join(tmp, 'egress.log'),
                  ipam: {
                    type: 'host-local',
                    ranges: [[{ subnet: '169.254.172.0/22' }]],
                    routes: [{ dst: '0.0.0.0/0' }],
                    dataDir: join(tmp, 'eg'),
                  },
                  prevResult: prev,
                }
              : {
                  cniVersion: '1.0.0',
                  name: 'vctbench',
                  type: 'ptp',
                  ipMasq: true,
                  ipam: {
                    type: 'host-local',
                    ranges: [[{ subnet: '10.99.72.0/24' }]],
                    routes: [{ dst: '0.0.0.0/0' }],
                    dataDir: join(tmp, 'ptp'),
                  },
                },
        },
      ];
      const rows: BenchRow[] = [];
      // Start-up alone (VERSION), to show how much of each ratio is the Node start rather than the work.
      {
        const ours: number[] = [];
        const ref: number[] = [];
        const version = (plugin: string): number => {
          const argv = plugin.endsWith('.js') ? [process.execPath, plugin] : [plugin];
          const t0 = process.hrtime.bigint();
          spawnSync(argv[0], argv.slice(1), { env: benchEnv({ CNI_COMMAND: 'VERSION' }), input: '' });
          return Number(process.hrtime.bigint() - t0) / 1e6;
        };
        for (let i = -2; i < N; i++) {
          const a = version(bundlePath('tuning-shim'));
          const b = version('/usr/lib/cni/tuning');
          if (i >= 0) {
            ours.push(a);
            ref.push(b);
          }
        }
        rows.push({
          name: 'start-up (VERSION, tuning-shim)',
          ours: stats(ours),
          reference: { ...stats(ref), label: 'Go tuning' },
          unit: 'ms',
        });
      }
      for (const p of pairs) {
        const ours: number[] = [];
        const ref: number[] = [];
        // Interleave ours and the reference so drift on the shared machine hits both alike; 2 warm-up rounds.
        for (let i = -2; i < N; i++) {
          for (const which of ['ours', 'ref'] as const) {
            const cid = `vct-bench-${which}-${i + 2}`;
            const plugin = which === 'ours' ? p.ours : p.ref;
            const conf = p.config(which, i);
            const ms =
              cni(host, plugin, 'ADD', conf, cid, podPath, p.ifName) +
              cni(host, plugin, 'DEL', conf, cid, podPath, p.ifName);
            p.after?.();
            if (i >= 0) (which === 'ours' ? ours : ref).push(ms);
          }
        }
        rows.push({ name: p.name, ours: stats(ours), reference: { ...stats(ref), label: p.refLabel }, unit: 'ms' });
      }
      return rows;
    } finally {
      spawnSync('ip', ['netns', 'del', host]);
      spawnSync('ip', ['netns', 'del', pod]);
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
