// SPDX-License-Identifier: Apache-2.0
/** Stateful in-memory fakes of the conflist ports, for unit tests. */
import { type DaemonLauncher, type DaemonProcess } from '../entrypoint/daemon';
import { type ConflistSink } from '../entrypoint/conflist-sink';
import { type ExecutableInstaller, planInstall, type SourceFile } from '../fs';
import { type AwsConflist } from '../generate';
import { type HealthProbe, type ServingStatus } from '../health';
import { type HostLinks, type Sysctl } from '../host';
import { type NodeMetadata } from '../imds';

/** A filesystem of directories holding named files with an inode each. */
export class FakeInstaller implements ExecutableInstaller {
  readonly dirs = new Map<string, Map<string, number>>();
  private nextIno = 1;

  addFile(dir: string, name: string, ino = this.nextIno++): void {
    if (!this.dirs.has(dir)) this.dirs.set(dir, new Map());
    this.dirs.get(dir)!.set(name, ino);
  }

  async install(
    sourceDir: string,
    binDir: string,
    opts: { wanted?: readonly string[]; exclude?: readonly string[] } = {},
  ): Promise<readonly string[]> {
    const src = this.dirs.get(sourceDir) ?? new Map<string, number>();
    const sources: SourceFile[] = [...src].map(([name, ino]) => ({ name, dev: 1, ino, mode: 0o644 }));
    const steps = planInstall(sources, opts.wanted, opts.exclude);
    for (const s of steps)
      this.addFile(binDir, s.name, s.kind === 'copy' ? src.get(s.name) : this.dirs.get(binDir)!.get(s.target));
    return steps.map((s) => s.name);
  }
}

export class FakeNodeMetadata implements NodeMetadata {
  asked: string[] = [];
  constructor(private readonly data: { localIpv4?: string; ipv6?: string; mac?: string } = {}) {}
  async localIpv4(): Promise<string | undefined> {
    this.asked.push('local-ipv4');
    return this.data.localIpv4;
  }
  async primaryIpv6(): Promise<string | undefined> {
    this.asked.push('ipv6');
    return this.data.ipv6;
  }
  async primaryMac(): Promise<string> {
    this.asked.push('mac');
    if (!this.data.mac) throw new Error('no mac');
    return this.data.mac;
  }
}

export class FakeHostLinks implements HostLinks {
  constructor(private readonly byMac: Readonly<Record<string, string>>) {}
  async findByMac(mac: string): Promise<string | undefined> {
    return this.byMac[mac.toLowerCase()];
  }
}

/** Keys that exist, with values; writing an absent key fails like /proc/sys. */
export class MemorySysctl implements Sysctl {
  readonly values: Map<string, string>;
  constructor(initial: Readonly<Record<string, string>>) {
    this.values = new Map(Object.entries(initial));
  }
  async read(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async write(key: string, value: string): Promise<void> {
    if (!this.values.has(key)) throw new Error(`ENOENT: ${key}`);
    this.values.set(key, value);
  }
}

/** A daemon that serves once `serve()` is called and exits when told to or on a signal. */
export class FakeDaemon implements DaemonLauncher, HealthProbe {
  started = 0;
  signals: NodeJS.Signals[] = [];
  checks = 0;
  status: ServingStatus | 'down' = 'down';
  private exit?: (code: number) => void;
  /** When set, `start()` calls it (e.g. to make the daemon serve after some checks). */
  onStart?: (d: FakeDaemon) => void;
  /** Exit code on SIGTERM (a graceful daemon exits 0). */
  termCode = 143;

  start(): DaemonProcess {
    this.started++;
    const exited = new Promise<number>((r) => (this.exit = r));
    this.onStart?.(this);
    return { exited, kill: (s) => (this.signals.push(s), this.exitWith(s === 'SIGTERM' ? this.termCode : 130)) };
  }

  exitWith(code: number): void {
    this.status = 'down';
    this.exit?.(code);
  }

  async check(): Promise<ServingStatus> {
    this.checks++;
    if (this.status === 'down') throw new Error('connect ENOENT');
    return this.status;
  }
}

export class MemorySink implements ConflistSink {
  written: AwsConflist[] = [];
  async write(conflist: AwsConflist): Promise<string> {
    this.written.push(conflist);
    return '/mem/10-aws.conflist';
  }
}
