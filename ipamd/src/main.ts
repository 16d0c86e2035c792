// SPDX-License-Identifier: Apache-2.0
// The ipamd executable: the only file that touches `process`.
import 'reflect-metadata';

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import pino from 'pino';

import { CheckpointError } from './checkpoint';
import { ConfigError, ENV_HELP, loadConfig, type IpamdConfig } from './config';
import { createIpamdContainer } from './container';
import { StartupError } from './daemon';
import { TOKENS, resolve } from './tokens';

const HELP = `ipamd: the vpc-cni-ts node daemon (warm pool of VPC addresses, gRPC service for the aws-cni plugin).

Usage: ipamd [--help] [--version]

Configuration comes from the environment (the upstream amazon-vpc-cni-k8s variables, same defaults):
${ENV_HELP.map(([n, d, w]) => `  ${n.padEnd(38)} ${w} (default ${d})`).join('\n')}

Serves rpc.CNIBackend and grpc.health.v1.Health on IPAMD_SOCKET_PATH; writes allocations to
AWS_VPC_K8S_CNI_BACKING_STORE before acknowledging them. SIGTERM/SIGINT stop it gracefully.
`;

function makeLogger(cfg: IpamdConfig): pino.Logger {
  const f = cfg.server.logFile;
  let dest: pino.DestinationStream;
  if (f === 'stdout') dest = pino.destination({ dest: 1, sync: false });
  else if (f === 'stderr') dest = pino.destination({ dest: 2, sync: false });
  else {
    mkdirSync(dirname(f), { recursive: true });
    dest = pino.destination({ dest: f, sync: false, mkdir: true });
  }
  return pino(
    { level: cfg.server.logLevel, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    dest,
  );
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.includes('--version')) {
    process.stdout.write(`ipamd ${process.env.VPC_CNI_VERSION ?? 'vpc-cni-ts'}\n`);
    return 0;
  }
  if (args.length) {
    process.stderr.write(`ipamd: unknown argument ${args[0]}; see ipamd --help\n`);
    return 2;
  }
  let config: IpamdConfig;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`ipamd: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const logger = makeLogger(config);
  let stopping: Promise<void> | undefined;
  try {
    const c = await createIpamdContainer(config, logger);
    const daemon = resolve(c, TOKENS.Runtime);
    const done = new Promise<number>((resolveExit) => {
      const onSignal = (sig: string) => {
        if (stopping) return;
        logger.info({ signal: sig }, 'stopping');
        stopping = daemon.stop().then(
          () => resolveExit(0),
          (e) => (logger.error({ err: String(e) }, 'stop failed'), resolveExit(1)),
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
    });
    await daemon.start();
    return await done;
  } catch (e) {
    const known = e instanceof CheckpointError || e instanceof StartupError || e instanceof ConfigError;
    logger.fatal({ err: known ? (e as Error).message : String((e as Error)?.stack ?? e) }, 'ipamd failed to start');
    process.stderr.write(`ipamd: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  } finally {
    logger.flush();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e) => {
    process.stderr.write(`ipamd: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
