// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode, toCniError } from '@vpc-cni-ts/sdk/errors';
import { versionAtLeast } from '@vpc-cni-ts/sdk/spec';

import { type CniHandlers, type CniIo, type CniRequest } from './request';

/**
 * A small CNI dispatcher (spec section "Parameters"): checks the environment per command, decodes stdin, checks
 * the config's cniVersion, calls the handler and prints the result or the error JSON on stdout.
 * Local to this package until the SDK's dispatcher lands; behaviour follows the Go `skel` package.
 * @returns the process exit code (0 success, 1 error).
 */
export async function runCni(handlers: CniHandlers, io: CniIo): Promise<number> {
  try {
    const command = io.env.CNI_COMMAND ?? '';
    if (command === 'VERSION') {
      io.writeStdout(JSON.stringify({ cniVersion: '1.0.0', supportedVersions: [...handlers.supportedVersions] }));
      return 0;
    }
    if (command !== 'ADD' && command !== 'DEL' && command !== 'CHECK') {
      throw new CniError(
        CniErrorCode.InvalidEnvironmentVariables,
        command === '' ? 'required env variable CNI_COMMAND is missing' : `unknown CNI_COMMAND: ${command}`,
      );
    }
    const required = ['CNI_CONTAINERID', 'CNI_IFNAME', 'CNI_PATH', ...(command === 'DEL' ? [] : ['CNI_NETNS'])];
    const missing = required.filter((k) => !io.env[k]);
    if (missing.length) {
      throw new CniError(
        CniErrorCode.InvalidEnvironmentVariables,
        `required env variables [${missing.join(',')}] missing`,
      );
    }
    const text = await io.readStdin();
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch (e) {
      throw new CniError(
        CniErrorCode.DecodingFailure,
        `error decoding network config from stdin: ${(e as Error).message}`,
      );
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new CniError(CniErrorCode.DecodingFailure, 'network config on stdin must be a JSON object');
    }
    const conf = config as Record<string, unknown>;
    const v = conf.cniVersion === undefined ? '0.1.0' : conf.cniVersion;
    if (typeof v !== 'string') throw new CniError(CniErrorCode.DecodingFailure, 'cniVersion must be a string');
    if (!handlers.supportedVersions.includes(v)) {
      throw new CniError(
        CniErrorCode.IncompatibleCniVersion,
        `incompatible CNI versions: config is "${v}", plugin supports [${handlers.supportedVersions.join(' ')}]`,
      );
    }
    if (command === 'CHECK' && !versionAtLeast(v, '0.4.0')) {
      throw new CniError(
        CniErrorCode.IncompatibleCniVersion,
        `config version "${v}" does not allow CHECK (it exists from 0.4.0 on)`,
      );
    }
    const req: CniRequest = {
      command,
      containerId: io.env.CNI_CONTAINERID ?? '',
      netns: io.env.CNI_NETNS ?? '',
      ifName: io.env.CNI_IFNAME ?? '',
      args: io.env.CNI_ARGS ?? '',
      config: conf,
    };
    if (command === 'ADD') {
      io.writeStdout(JSON.stringify(await handlers.add(req)));
    } else if (command === 'DEL') {
      await handlers.del(req);
    } else {
      await handlers.check(req);
    }
    return 0;
  } catch (err) {
    io.writeStdout(JSON.stringify(toCniError(err).toJSON()));
    return 1;
  }
}
