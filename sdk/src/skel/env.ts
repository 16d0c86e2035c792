// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../errors/cni-error';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | 'STATUS' | 'GC';
export const CNI_COMMANDS: readonly CniCommand[] = Object.freeze(['ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC']);

/** Required variables per verb, as the spec (1.1.0) states them; CNI_PATH is added when `requirePath` is set. */
export const REQUIRED_ENV: Readonly<Record<CniCommand, readonly string[]>> = Object.freeze({
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  GC: [],
  STATUS: [],
  VERSION: [],
});

const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Checks the variables a verb needs, reporting every missing one at once (code 4).
 * @param requirePath also require CNI_PATH for all verbs but VERSION (Go skel behaviour).
 */
export function checkRequiredEnv(
  cmd: CniCommand,
  env: Readonly<Record<string, string | undefined>>,
  requirePath: boolean,
): void {
  const need = [...REQUIRED_ENV[cmd]];
  if (requirePath && cmd !== 'VERSION') need.push('CNI_PATH');
  const missing = need.filter((k) => !env[k]);
  if (missing.length) {
    throw new CniError(
      CniErrorCode.InvalidEnvironmentVariables,
      `required env variables [${missing.join(',')}] missing`,
    );
  }
}

/** Container id rule of spec 1.0.0: starts alphanumeric, then alphanumerics, `_`, `.`, `-`. Empty -> code 3. */
export function validateContainerId(id: string): void {
  if (id === '') throw new CniError(CniErrorCode.UnknownContainer, 'missing containerID');
  if (!CONTAINER_ID.test(id)) {
    throw new CniError(CniErrorCode.InvalidEnvironmentVariables, 'invalid characters in containerID', { details: id });
  }
}

/** Interface name rule (Linux): non-empty, at most 15 bytes, not "." or "..", no "/", ":" or whitespace (code 4). */
export function validateIfName(name: string): void {
  const why =
    name === ''
      ? 'is empty'
      : Buffer.byteLength(name) > 15
        ? 'is longer than 15 bytes'
        : name === '.' || name === '..'
          ? 'is "." or ".."'
          : /[/:\s]/.test(name)
            ? 'contains "/", ":" or whitespace'
            : undefined;
  if (why) throw new CniError(CniErrorCode.InvalidEnvironmentVariables, `invalid CNI_IFNAME "${name}": ${why}`);
}

/** Network name rule of spec 1.0.0 (same characters as a container id); code 7. */
export function validateNetworkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new CniError(CniErrorCode.InvalidNetworkConfig, 'missing network name: "name" must be a non-empty string');
  }
  if (!CONTAINER_ID.test(name)) {
    throw new CniError(CniErrorCode.InvalidNetworkConfig, `invalid characters found in network name "${name}"`);
  }
}
