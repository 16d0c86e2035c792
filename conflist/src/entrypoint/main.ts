// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';

import { ConfigError, readEntrypointConfig } from '../config';
import { composeEntrypoint } from './composition';

/** `aws-vpc-cni`: the only file of this executable touching `process`. */
async function main(): Promise<number> {
  const writeErr = (line: string): void => void process.stderr.write(line);
  let cfg;
  try {
    cfg = readEntrypointConfig(process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) writeErr(`aws-vpc-cni: invalid ${p.variable}: ${p.message}\n`);
    return 1;
  }
  const entrypoint = composeEntrypoint(cfg, { env: process.env, execPath: process.execPath, writeErr });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => entrypoint.stop(sig));
  return entrypoint.run();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`aws-vpc-cni: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
