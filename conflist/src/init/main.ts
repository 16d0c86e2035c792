// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';

import { ConfigError, readInitConfig } from '../config';
import { composeInit } from './composition';

/** `aws-vpc-cni-init`: the only file of this executable touching `process`. */
async function main(): Promise<number> {
  const writeErr = (line: string): void => void process.stderr.write(line);
  let cfg;
  try {
    cfg = readInitConfig(process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) writeErr(`aws-vpc-cni-init: invalid ${p.variable}: ${p.message}\n`);
    return 1;
  }
  await composeInit(cfg, writeErr).run();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`aws-vpc-cni-init: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
