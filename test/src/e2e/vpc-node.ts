import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GrpcHealthProbe, unixTarget } from '@vpc-cni-ts/conflist/health';

import { startSimulator, type Simulator } from '../simulator';
import { formatIpv4 } from '../simulator/ipv4';
import { Containerd, pidsWithArg } from './containerd';
import { type PodSpec } from './cri-client';
import { NetnsPortBridge } from './netns-port-bridge';
import {
  ENTRYPOINT_BUNDLE,
  INIT_BUNDLE,
  IPAMD_BUNDLE,
  preparePlugins,
  type PluginForm,
  type PluginSource,
} from './plugin-source';

export interface VpcNodeOptions {
  /** EC2 instance type of the node (default m5.large). */
  readonly instanceType?: string;
  /** ENABLE_PREFIX_DELEGATION. */
  readonly prefixDelegation?: boolean;
  /** More aws-node environment (ENABLE_BANDWIDTH_PLUGIN, DISABLE_POD_V6, WARM_IP_TARGET, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** How plugins are installed (default `sea`, the standalone executables). */
  readonly plugins?: PluginForm;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** A pod sandbox made through the CRI. */
export interface Pod {
  readonly id: string;
  readonly name: string;
  readonly ip: string;
  /** Path of the pod's network namespace (bind mount made by containerd). */
  readonly netns: string;
}

export interface Allocation {
  readonly containerID: string;
  readonly ipv4: string;
  readonly ifName: string;
  readonly networkName: string;
}

const EC2_PORT = 1080;
const IMDS_PORT = 1081;
const ACCESS_KEY = 'AKIASIMULATOR0000000';

/** Runs a command, returns stdout; throws with stderr on failure. */
export function sh(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

/**
 * One Kubernetes node the way a cluster runs it, inside network namespaces so the host's root namespace is never
 * touched: the AWS simulator (in this process) with its node fabric giving a link per attached ENI (the ENI's MAC)
 * in the node namespace; the aws-node entrypoint (`aws-vpc-cni`) started inside the node namespace, installing the
 * plugins into a private CNI bin dir, starting ipamd (talking to the simulator through loopback bridges) and
 * writing the conflist into a private conf dir; containerd inside the node namespace with those dirs.
 * `stop()` removes every sandbox, stops everything started, and deletes everything created.
 */
export class VpcNode {
  readonly nodeNetns: string;
  readonly vpcNetns: string;
  readonly binDir: string;
  readonly confDir: string;
  readonly runDir: string;
  sim!: Simulator;
  containerd!: Containerd;
  plugins!: PluginSource;
  primaryIp = '';
  private bridges: NetnsPortBridge[] = [];
  private awsNode: ChildProcess | undefined;
  /** Pod network namespaces (bind mounts) of pods not yet removed: what an emergency clean-up must unmount. */
  private readonly podNetns = new Map<string, string>();
  /** Primary addresses of secondary ENIs ever seen: ipamd's per-ENI rules name them. */
  private readonly secondaryEniIps = new Set<string>();
  private readonly onExit = (): void => this.emergencyCleanup();
  private awsNodeExit: Promise<number | null> = Promise.resolve(null);
  private readonly log: (line: string) => void;

  private constructor(
    readonly workDir: string,
    readonly options: VpcNodeOptions,
  ) {
    const id = randomBytes(3).toString('hex');
    this.nodeNetns = `vct-e2e-${id}-node`;
    this.vpcNetns = `vct-e2e-${id}-vpc`;
    this.binDir = join(workDir, 'host', 'opt', 'cni', 'bin');
    this.confDir = join(workDir, 'host', 'etc', 'cni', 'net.d');
    this.runDir = join(workDir, 'host', 'var', 'run', 'aws-node');
    this.log = options.log ?? (() => undefined);
  }

  get netnsPath(): string {
    return `/run/netns/${this.nodeNetns}`;
  }
  get socket(): string {
    return join(this.runDir, 'ipamd.sock');
  }
  get checkpointPath(): string {
    return join(this.runDir, 'ipam.json');
  }
  get conflistPath(): string {
    return join(this.confDir, '10-aws.conflist');
  }
  get pluginLog(): string {
    return join(this.workDir, 'host', 'var', 'log', 'aws-routed-eni', 'plugin.log');
  }
  get awsNodeLog(): string {
    return join(this.workDir, 'aws-node.log');
  }
  get ipamdLog(): string {
    return join(this.workDir, 'host', 'var', 'log', 'aws-routed-eni', 'ipamd.log');
  }

  /** Checks what the node needs (root, tools); returns the problems, empty when it can run. */
  static missing(): string[] {
    const out: string[] = [];
    if (process.getuid?.() !== 0) out.push('root (it creates network namespaces and runs containerd)');
    for (const bin of ['containerd', 'runc', 'ctr', 'socat', 'nsenter', 'ip', 'iptables-save'])
      if (spawnSync('which', [bin]).status !== 0) out.push(bin);
    return out;
  }

  static async start(options: VpcNodeOptions = {}): Promise<VpcNode> {
    const missing = VpcNode.missing();
    if (missing.length) throw new Error(`cannot start the node: missing ${missing.join(', ')}`);
    const node = new VpcNode(mkdtempSync(join(tmpdir(), 'vct-e2e-')), options);
    process.once('exit', node.onExit); // a crash of the caller still leaves nothing behind
    try {
      await node.setUp();
    } catch (err) {
      await node.stop();
      throw err;
    }
    return node;
  }

  private async setUp(): Promise<void> {
    const type = this.options.instanceType ?? 'm5.large';
    this.plugins = preparePlugins(this.workDir, this.options.plugins);
    this.log(
      `plugins: ${this.plugins.form === 'sea' ? 'standalone executables (Node SEA)' : 'node bundles'} from ${this.plugins.dir}${this.plugins.note ? ` (${this.plugins.note})` : ''}`,
    );
    this.sim = await startSimulator(
      { instances: [{ instanceType: type, subnet: 'node-a' }], timing: { attachDelayMs: 50, imdsLagMs: 50 } },
      { host: '127.0.0.1', ec2Port: 0, imdsPort: 0 },
    );
    const inst = this.sim.state.getInstance(this.sim.instanceId);
    const subnet = this.sim.state.resolveSubnet(inst.subnetId)!;
    this.primaryIp = formatIpv4(this.sim.state.getEni(inst.primaryEniId).primaryIp);
    this.log(
      `simulator: ${type} ${inst.instanceId} in ${subnet.subnetId} (10.99.0.0/16 VPC), primary IP ${this.primaryIp}`,
    );
    await this.sim.enableNodeFabric({ nodeNetns: this.nodeNetns, vpcNetns: this.vpcNetns, createNamespaces: true });
    // The node OS: loopback up, the primary address on eth0 (the cloud's DHCP would do it), forwarding on.
    this.nsExec(['ip', 'link', 'set', 'lo', 'up']);
    this.nsExec(['ip', 'addr', 'add', `${this.primaryIp}/${subnet.cidr.prefixLength}`, 'dev', 'eth0']);
    this.nsExec(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    this.log(`node namespace ${this.nodeNetns}: eth0 ${this.primaryIp} with the primary ENI's MAC`);
    for (const [port, target] of [
      [EC2_PORT, this.sim.ec2Endpoint],
      [IMDS_PORT, this.sim.imdsEndpoint],
    ] as const) {
      const u = new URL(target);
      this.bridges.push(
        await NetnsPortBridge.start({
          netns: this.nodeNetns,
          port,
          target: { host: u.hostname, port: Number(u.port) },
          dir: this.workDir,
        }),
      );
    }
    mkdirSync(this.binDir, { recursive: true });
    mkdirSync(this.runDir, { recursive: true });
    await this.runInit();
    await this.startAwsNode();
    this.containerd = await Containerd.start({
      cniBinDir: this.binDir,
      cniConfDir: this.confDir,
      workDir: join(this.workDir, 'containerd'),
      netnsPath: this.netnsPath,
      // The plugin finds ipamd at /var/run/aws-node/ipamd.sock unless told otherwise: tell it where ours is.
      env: { IPAMD_SOCKET_PATH: this.socket },
    });
    this.log(`containerd: running in ${this.nodeNetns}, CNI from ${this.confDir}`);
  }

  /**
   * The init container: `aws-vpc-cni-init` inside the node namespace installs the files of its directory (here the
   * reference loopback, which containerd needs, and portmap, which the conflist chains) into the CNI bin dir and
   * sets the node's sysctls (rp_filter of the primary interface found by its MAC, tcp_early_demux): net sysctls of
   * the node namespace, not the host's.
   */
  private async runInit(): Promise<void> {
    const initDir = join(this.workDir, 'init');
    mkdirSync(initDir, { recursive: true });
    for (const p of ['loopback', 'portmap', 'host-local', 'ptp'])
      if (existsSync(`/usr/lib/cni/${p}`)) symlinkSync(`/usr/lib/cni/${p}`, join(initDir, p));
    // async: the bridges to the simulator are served by this process's event loop
    const child = spawn('ip', ['netns', 'exec', this.nodeNetns, process.execPath, INIT_BUNDLE], {
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        HOST_CNI_BIN_PATH: this.binDir,
        VPC_CNI_TS_PLUGIN_DIR: initDir,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: this.bridges[1]!.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    clearTimeout(t);
    if (code !== 0) throw new Error(`aws-vpc-cni-init failed (exit ${code}): ${output}`);
    this.log(`init: aws-vpc-cni-init installed ${['loopback', 'portmap'].join(', ')} and set the node's sysctls`);
  }

  /** The aws-node container's environment. */
  awsNodeEnv(): Record<string, string> {
    const logDir = join(this.workDir, 'host', 'var', 'log', 'aws-routed-eni');
    return {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      AWS_REGION: this.sim.region,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: 'simulator-secret',
      AWS_EC2_ENDPOINT: this.bridges[0]!.url,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: this.bridges[1]!.url,
      HOST_CNI_BIN_PATH: this.binDir,
      HOST_CNI_CONFDIR_PATH: this.confDir,
      VPC_CNI_TS_PLUGIN_DIR: this.plugins.dir,
      VPC_CNI_TS_IPAMD: IPAMD_BUNDLE,
      IPAMD_SOCKET_PATH: this.socket,
      AWS_VPC_K8S_CNI_BACKING_STORE: this.checkpointPath,
      AWS_VPC_K8S_CNI_LOG_FILE: this.ipamdLog,
      AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG',
      AWS_VPC_K8S_PLUGIN_LOG_FILE: this.pluginLog,
      AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE: join(logDir, 'egress-v4-plugin.log'),
      AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE: join(logDir, 'egress-v6-plugin.log'),
      IPAMD_POOL_TICK_MS: '200',
      IPAMD_RECONCILE_INTERVAL_MS: '5000',
      IP_COOLDOWN_PERIOD: '1',
      ...(this.options.prefixDelegation ? { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' } : {}),
      ...(this.options.env ?? {}),
    };
  }

  /**
   * Starts the aws-node entrypoint inside the node namespace and waits until ipamd serves and the conflist is
   * written (the entrypoint writes it only after ipamd's health answers SERVING).
   */
  async startAwsNode(timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    const out = openSync(this.awsNodeLog, 'a');
    const child = spawn('ip', ['netns', 'exec', this.nodeNetns, process.execPath, ENTRYPOINT_BUNDLE], {
      env: this.awsNodeEnv(),
      cwd: this.plugins.dir,
      stdio: ['ignore', out, out],
      detached: true, // own process group: a Ctrl-C meant for the caller is handled by stop(), in order
    });
    this.awsNode = child;
    this.awsNodeExit = new Promise((r) => child.once('exit', (code) => r(code)));
    const probe = new GrpcHealthProbe(unixTarget(this.socket), 1000);
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`aws-vpc-cni exited with ${child.exitCode} during start-up:\n${this.tail(this.awsNodeLog)}`);
      if (existsSync(this.conflistPath) && (await probe.check().catch(() => 'down')) === 'SERVING') break;
      if (Date.now() - started > timeoutMs)
        throw new Error(`aws-vpc-cni not ready after ${timeoutMs} ms:\n${this.tail(this.awsNodeLog)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.log(`aws-node: entrypoint up, ipamd serving on ${this.socket}, conflist written (${Date.now() - started} ms)`);
  }

  /**
   * Waits until the warm pool is quiet: the node's ENIs and their addresses (EC2's view) unchanged for `quietMs`,
   * the node namespace's state (`dump()`) unchanged too, a link in the node namespace for every attached ENI and no
   * IPv6 address still in DAD. Gives up after `timeoutMs` without failing.
   */
  async settle(quietMs = 600, timeoutMs = 10_000): Promise<void> {
    // EC2's view and the node's kernel state (ipamd's host networking reconciles after it serves)
    const snap = (): string => JSON.stringify(this.vpcAddresses()) + this.dump();
    const until = Date.now() + timeoutMs;
    let last = snap();
    let since = Date.now();
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      const now = snap();
      if (now !== last) {
        last = now;
        since = Date.now();
        continue;
      }
      const links = this.nsExec(['ip', '-o', 'link', 'show']).match(/: eth\d+@/g)?.length ?? 0;
      const dad = this.nsExec(['ip', '-o', '-6', 'addr', 'show', 'tentative']).trim(); // link-locals still in DAD
      if (Date.now() - since >= quietMs && links === this.vpcAddresses().length && !dad) return;
    }
  }

  /** SIGTERM to the entrypoint (forwarded to ipamd); resolves with its exit code. */
  async stopAwsNode(): Promise<number | null> {
    const c = this.awsNode;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? null;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
    const code = await this.awsNodeExit;
    clearTimeout(t);
    return code;
  }

  /** Pid of ipamd (the entrypoint's child). */
  ipamdPid(): number | undefined {
    const pid = this.awsNode?.pid;
    if (!pid) return undefined;
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return kids.map(Number).find((k) => readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('ipamd'));
    } catch {
      return undefined;
    }
  }

  /** kill -9 ipamd (the entrypoint then exits too); resolves once the entrypoint has gone. */
  async killIpamd(): Promise<void> {
    const pid = this.ipamdPid();
    if (!pid) throw new Error('ipamd is not running');
    process.kill(pid, 'SIGKILL');
    const t = setTimeout(() => this.awsNode?.kill('SIGKILL'), 10_000);
    await this.awsNodeExit;
    clearTimeout(t);
  }

  /** Runs a command inside the node namespace. */
  nsExec(args: readonly string[]): string {
    return sh('ip', ['netns', 'exec', this.nodeNetns, ...args]);
  }

  /** Runs a pod sandbox through the CRI; returns its address and namespace. */
  async runPod(spec: Partial<PodSpec> & { name: string }): Promise<Pod> {
    const cri = this.containerd.cri;
    const id = await cri.runPodSandbox({ namespace: 'default', uid: `uid-${spec.name}`, ...spec });
    const st = await cri.podSandboxStatus(id);
    const netns = await cri.sandboxNetns(id);
    this.podNetns.set(id, netns);
    return { id, name: spec.name, ip: st.ip, netns };
  }

  /** StopPodSandbox then RemovePodSandbox, as a kubelet deleting a pod. */
  async removePod(id: string): Promise<void> {
    await this.containerd.cri.stopPodSandbox(id);
    await this.containerd.cri.removePodSandbox(id);
    this.podNetns.delete(id);
  }

  /**
   * Runs `ctr <args>` the way `ctr run --cni` needs: ctr itself calls CNI with fixed paths (/etc/cni/net.d and
   * /opt/cni/bin), so it runs in a private mount namespace where those paths are this node's dirs (overlays on /etc
   * and /opt, private to that namespace and gone when ctr exits), inside the node network namespace.
   */
  ctr(args: readonly string[], timeoutMs = 30_000): { status: number | null; stdout: string; stderr: string } {
    const mnt = join(this.workDir, 'ctr-mnt');
    mkdirSync(mnt, { recursive: true });
    const script = [
      'set -e',
      `mount -t tmpfs vct-e2e-ctr "${mnt}"`,
      `mkdir -p "${mnt}/eu" "${mnt}/ew" "${mnt}/ou" "${mnt}/ow"`,
      `mount -t overlay vct-e2e-etc -o lowerdir=/etc,upperdir="${mnt}/eu",workdir="${mnt}/ew" /etc`,
      `mount -t overlay vct-e2e-opt -o lowerdir=/opt,upperdir="${mnt}/ou",workdir="${mnt}/ow" /opt`,
      'mkdir -p /etc/cni/net.d /opt/cni/bin',
      `mount --bind "${this.confDir}" /etc/cni/net.d`,
      `mount --bind "${this.binDir}" /opt/cni/bin`,
      `exec nsenter --net="${this.netnsPath}" -- ctr -a "${this.containerd.socket}" "$@"`,
    ].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, IPAMD_SOCKET_PATH: this.socket };
    delete env.NODE_EXTRA_CA_CERTS;
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'ctr', ...args], {
      encoding: 'utf8',
      env,
      timeout: timeoutMs,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * CNI DEL of the whole conflist for one container, in reverse order, without a netns or prevResult (what a
   * runtime's garbage collection does for an attachment it forgot); returns the plugins that failed.
   */
  cniDel(containerId: string, ifName = 'eth0'): string[] {
    const list = JSON.parse(readFileSync(this.conflistPath, 'utf8')) as {
      name: string;
      cniVersion: string;
      plugins: { type: string }[];
    };
    const failed: string[] = [];
    for (const plugin of [...list.plugins].reverse()) {
      const r = spawnSync('nsenter', [`--net=${this.netnsPath}`, '--', join(this.binDir, plugin.type)], {
        input: JSON.stringify({ ...plugin, name: list.name, cniVersion: list.cniVersion }),
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          CNI_COMMAND: 'DEL',
          CNI_CONTAINERID: containerId,
          CNI_NETNS: '',
          CNI_IFNAME: ifName,
          CNI_PATH: this.binDir,
          CNI_ARGS: 'IgnoreUnknown=1',
          IPAMD_SOCKET_PATH: this.socket,
        },
        timeout: 30_000,
      });
      if (r.status !== 0) failed.push(`${plugin.type}: ${r.stdout}${r.stderr}`.trim());
    }
    return failed;
  }

  /**
   * GET `path` from ipamd's introspection server (127.0.0.1:61679 inside the node namespace, reached with a one-shot
   * socat there); the body on HTTP 200, else undefined (not serving, or disabled).
   */
  introspect(path: string, port = 61679): string | undefined {
    const r = spawnSync('ip', ['netns', 'exec', this.nodeNetns, 'socat', '-t2', '-', `TCP:127.0.0.1:${port}`], {
      input: `GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`,
      encoding: 'utf8',
      timeout: 5_000,
    });
    const [head = '', ...rest] = (r.stdout ?? '').split('\r\n\r\n');
    return / 200 /.test(head.split('\r\n')[0] ?? '') ? rest.join('\r\n\r\n') : undefined;
  }

  /** ipamd's checkpoint: the allocations it has acknowledged. */
  allocations(): Allocation[] {
    if (!existsSync(this.checkpointPath)) return [];
    return (JSON.parse(readFileSync(this.checkpointPath, 'utf8')) as { allocations: Allocation[] }).allocations;
  }

  /** Every IPv4 address EC2 (the simulator) has given the node's ENIs, secondary and from /28 prefixes. */
  vpcAddresses(): { eni: string; device: number; primary: string; addresses: string[]; prefixes: string[] }[] {
    return this.sim.state.enisOf(this.sim.instanceId).map((e) => {
      if (e.attachment!.deviceIndex > 0) this.secondaryEniIps.add(formatIpv4(e.primaryIp));
      const prefixAddrs = e.ipv4Prefixes.flatMap((p) => Array.from({ length: 16 }, (_, i) => formatIpv4(p + i)));
      return {
        eni: e.networkInterfaceId,
        device: e.attachment!.deviceIndex,
        primary: formatIpv4(e.primaryIp),
        addresses: [...e.secondaryIps.map(formatIpv4), ...prefixAddrs],
        prefixes: e.ipv4Prefixes.map((p) => `${formatIpv4(p)}/28`),
      };
    });
  }

  /**
   * The node namespace's network state, normalised for comparison: links (name, kind), addresses, routes of every
   * table, rules, iptables (no counters), and the tc qdiscs. Secondary ENIs come and go with the warm pool (ipamd
   * attaches and frees them on its own schedule), so lines naming their links (eth1...) or their primary addresses
   * (ipamd's per-ENI rules) are left out.
   */
  dump(): string {
    this.vpcAddresses(); // learn the secondary ENIs' addresses first
    const links = (
      JSON.parse(this.nsExec(['ip', '-j', '-d', 'link', 'show'])) as {
        ifname: string;
        linkinfo?: { info_kind?: string };
      }[]
    )
      .map((l) => `link ${l.ifname} ${l.linkinfo?.info_kind ?? ''}`)
      .sort();
    const strip = (s: string): string[] =>
      s
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.replace(/\[\d+:\d+\]/g, '').trim());
    return [
      ...links,
      ...strip(this.nsExec(['ip', '-o', 'addr', 'show'])).map((l) => l.replace(/valid_lft.*$/, '')),
      ...strip(this.nsExec(['ip', 'route', 'show', 'table', 'all'])),
      ...strip(this.nsExec(['ip', 'rule', 'show'])),
      ...strip(this.nsExec(['iptables-save'])),
      ...strip(this.nsExec(['tc', 'qdisc', 'show'])),
    ]
      .filter((l) => !/\beth[1-9]\d*\b/.test(l))
      .filter(
        (l) =>
          ![...this.secondaryEniIps].some((ip) =>
            new RegExp(`(^|[^\\d.])${ip.replace(/\./g, '\\.')}([^\\d]|$)`).test(l),
          ),
      )
      .join('\n');
  }

  private tail(file: string, lines = 30): string {
    try {
      return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** The last lines of the plugin, ipamd and aws-node logs (for failure messages). */
  logs(lines = 20): string {
    return [this.awsNodeLog, this.ipamdLog, this.pluginLog].map((f) => `--- ${f}\n${this.tail(f, lines)}`).join('\n');
  }

  /**
   * Synchronous last resort when the process exits without `stop()` (a crash, an uncaught error): kills every
   * process it started (by pid: containerd and its shims, socat, the entrypoint, ipamd), unmounts pod namespaces and
   * everything under the work dir, deletes the namespaces and the work dir. No CNI DEL runs: the node namespace and
   * everything in it goes with it.
   */
  emergencyCleanup(): void {
    const pids = new Set<number>(pidsWithArg(this.workDir, ''));
    const ipamd = this.ipamdPid();
    if (ipamd) pids.add(ipamd);
    if (this.awsNode?.pid) pids.add(this.awsNode.pid);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const ns of this.podNetns.values()) {
      spawnSync('umount', ['-l', ns]);
      rmSync(ns, { force: true });
    }
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter((m): m is string => !!m && m.startsWith(this.workDir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    for (const ns of [this.nodeNetns, this.vpcNetns]) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(this.workDir, { recursive: true, force: true });
  }

  /** Stops containerd (removing every sandbox through the chain), aws-node, the bridges, the simulator and its
   * fabric (which deletes both namespaces), and removes the work dir. Safe to call on a half-started node. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.onExit);
    const errors: string[] = [];
    const step = async (what: string, fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        errors.push(`${what}: ${(err as Error).message}`);
      }
    };
    if (this.containerd) await step('containerd', () => this.containerd.stop());
    await step('aws-node', () => this.stopAwsNode());
    for (const b of this.bridges) await step('bridge', () => b.stop());
    this.bridges = [];
    if (this.sim) await step('simulator', () => this.sim.stop());
    for (const ns of [this.nodeNetns, this.vpcNetns])
      if (existsSync(`/run/netns/${ns}`)) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(this.workDir, { recursive: true, force: true });
    if (errors.length) throw new Error(`node clean-up: ${errors.join('; ')}`);
  }
}
