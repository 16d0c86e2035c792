import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Containerd } from './containerd';

// The harness itself, proven with Debian's reference plugins (ptp + host-local): if this fails, every e2e test of
// our chain would fail for reasons that are not ours.
const isRoot = process.getuid?.() === 0;
const hasContainerd = spawnSync('which', ['containerd']).status === 0;
const d = isRoot && hasContainerd ? describe : describe.skip;
if (!isRoot || !hasContainerd) console.warn('containerd harness tests skipped: need root and containerd');

d('containerd harness (reference ptp chain)', () => {
  let dir: string;
  let ctrd: Containerd;
  const sysctls = ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'];
  const saved = new Map<string, string>();

  beforeAll(async () => {
    for (const k of sysctls) saved.set(k, spawnSync('sysctl', ['-n', k], { encoding: 'utf8' }).stdout.trim());
    dir = mkdtempSync(join(tmpdir(), 'vct-e2e-'));
    const bin = join(dir, 'bin');
    const conf = join(dir, 'net.d');
    mkdirSync(bin);
    mkdirSync(conf);
    for (const p of readdirSync('/usr/lib/cni')) symlinkSync(join('/usr/lib/cni', p), join(bin, p));
    writeFileSync(
      join(conf, '10-ref.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'vct-ref',
        plugins: [
          {
            type: 'ptp',
            ipMasq: false,
            ipam: { type: 'host-local', ranges: [[{ subnet: '10.99.200.0/24' }]], dataDir: join(dir, 'ipam') },
          },
        ],
      }),
    );
    ctrd = await Containerd.start({ cniBinDir: bin, cniConfDir: conf });
  }, 60_000);

  afterAll(async () => {
    await ctrd?.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of saved) if (v) spawnSync('sysctl', ['-qw', `${k}=${v}`]);
  }, 60_000);

  it('reports the runtime and the network ready', async () => {
    expect((await ctrd.cri.version()).runtime_name).toBe('containerd');
    expect(await ctrd.cri.status()).toMatchObject({ RuntimeReady: true, NetworkReady: true });
  });

  it('runs a pod sandbox with an address from the chain, and removes it leaving no lease', async () => {
    const id = await ctrd.cri.runPodSandbox({ name: 'harness-pod', namespace: 'default', uid: 'uid-harness-1' });
    const st = await ctrd.cri.podSandboxStatus(id);
    expect(st.state).toBe('SANDBOX_READY');
    expect(st.ip).toMatch(/^10\.99\.200\.\d+$/);
    expect(spawnSync('ping', ['-c1', '-W2', st.ip]).status).toBe(0);
    expect(readdirSync(join(dir, 'ipam', 'vct-ref'))).toContain(st.ip);
    await ctrd.cri.stopPodSandbox(id);
    await ctrd.cri.removePodSandbox(id);
    expect(readdirSync(join(dir, 'ipam', 'vct-ref'))).not.toContain(st.ip);
    expect(await ctrd.cri.listPodSandbox()).toEqual([]);
  }, 60_000);
});
