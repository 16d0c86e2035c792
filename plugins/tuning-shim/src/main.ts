// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: wires the real adapters to the handlers and runs one CNI command.
import { readFile } from 'node:fs/promises';

import { runCni } from './cni/run';
import { DEFAULT_ALLOWLIST_PATH, parseAllowlist } from './config/allowlist';
import { tuningHandlers } from './handlers/tuning-handlers';
import { FileBackupStore } from './kernel/file-backup-store';
import { IpTuningKernel } from './kernel/ip-tuning-kernel';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// TUNING_ALLOWLIST_FILE exists for tests; production uses the reference's path.
const allowlistPath = process.env.TUNING_ALLOWLIST_FILE || DEFAULT_ALLOWLIST_PATH;
const allowlist = async (): Promise<RegExp[] | undefined> => {
  let text: string;
  try {
    text = await readFile(allowlistPath, 'utf8');
  } catch {
    return undefined;
  }
  return parseAllowlist(text, allowlistPath);
};

void runCni(tuningHandlers({ kernel: new IpTuningKernel(), backups: new FileBackupStore(), allowlist }), {
  env: process.env,
  readStdin,
  writeStdout: (t) => process.stdout.write(t),
}).then((code) => {
  process.exitCode = code;
});
