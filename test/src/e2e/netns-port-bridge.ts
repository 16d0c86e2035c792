import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/**
 * Makes a TCP service of this (root) namespace reachable as `127.0.0.1:<port>` inside a network namespace, without
 * touching the root namespace's links or addresses: a unix socket (file systems are shared between network
 * namespaces) served by this process and piped to the target, and `socat` started inside the namespace listening
 * on the port and connecting to that socket. `stop()` kills socat (its process group) and closes the socket.
 */
export class NetnsPortBridge {
  private constructor(
    private readonly server: Server,
    private readonly socat: ChildProcess,
    readonly url: string,
    private readonly open: Set<{ destroy(): void }>,
  ) {}

  static async start(opts: {
    readonly netns: string;
    readonly port: number;
    readonly target: { readonly host: string; readonly port: number };
    readonly dir: string;
  }): Promise<NetnsPortBridge> {
    const sock = join(opts.dir, `bridge-${opts.port}.sock`);
    const open = new Set<{ destroy(): void }>();
    const server = createServer((c) => {
      const up = createConnection(opts.target.port, opts.target.host);
      open.add(c).add(up);
      c.once('close', () => open.delete(c));
      up.once('close', () => open.delete(up));
      c.pipe(up).pipe(c);
      const end = (): void => {
        c.destroy();
        up.destroy();
      };
      c.on('error', end);
      up.on('error', end);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(sock, resolve));
    const socat = spawn(
      'ip',
      [
        'netns',
        'exec',
        opts.netns,
        'socat',
        `TCP-LISTEN:${opts.port},bind=127.0.0.1,fork,reuseaddr`,
        `UNIX-CONNECT:${sock}`,
      ],
      { stdio: 'ignore', detached: true },
    );
    const bridge = new NetnsPortBridge(server, socat, `http://127.0.0.1:${opts.port}`, open);
    const until = Date.now() + 10_000;
    for (;;) {
      const ss = spawnSync('ip', ['netns', 'exec', opts.netns, 'ss', '-Hltn', `sport = :${opts.port}`], {
        encoding: 'utf8',
      });
      if (ss.stdout.includes(`:${opts.port}`)) return bridge;
      if (socat.exitCode !== null || Date.now() > until) {
        await bridge.stop();
        throw new Error(`socat did not listen on 127.0.0.1:${opts.port} in netns ${opts.netns} (is socat installed?)`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (this.socat.pid && this.socat.exitCode === null) {
      const exited = new Promise((r) => this.socat.once('exit', r));
      try {
        process.kill(-this.socat.pid, 'SIGTERM'); // the group: socat and its per-connection children
      } catch {
        /* gone */
      }
      await exited;
    }
    for (const c of this.open) c.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
