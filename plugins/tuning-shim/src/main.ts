// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: wires the real adapters to the handlers and runs one CNI command.
import { readFile } from 'node:fs/promises';

import { pluginMain, processIo, requestPlugin } from '@vpc-cni-ts/sdk/skel';

import { DEFAULT_ALLOWLIST_PATH, parseAllowlist } from './config/allowlist';
import { tuningHandlers } from './handlers/tuning-handlers';
import { FileBackupStore } from './kernel/file-backup-store';
import { IpTuningKernel } from './kernel/ip-tuning-kernel';

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

const [verbs, info] = requestPlugin(
  tuningHandlers({ kernel: new IpTuningKernel(), backups: new FileBackupStore(), allowlist }),
  ['MAC'],
);
void pluginMain(verbs, info, processIo(process));
