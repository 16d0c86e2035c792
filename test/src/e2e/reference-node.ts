import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Containerd } from './containerd';
import { sh } from './vpc-node';

/**
 * The reference to compare our node with: a containerd inside its own network namespace whose conflist is Debian's
 * ptp + host-local (10.99.200.0/24), the classic minimal chain. `stop()` removes sandboxes, containerd, the
 * namespace and the work dir.
 */
export class ReferenceNode {
  private constructor(
    readonly workDir: string,
    readonly netns: string,
    readonly containerd: Containerd,
  ) {}

  static async start(): Promise<ReferenceNode> {
    const workDir = mkdtempSync(join(tmpdir(), 'vct-e2e-ref-'));
    const netns = `vct-e2e-${randomBytes(3).toString('hex')}-ref`;
    const bin = join(workDir, 'bin');
    const conf = join(workDir, 'net.d');
    mkdirSync(bin);
    mkdirSync(conf);
    for (const p of ['ptp', 'host-local', 'loopback']) symlinkSync(join('/usr/lib/cni', p), join(bin, p));
    writeFileSync(
      join(conf, '10-ref.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'vct-ref',
        plugins: [
          {
            type: 'ptp',
            ipMasq: false,
            mtu: 9001,
            ipam: {
              type: 'host-local',
              ranges: [[{ subnet: '10.99.200.0/24' }]],
              routes: [{ dst: '0.0.0.0/0' }],
              dataDir: join(workDir, 'ipam'),
            },
          },
        ],
      }),
    );
    try {
      sh('ip', ['netns', 'add', netns]);
      sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
      const containerd = await Containerd.start({
        cniBinDir: bin,
        cniConfDir: conf,
        workDir: join(workDir, 'containerd'),
        netnsPath: `/run/netns/${netns}`,
      });
      return new ReferenceNode(workDir, netns, containerd);
    } catch (err) {
      spawnSync('ip', ['netns', 'del', netns]);
      rmSync(workDir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.containerd.stop();
    } finally {
      spawnSync('ip', ['netns', 'del', this.netns]);
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}
