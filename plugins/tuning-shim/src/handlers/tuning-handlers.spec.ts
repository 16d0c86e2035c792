import { CniError } from '@vpc-cni-ts/sdk/errors';
import { type CniRequest } from '@vpc-cni-ts/sdk/skel';

import { type LinkSettings, type SysctlEntry } from '../config/tuning-config';
import { type BackupStore, type LinkBackup, type LinkState, type TuningKernel } from '../kernel/tuning-kernel';
import { tuningHandlers } from './tuning-handlers';

/** A pod namespace in memory: sysctls and one link. */
class FakeKernel implements TuningKernel {
  sysctls = new Map<string, string>([['net/core/somaxconn', '4096']]);
  link: LinkState = { mac: '02:00:00:00:00:aa', mtu: 1500, promisc: false, allmulti: false, txQLen: 1000 };
  gone = false;
  failSetLink = false;
  async writeSysctlsAndReadLink(_ns: string, _if: string, s: readonly SysctlEntry[]): Promise<LinkState> {
    if (this.gone) throw new Error('cannot open network namespace');
    for (const e of s) this.sysctls.set(e.path, e.value);
    return { ...this.link };
  }
  async setLink(_ns: string, _if: string, s: LinkSettings): Promise<void> {
    if (this.gone) throw new Error('cannot open network namespace');
    if (this.failSetLink) throw new Error('RTNETLINK answers: Invalid argument');
    this.link = { ...this.link, ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) };
  }
  async read(_ns: string, _if: string, paths: readonly string[]) {
    return { sysctls: paths.map((p) => this.sysctls.get(p) ?? ''), link: { ...this.link } };
  }
  async netnsExists(): Promise<boolean> {
    return !this.gone;
  }
}

class MemoryBackups implements BackupStore {
  files = new Map<string, LinkBackup>();
  async save(d: string, c: string, i: string, b: LinkBackup) {
    this.files.set(`${d}/${c}_${i}.json`, { ...b });
  }
  async load(d: string, c: string, i: string) {
    return this.files.get(`${d}/${c}_${i}.json`);
  }
  async remove(d: string, c: string, i: string) {
    this.files.delete(`${d}/${c}_${i}.json`);
  }
}

const prev = {
  cniVersion: '1.0.0',
  interfaces: [{ name: 'veth1' }, { name: 'eth0', mac: '02:00:00:00:00:aa', sandbox: '/ns' }],
  ips: [],
};
const req = (config: object, command: CniRequest['command'] = 'ADD'): CniRequest => ({
  command,
  containerId: 'c1',
  netns: '/ns',
  ifName: 'eth0',
  args: '',
  config: { cniVersion: '1.0.0', name: 'net', type: 'tuning-shim', prevResult: prev, ...config } as Record<
    string,
    unknown
  >,
});

describe('tuning handlers', () => {
  let kernel: FakeKernel;
  let backups: MemoryBackups;
  let h: ReturnType<typeof tuningHandlers>;
  beforeEach(() => {
    kernel = new FakeKernel();
    backups = new MemoryBackups();
    h = tuningHandlers({ kernel, backups, allowlist: async () => undefined });
  });

  it('ADD sets sysctls and link, backs up exactly the changed attributes, updates the MAC in the result', async () => {
    const conf = { sysctl: { 'net.core.somaxconn': '512' }, mtu: 1400, mac: '02:00:00:00:00:bb', promisc: true };
    const r = (await h.add(req(conf))) as { interfaces: { name: string; mac?: string }[] };
    expect(kernel.sysctls.get('net/core/somaxconn')).toBe('512');
    expect(kernel.link).toMatchObject({ mtu: 1400, mac: '02:00:00:00:00:bb', promisc: true });
    expect([...backups.files.values()]).toEqual([{ mac: '02:00:00:00:00:aa', promisc: false, mtu: 1500 }]);
    expect(r.interfaces.find((i) => i.name === 'eth0')?.mac).toBe('02:00:00:00:00:bb');
    await h.check(req(conf, 'CHECK'));
    await h.del(req(conf, 'DEL'));
    expect(kernel.link).toMatchObject({ mtu: 1500, mac: '02:00:00:00:00:aa', promisc: false });
    expect(backups.files.size).toBe(0);
  });

  it('ADD without link changes writes no backup', async () => {
    await h.add(req({ sysctl: { 'net.ipv6.conf.all.disable_ipv6': '1' } }));
    expect(backups.files.size).toBe(0);
    expect(kernel.sysctls.get('net/ipv6/conf/all/disable_ipv6')).toBe('1');
  });

  it('a failed link change rolls back and leaves no backup', async () => {
    kernel.failSetLink = true;
    await expect(h.add(req({ mtu: 1400 }))).rejects.toThrow(/Invalid argument/);
    expect(backups.files.size).toBe(0);
  });

  it('DEL with the namespace gone still removes the backup', async () => {
    await h.add(req({ mtu: 1400 }));
    kernel.gone = true;
    await h.del(req({ mtu: 1400 }, 'DEL'));
    expect(backups.files.size).toBe(0);
  });

  it('CHECK names each difference', async () => {
    await h.add(req({ sysctl: { 'net.core.somaxconn': '512' }, mtu: 1400, txQLen: 100 }));
    kernel.sysctls.set('net/core/somaxconn', '128');
    kernel.link = { ...kernel.link, txQLen: 5 };
    await expect(
      h.check(req({ sysctl: { 'net.core.somaxconn': '512' }, mtu: 1400, txQLen: 100 }, 'CHECK')),
    ).rejects.toThrow(
      /sysctl net\.core\.somaxconn is "128", configured "512"; txqueuelen of eth0 is 5, configured 100/,
    );
  });

  it('ADD refuses a key outside the allowlist before touching the kernel', async () => {
    h = tuningHandlers({ kernel, backups, allowlist: async () => [/^net\.ipv6\./] });
    await expect(h.add(req({ sysctl: { 'net.core.somaxconn': '1' } }))).rejects.toBeInstanceOf(CniError);
    expect(kernel.sysctls.get('net/core/somaxconn')).toBe('4096');
  });

  it('returns the result in the config version (0.2.0 prevResult round trip)', async () => {
    const r = await h.add({
      ...req({}),
      config: { cniVersion: '0.2.0', name: 'n', prevResult: { cniVersion: '0.2.0', ip4: { ip: '10.99.1.2/24' } } },
    });
    expect(r).toEqual({ cniVersion: '0.2.0', ip4: { ip: '10.99.1.2/24' } });
  });
});
