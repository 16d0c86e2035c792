// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

import { ChainExecutor } from '../chain/chain-executor';
import { loadConflistByName } from '../chain/conflist';
import { toCniError } from '../errors/cni-error';

export interface CnitoolIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const USAGE = `usage: cnitool add|check|del|gc|status <network-name> [<netns-path>]
env: NETCONFPATH (default /etc/cni/net.d), CNI_PATH, CNI_IFNAME (default eth0), CNI_ARGS (K=V;...),
     CAP_ARGS (JSON object of capability args), CNI_CACHE_DIR (default /var/lib/cni)`;

/** cnitool's container id: "cnitool-" + the first 10 bytes of SHA-512(absolute netns path), hex. */
export function cnitoolContainerId(netns: string): string {
  return `cnitool-${createHash('sha512').update(resolve(netns)).digest('hex').slice(0, 20)}`;
}

/**
 * A cnitool equivalent over the SDK chain executor. Prints the ADD result as JSON; errors go to `err` as the
 * CNI error JSON. Returns the exit code.
 */
export async function runCnitool(argv: readonly string[], io: CnitoolIo): Promise<number> {
  const [verb, network, netns] = argv;
  const needsNetns = verb === 'add' || verb === 'check' || verb === 'del';
  if (!['add', 'check', 'del', 'gc', 'status'].includes(verb ?? '') || !network || (needsNetns && !netns)) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  try {
    const list = await loadConflistByName(io.env.NETCONFPATH || '/etc/cni/net.d', network);
    const chain = new ChainExecutor({
      binDirs: (io.env.CNI_PATH ?? '').split(':').filter(Boolean),
      cacheDir: io.env.CNI_CACHE_DIR || '/var/lib/cni',
      baseEnv: { PATH: io.env.PATH },
    });
    const args = (io.env.CNI_ARGS ?? '')
      .split(';')
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf('=');
        if (i <= 0 || i === p.length - 1) throw new Error(`invalid CNI_ARGS pair "${p}"`);
        return [p.slice(0, i), p.slice(i + 1)] as const;
      });
    const capabilityArgs = io.env.CAP_ARGS ? (JSON.parse(io.env.CAP_ARGS) as Record<string, unknown>) : undefined;
    const rt = {
      containerId: cnitoolContainerId(netns ?? ''),
      netns: netns ?? '',
      ifName: io.env.CNI_IFNAME || 'eth0',
      args,
      capabilityArgs,
    };
    switch (verb) {
      case 'add':
        io.out(`${JSON.stringify(await chain.add(list, rt), null, 2)}\n`);
        break;
      case 'check':
        await chain.check(list, rt);
        break;
      case 'del':
        await chain.del(list, rt);
        break;
      case 'gc':
        await chain.gc(list);
        break;
      case 'status':
        await chain.status(list);
        break;
    }
    return 0;
  } catch (e) {
    io.err(`${JSON.stringify(toCniError(e).toJSON())}\n`);
    return 1;
  }
}
