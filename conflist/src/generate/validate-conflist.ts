// SPDX-License-Identifier: Apache-2.0
import { type AwsConflist } from './conflist-types';

/**
 * Checks one plugin's network configuration (as the plugin receives it on stdin) and returns problems, empty when
 * valid. Each plugin package provides one built from its own schema.
 */
export type NetConfValidator = (netconf: Readonly<Record<string, unknown>>) => readonly string[];

/** Validators by conflist `type`. */
export type NetConfValidators = Readonly<Record<string, NetConfValidator>>;

/** Plugin types that are the runtime's reference plugins, not ours, so no schema of ours applies. */
export const REFERENCE_PLUGIN_TYPES: ReadonlySet<string> = new Set(['portmap']);

export class ConflistValidationError extends Error {
  override readonly name = 'ConflistValidationError';

  constructor(readonly problems: readonly string[]) {
    super(`generated conflist is invalid: ${problems.join('; ')}`);
  }
}

/**
 * Validates every plugin of `conflist` with the validator for its type, injecting `name` and `cniVersion` from
 * the list as the runtime does. A type of ours with no validator is itself a problem, so a missing schema cannot
 * pass silently. Returns all problems, each prefixed with the plugin's position and type.
 */
export function validateConflist(conflist: AwsConflist, validators: NetConfValidators): readonly string[] {
  const problems: string[] = [];
  conflist.plugins.forEach((plugin, i) => {
    const where = `plugins[${i}] (${plugin.type})`;
    const validate = validators[plugin.type];
    if (!validate) {
      if (!REFERENCE_PLUGIN_TYPES.has(plugin.type)) problems.push(`${where}: no schema to validate against`);
      return;
    }
    const stdin = { ...plugin, name: conflist.name, cniVersion: conflist.cniVersion };
    for (const p of validate(stdin)) problems.push(`${where}: ${p}`);
  });
  return problems;
}

/** {@link validateConflist}, throwing {@link ConflistValidationError} when anything is wrong. */
export function assertValidConflist(conflist: AwsConflist, validators: NetConfValidators): void {
  const problems = validateConflist(conflist, validators);
  if (problems.length) throw new ConflistValidationError(problems);
}
