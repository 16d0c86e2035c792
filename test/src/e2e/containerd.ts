import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriClient } from './cri-client';
import { buildBusyboxImage } from './oci-image';

export const SANDBOX_IMAGE = 'vct.local/pause:1';

export interface ContainerdOptions {
  /** The single directory containerd execs CNI plugins from. */
  readonly cniBinDir: string;
  /** Where containerd reads the conflist from (lexically first file wins). */
  readonly cniConfDir: string;
  /** Private work dir for root/state/socket; a temp dir by default. */
  readonly workDir?: string;
  /**
   * Network namespace path the daemon (and so every CNI plugin it execs, and `ctr`) runs in, entered with
   * `nsenter --net` only (the mount namespace stays the host's, so pod netns bind mounts stay visible).
   */
  readonly netnsPath?: string;
  /** Extra environment for the daemon, inherited by every plugin it execs (e.g. IPAMD_SOCKET_PATH). */
  readonly env?: Readonly<Record<string, string>>;
}

function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) return resolve();
      if (Date.now() > until) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

/** Pids of processes whose command line names `exe` and contains `arg` (read from /proc, no pattern matching). */
export function pidsWithArg(arg: string, exe: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.includes(exe) && argv.some((a) => a.includes(arg))) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/**
 * A containerd (Debian's 1.6) started by hand with a private root, state and socket, the CRI plugin pointed at the
 * given CNI directories, and a local busybox image as the sandbox image (no registry is reachable). Everything it
 * starts, `stop()` stops; every sandbox made through `cri` is removed by `stop()` too.
 */
export class Containerd {
  readonly socket: string;
  readonly cri: CriClient;
  private constructor(
    readonly workDir: string,
    private proc: ChildProcess,
    private readonly ownsWorkDir: boolean,
    readonly netnsPath?: string,
    private readonly extraEnv?: Readonly<Record<string, string>>,
  ) {
    this.socket = join(workDir, 'containerd.sock');
    this.cri = new CriClient(this.socket);
  }

  static async start(opts: ContainerdOptions): Promise<Containerd> {
    for (const bin of ['containerd', 'runc', 'ctr']) {
      if (spawnSync('which', [bin]).status !== 0) throw new Error(`${bin} not found: install containerd and runc`);
    }
    const ownsWorkDir = !opts.workDir;
    const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'vct-ctrd-'));
    mkdirSync(workDir, { recursive: true });
    const config = `version = 2
root = "${workDir}/root"
state = "${workDir}/state"
[grpc]
  address = "${workDir}/containerd.sock"
[ttrpc]
  address = "${workDir}/containerd.sock.ttrpc"
[debug]
  level = "info"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${SANDBOX_IMAGE}"
  restrict_oom_score_adj = true
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "${opts.cniBinDir}"
  conf_dir = "${opts.cniConfDir}"
`;
    writeFileSync(join(workDir, 'config.toml'), config);
    const proc = Containerd.spawnDaemon(workDir, opts.netnsPath, opts.env);
    const c = new Containerd(workDir, proc, ownsWorkDir, opts.netnsPath, opts.env);
    try {
      await c.waitReady();
      const image = join(workDir, 'busybox.oci.tar');
      if (!existsSync(image)) buildBusyboxImage(SANDBOX_IMAGE, image);
      c.ctr(['-n', 'k8s.io', 'images', 'import', image]);
    } catch (err) {
      await c.stop();
      throw new Error(`containerd did not start: ${(err as Error).message}\n${c.logTail()}`);
    }
    return c;
  }

  private static spawnDaemon(
    workDir: string,
    netnsPath?: string,
    extraEnv?: Readonly<Record<string, string>>,
  ): ChildProcess {
    const env = { ...process.env, ...(extraEnv ?? {}) };
    delete env.NODE_EXTRA_CA_CERTS; // inherited by every plugin containerd execs: ~37 ms per node start
    const log = openSync(join(workDir, 'containerd.log'), 'a');
    const argv = ['containerd', '--config', join(workDir, 'config.toml')];
    const [cmd, ...args] = netnsPath ? ['nsenter', `--net=${netnsPath}`, '--', ...argv] : argv;
    // own process group: a Ctrl-C meant for the caller must not kill containerd before it has removed its sandboxes
    return spawn(cmd!, args, { stdio: ['ignore', log, log], env, detached: true });
  }

  private async waitReady(): Promise<void> {
    await waitFor(() => existsSync(this.socket) || this.proc.exitCode !== null, 15_000, 'containerd socket');
    if (this.proc.exitCode !== null) throw new Error(`containerd exited with ${this.proc.exitCode}`);
    const until = Date.now() + 15_000;
    for (;;) {
      try {
        await this.cri.version();
        return;
      } catch (err) {
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** containerd reads the CNI config at start only (as observed with 1.6): restart after changing it. */
  async restart(): Promise<void> {
    await this.killDaemon();
    this.proc = Containerd.spawnDaemon(this.workDir, this.netnsPath, this.extraEnv);
    await this.waitReady();
  }

  /** Runs `ctr` against this containerd. */
  ctr(args: readonly string[]): string {
    const argv = ['ctr', '-a', this.socket, ...args];
    const [cmd, ...rest] = this.netnsPath ? ['nsenter', `--net=${this.netnsPath}`, '--', ...argv] : argv;
    const env = { ...process.env, ...(this.extraEnv ?? {}) };
    delete env.NODE_EXTRA_CA_CERTS;
    return execFileSync(cmd!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(join(this.workDir, 'containerd.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Whether the daemon is still running (a stopped containerd answers nothing). */
  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  private async killDaemon(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }

  /** Removes every sandbox, stops containerd and its shims, unmounts and deletes the work dir. */
  async stop(): Promise<void> {
    if (this.running) {
      try {
        for (const s of await this.cri.listPodSandbox()) {
          await this.cri.stopPodSandbox(s.id).catch(() => undefined);
          await this.cri.removePodSandbox(s.id).catch(() => undefined);
        }
      } catch {
        /* containerd not answering: fall through to killing it */
      }
    }
    this.cri.close();
    await this.killDaemon();
    // Shims outlive the daemon; they were started with our socket address in their arguments: kill them by pid.
    for (const pid of pidsWithArg(this.workDir, 'containerd-shim')) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter((m) => m && m.startsWith(this.workDir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}
