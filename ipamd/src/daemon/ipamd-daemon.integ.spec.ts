// SPDX-License-Identifier: Apache-2.0
/** IpamdDaemon in-process with the stateful FakeAws and a gRPC server on a temp unix socket. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MemoryCheckpoint } from '../checkpoint';
import { loadConfig } from '../config';
import { MemoryLogger, MemoryMetrics, NoopHostNetwork } from '../ports';
import { createIpamdClient } from '../server';
import { FakeAws, InstantClock } from '../testing';
import { IpamdDaemon, StartupError } from './ipamd-daemon';

function setup(
  env: Record<string, string> = {},
  fake: Partial<ConstructorParameters<typeof FakeAws>[0]> = {},
  saved?: MemoryCheckpoint,
) {
  const dir = mkdtempSync(join(tmpdir(), 'vct-ipamd-daemon-'));
  const clock = new InstantClock();
  const aws = new FakeAws({ instanceType: 'm5.large', clock, ...fake });
  const logger = new MemoryLogger();
  const checkpoint = saved ?? new MemoryCheckpoint();
  const config = loadConfig({ IPAMD_SOCKET_PATH: join(dir, 'ipamd.sock'), IPAMD_POOL_TICK_MS: '50', ...env });
  const daemon = new IpamdDaemon({
    config,
    ec2: aws,
    imds: aws.imds,
    clock,
    logger,
    metrics: new MemoryMetrics(),
    checkpoint,
    hostNetwork: new NoopHostNetwork(),
  });
  return {
    dir,
    aws,
    logger,
    checkpoint,
    daemon,
    socket: join(dir, 'ipamd.sock'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('IpamdDaemon', () => {
  it('falls back to DescribeInstanceTypes for a type the table lacks', async () => {
    const s = setup({}, { reportedInstanceType: 'x9.custom' });
    try {
      await s.daemon.start();
      expect(s.aws.count('DescribeInstanceTypes')).toBe(1);
      const c = createIpamdClient(s.socket);
      expect(await c.health()).toBe(1);
      const r = await c.add({ ContainerID: 'a', IfName: 'eth0', NetworkName: 'aws-cni' });
      expect(r).toMatchObject({ Success: true, VPCv4CIDRs: ['10.0.0.0/16'] });
      c.close();
    } finally {
      await s.daemon.stop();
      s.cleanup();
    }
  });

  it('restores checkpointed pods whose address an ENI holds and drops the rest, then rewrites the checkpoint', async () => {
    const first = setup();
    let kept = '';
    try {
      await first.daemon.start();
      const c = createIpamdClient(first.socket);
      kept = (
        await c.add({
          ContainerID: 'keep',
          IfName: 'eth0',
          NetworkName: 'aws-cni',
          K8S_POD_NAME: 'p',
          K8S_POD_NAMESPACE: 'ns',
        })
      ).IPAllocationMetadata[0]!.IPv4Addr;
      c.close();
    } finally {
      await first.daemon.stop();
      first.cleanup();
    }
    const saved = new MemoryCheckpoint([
      ...first.checkpoint.saved!,
      {
        key: { networkName: 'aws-cni', containerId: 'ghost', ifName: 'eth0' },
        ipv4: '192.168.77.7',
        allocationTimestampNs: '1',
        metadata: {},
      },
    ]);
    // Same EC2 state (ENIs and addresses) as the first run: a restart.
    const second = setup({}, {}, saved);
    const daemon = new IpamdDaemon({
      config: loadConfig({ IPAMD_SOCKET_PATH: second.socket, IPAMD_POOL_TICK_MS: '50' }),
      ec2: first.aws,
      imds: first.aws.imds,
      clock: new InstantClock(),
      logger: second.logger,
      metrics: new MemoryMetrics(),
      checkpoint: saved,
      hostNetwork: new NoopHostNetwork(),
    });
    try {
      await daemon.start();
      expect(saved.saved!.map((a) => a.key.containerId)).toEqual(['keep']);
      expect(second.logger.lines.some((l) => /presumed stale and dropped/.test(l.msg))).toBe(true);
      const c = createIpamdClient(second.socket);
      expect(
        (await c.add({ ContainerID: 'keep', IfName: 'eth0', NetworkName: 'aws-cni' })).IPAllocationMetadata[0]!
          .IPv4Addr,
      ).toBe(kept);
      c.close();
    } finally {
      await daemon.stop();
      second.cleanup();
    }
  });

  it('IPv6 mode: one /80 on the primary ENI, pods get /128s in IPv6Addr', async () => {
    const s = setup({ ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' });
    try {
      await s.daemon.start();
      expect(s.aws.count('AssignIpv6Addresses')).toBe(1);
      expect(s.aws.count('AssignPrivateIpAddresses')).toBe(0);
      const c = createIpamdClient(s.socket);
      const r = await c.add({ ContainerID: 'a', IfName: 'eth0', NetworkName: 'aws-cni' });
      expect(r.IPAllocationMetadata[0]).toMatchObject({ IPv4Addr: '', IPv6Addr: '2600:1f14:0:ff00:1::' });
      c.close();
      expect(await s.daemon.poolManager!.tick()).toMatchObject({ skipped: expect.stringMatching(/IPv6 mode/) });
    } finally {
      await s.daemon.stop();
      s.cleanup();
    }
  });

  it('IPv6 mode on a type without prefix delegation stops start-up naming the type', async () => {
    const s = setup({ ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' }, { instanceType: 'm4.large' });
    try {
      const err = await s.daemon.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toMatch(/ENABLE_IPv6=true needs prefix delegation, which m4\.large .* not Nitro/);
      expect(s.aws.count('AssignIpv6Addresses')).toBe(0);
    } finally {
      s.cleanup();
    }
  });
});
