/**
 * aws-cni: ADD and DEL latency of the bundled plugin (stand-in ipamd warm, on a unix socket) beside Debian's
 * ptp + host-local doing the same job (veth, /32-style point-to-point, no masquerade) in the same run, both run
 * inside a namespace playing the node through `nsenter`; 20 concurrent ADDs of each; and the start-up cost of the
 * plugin's lean gRPC client (node:http2 + hand-written protobuf) against @grpc/grpc-js + @grpc/proto-loader, each
 * ncc-bundled, making one health call. Root only.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureAwsCniBundle, REPO_ROOT } from '../aws-cni/bundle';
import { StandInIpamd } from '../aws-cni/stand-in-ipamd';
import { benchEnv, isRoot, stats } from './stats';
import { type BenchRow, type BenchSuite } from './suite';

const N = 30;
const CONCURRENT = 20;

/** Spawns and resolves with wall time in ms (async, so the in-process stand-in ipamd keeps serving). */
function timedRun(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out.trim() || err.trim()}`));
    });
    p.stdin.on('error', () => undefined); // a child that never reads stdin (VERSION) may exit first: EPIPE
    p.stdin.end(input);
  });
}

const sh = (...a: string[]): string => execFileSync(a[0], a.slice(1), { encoding: 'utf8' });

/** CPU time (user + sys, ms) of a command and every descendant it waited for, via GNU time. */
async function cpuOf(argv: readonly string[], env: NodeJS.ProcessEnv, input: string, out: string): Promise<number> {
  await timedRun('/usr/bin/time', ['-f', '%U %S', '-o', out, ...argv], env, input);
  const [u, s] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return (u + s) * 1000;
}

/** Builds a Node SEA (with V8 code cache) from the bundle; undefined when postject is unavailable. */
function buildSea(bundle: string, work: string): string | undefined {
  try {
    const out = join(work, 'aws-cni-sea');
    writeFileSync(
      join(work, 'sea.json'),
      JSON.stringify({
        main: bundle,
        output: join(work, 'sea.blob'),
        disableExperimentalSEAWarning: true,
        useCodeCache: true,
      }),
    );
    execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea.json')], {
      stdio: 'ignore',
      env: benchEnv(),
    });
    execFileSync('cp', [process.execPath, out]);
    const postject = require.resolve('postject/dist/cli.js');
    execFileSync(
      process.execPath,
      [
        postject,
        out,
        'NODE_SEA_BLOB',
        join(work, 'sea.blob'),
        '--sentinel-fuse',
        'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
      ],
      { stdio: 'ignore', env: benchEnv() },
    );
    return out;
  } catch {
    return undefined;
  }
}

export const suite: BenchSuite = {
  name: 'aws-cni: ADD/DEL vs ptp + host-local; lean gRPC client vs @grpc/grpc-js',
  async run() {
    if (!isRoot()) return { skipped: 'needs root (namespaces)' };
    const bundle = ensureAwsCniBundle();
    const work = mkdtempSync(join(tmpdir(), 'vct-acni-bench-'));
    const id = Math.random().toString(16).slice(2, 8);
    const nodeNs = `vct-acni-bn-${id}`;
    const pods = Array.from({ length: CONCURRENT }, (_, i) => `vct-acni-bp${i}-${id}`);
    const server = new StandInIpamd({
      socketPath: join(work, 'ipamd.sock'),
      pool: Array.from({ length: 200 }, (_, i) => `10.99.${60 + Math.floor(i / 200)}.${10 + (i % 200)}`),
      deviceNumber: 2,
      routeTableId: 3,
    });
    const rows: BenchRow[] = [];
    try {
      sh('ip', 'netns', 'add', nodeNs);
      for (const p of pods) sh('ip', 'netns', 'add', p);
      await server.start();
      const node = process.execPath;
      // the same bundle as a Node single-executable application with V8 code cache (what an image could ship)
      const sea = buildSea(bundle, work);
      const ours = (cmd: string, pod: string, cid: string, argv: readonly string[] = [node, bundle]) =>
        timedRun(
          'nsenter',
          [`--net=/run/netns/${nodeNs}`, ...argv],
          benchEnv({
            CNI_COMMAND: cmd,
            CNI_CONTAINERID: cid,
            CNI_NETNS: `/run/netns/${pod}`,
            CNI_IFNAME: 'eth0',
            CNI_PATH: '/usr/lib/cni',
            CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=${cid}`,
            IPAMD_SOCKET_PATH: server.socketPath,
          }),
          JSON.stringify({
            cniVersion: '0.4.0',
            name: 'aws-cni',
            type: 'aws-cni',
            vethPrefix: 'eni',
            mtu: '9001',
            pluginLogFile: join(work, 'plugin.log'),
            pluginLogLevel: 'Debug',
          }),
        );
      const ptpConf = JSON.stringify({
        cniVersion: '0.4.0',
        name: 'vct-acni-bench',
        type: 'ptp',
        ipMasq: false,
        mtu: 9001,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: '10.99.61.0/24' }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: join(work, 'ipam'),
        },
      });
      const ptp = (cmd: string, pod: string, cid: string) =>
        timedRun(
          'nsenter',
          [`--net=/run/netns/${nodeNs}`, '/usr/lib/cni/ptp'],
          benchEnv({
            CNI_COMMAND: cmd,
            CNI_CONTAINERID: cid,
            CNI_NETNS: `/run/netns/${pod}`,
            CNI_IFNAME: 'eth0',
            CNI_PATH: '/usr/lib/cni',
          }),
          ptpConf,
        );

      // sequential ADD then DEL, alternating ours and the reference, after a warm-up
      const add = { ours: [] as number[], ref: [] as number[], sea: [] as number[] };
      const del = { ours: [] as number[], ref: [] as number[], sea: [] as number[] };
      for (let i = -2; i < N; i++) {
        const cid = `seq${i + 2}`;
        const a1 = await ours('ADD', pods[0], cid);
        const d1 = await ours('DEL', pods[0], cid);
        const a2 = await ptp('ADD', pods[1], cid);
        const d2 = await ptp('DEL', pods[1], cid);
        const a3 = sea ? await ours('ADD', pods[2], cid, [sea]) : NaN;
        const d3 = sea ? await ours('DEL', pods[2], cid, [sea]) : NaN;
        if (i < 0) continue;
        add.ours.push(a1);
        del.ours.push(d1);
        add.ref.push(a2);
        del.ref.push(d2);
        add.sea.push(a3);
        del.sea.push(d3);
      }
      const ref = (s: number[]) => ({ ...stats(s), label: 'ptp + host-local (Go)' });
      // the floor under any Node plugin: starting node itself (through the same nsenter), beside a Go plugin's VERSION
      const zero = join(work, 'zero.js');
      writeFileSync(zero, '0;\n');
      const floor = { node: [] as number[], go: [] as number[] };
      for (let i = -2; i < N; i++) {
        const a = await timedRun('nsenter', [`--net=/run/netns/${nodeNs}`, node, zero], benchEnv(), '');
        const b = await timedRun(
          'nsenter',
          [`--net=/run/netns/${nodeNs}`, '/usr/lib/cni/ptp'],
          benchEnv({ CNI_COMMAND: 'VERSION' }),
          '',
        );
        if (i < 0) continue;
        floor.node.push(a);
        floor.go.push(b);
      }
      rows.push({
        name: 'floor: `node` starting an empty script',
        ours: stats(floor.node),
        reference: { ...stats(floor.go), label: 'ptp VERSION (Go)' },
        unit: 'ms',
        note: 'no Node plugin (run with node) can go below this line',
      });
      rows.push({
        name: 'ADD latency',
        ours: stats(add.ours),
        reference: ref(add.ref),
        unit: 'ms',
        note: 'target: p50 within 3x of ptp + host-local',
      });
      rows.push({ name: 'DEL latency', ours: stats(del.ours), reference: ref(del.ref), unit: 'ms' });
      if (sea) {
        rows.push({
          name: 'ADD latency, SEA executable with code cache',
          ours: stats(add.sea),
          reference: ref(add.ref),
          unit: 'ms',
        });
        rows.push({
          name: 'DEL latency, SEA executable with code cache',
          ours: stats(del.sea),
          reference: ref(del.ref),
          unit: 'ms',
        });
      }

      // CPU per operation: independent of how loaded the machine is (GNU time, 10 ms resolution, so many runs)
      if (existsSync('/usr/bin/time')) {
        const cpu = {
          addOurs: [] as number[],
          delOurs: [] as number[],
          addRef: [] as number[],
          delRef: [] as number[],
        };
        const tf = join(work, 'time.out');
        const oursEnv = (cmd: string, cid: string) =>
          benchEnv({
            CNI_COMMAND: cmd,
            CNI_CONTAINERID: cid,
            CNI_NETNS: `/run/netns/${pods[3]}`,
            CNI_IFNAME: 'eth0',
            CNI_PATH: '/usr/lib/cni',
            CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=${cid}`,
            IPAMD_SOCKET_PATH: server.socketPath,
          });
        const oursConf = JSON.stringify({
          cniVersion: '0.4.0',
          name: 'aws-cni',
          type: 'aws-cni',
          pluginLogFile: join(work, 'plugin.log'),
        });
        const ptpEnv = (cmd: string, cid: string) =>
          benchEnv({
            CNI_COMMAND: cmd,
            CNI_CONTAINERID: cid,
            CNI_NETNS: `/run/netns/${pods[4]}`,
            CNI_IFNAME: 'eth0',
            CNI_PATH: '/usr/lib/cni',
          });
        const nsArgs = [`nsenter`, `--net=/run/netns/${nodeNs}`];
        for (let i = 0; i < N; i++) {
          const cid = `cpu${i}`;
          cpu.addOurs.push(await cpuOf([...nsArgs, node, bundle], oursEnv('ADD', cid), oursConf, tf));
          cpu.delOurs.push(await cpuOf([...nsArgs, node, bundle], oursEnv('DEL', cid), oursConf, tf));
          cpu.addRef.push(await cpuOf([...nsArgs, '/usr/lib/cni/ptp'], ptpEnv('ADD', cid), ptpConf, tf));
          cpu.delRef.push(await cpuOf([...nsArgs, '/usr/lib/cni/ptp'], ptpEnv('DEL', cid), ptpConf, tf));
        }
        const cref = (x: number[]) => ({ ...stats(x), label: 'ptp + host-local (Go)' });
        const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
        rows.push({
          name: 'CPU per ADD (user+sys, with ip/nsenter children)',
          ours: stats(cpu.addOurs),
          reference: cref(cpu.addRef),
          unit: 'ms',
          note: `means: ours ${mean(cpu.addOurs).toFixed(1)} ms, reference ${mean(cpu.addRef).toFixed(1)} ms (GNU time has 10 ms resolution)`,
        });
        rows.push({
          name: 'CPU per DEL (user+sys, with children)',
          ours: stats(cpu.delOurs),
          reference: cref(cpu.delRef),
          unit: 'ms',
          note: `means: ours ${mean(cpu.delOurs).toFixed(1)} ms, reference ${mean(cpu.delRef).toFixed(1)} ms`,
        });
      }

      // 20 concurrent ADDs (then DELs, untimed)
      const conc = async (fn: (cmd: string, pod: string, cid: string) => Promise<number>) => {
        const t0 = process.hrtime.bigint();
        const each = await Promise.all(pods.map((p, i) => fn('ADD', p, `conc${i}`)));
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        await Promise.all(pods.map((p, i) => fn('DEL', p, `conc${i}`)));
        return { each, wall };
      };
      const co = await conc(ours);
      const cr = await conc(ptp);
      rows.push({
        name: `${CONCURRENT} concurrent ADDs, per ADD`,
        ours: stats(co.each),
        reference: ref(cr.each),
        unit: 'ms',
        note: `wall time for all ${CONCURRENT}: ours ${co.wall.toFixed(0)} ms, reference ${cr.wall.toFixed(0)} ms (2 cores shared)`,
      });

      // lean gRPC clients vs @grpc/grpc-js: ncc bundles making one health call
      const probe = (transport: string) =>
        `const { LeanIpamdClient } = require(${JSON.stringify(join(REPO_ROOT, 'plugins/aws-cni/dist/ipamd/ipamd-client.js'))});\n` +
        `const c = new LeanIpamdClient({ socketPath: process.env.SOCK, transport: '${transport}' });\n` +
        `c.health().then((s) => { c.close(); process.exitCode = s === 1 ? 0 : 1; }, (e) => { console.error(e.message); process.exitCode = 2; });\n`;
      writeFileSync(join(work, 'h2-probe.js'), probe('h2'));
      writeFileSync(join(work, 'nodeh2-probe.js'), probe('node-http2'));
      writeFileSync(
        join(work, 'grpcjs-probe.js'),
        `const grpc = require(${JSON.stringify(require.resolve('@grpc/grpc-js'))});\n` +
          `const loader = require(${JSON.stringify(require.resolve('@grpc/proto-loader'))});\n` +
          `const def = loader.loadSync(${JSON.stringify(join(REPO_ROOT, 'ipamd/proto/health.proto'))}, { keepCase: true, longs: Number, enums: Number, defaults: true });\n` +
          `const H = grpc.loadPackageDefinition(def).grpc.health.v1.Health;\n` +
          `const c = new H('unix://' + process.env.SOCK, grpc.credentials.createInsecure());\n` +
          `c.Check({ service: '' }, { deadline: Date.now() + 10000 }, (e, r) => { c.close(); process.exitCode = !e && r.status === 1 ? 0 : 1; if (e) console.error(e.message); });\n`,
      );
      const ncc = require.resolve('@vercel/ncc/dist/ncc/cli.js');
      const built: Record<string, string> = {};
      for (const name of ['h2', 'nodeh2', 'grpcjs']) {
        const out = join(work, `ncc-${name}`);
        execFileSync(
          node,
          [ncc, 'build', join(work, `${name}-probe.js`), '-o', out, '-q', '--no-source-map-register'],
          { env: benchEnv(), stdio: 'ignore' },
        );
        built[name] = join(out, 'index.js');
      }
      const t: Record<string, number[]> = { h2: [], nodeh2: [], grpcjs: [] };
      const probeEnv = benchEnv({ SOCK: server.socketPath });
      for (let i = -2; i < N; i++) {
        for (const name of Object.keys(t)) {
          const ms = await timedRun(node, [built[name]], probeEnv, '');
          if (i >= 0) t[name].push(ms);
        }
      }
      const size = (f: string) => `${(Number(sh('stat', '-c', '%s', f)) / 1024).toFixed(0)} KiB`;
      const grpcRef = { ...stats(t.grpcjs), label: '@grpc/grpc-js + proto-loader' };
      rows.push({
        name: 'start-up + one health call: lean client, hand-written HTTP/2 (what the plugin ships)',
        ours: stats(t.h2),
        reference: grpcRef,
        unit: 'ms',
        note: `bundles: h2 ${size(built.h2)}, node:http2 ${size(built.nodeh2)}, grpc-js ${size(built.grpcjs)}`,
      });
      rows.push({
        name: 'start-up + one health call: lean client over node:http2',
        ours: stats(t.nodeh2),
        reference: grpcRef,
        unit: 'ms',
      });
      return rows;
    } finally {
      await server.stop().catch(() => undefined);
      for (const p of [...pods, nodeNs]) spawnSync('ip', ['netns', 'del', p], { stdio: 'ignore' });
      rmSync(work, { recursive: true, force: true });
    }
  },
};
