// SPDX-License-Identifier: Apache-2.0
import { type NetConfValidator, type NetConfValidators } from './validate-conflist';

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const decimal: Check = (v) => typeof v === 'string' && /^\d+$/.test(v);
const obj: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A validator from required field checks (provisional until a plugin package exports its own schema). */
function fields(required: Readonly<Record<string, Check>>): NetConfValidator {
  return (conf) =>
    Object.entries(required)
      .filter(([k, ok]) => !ok(conf[k]))
      .map(([k]) => `${k} is missing or has the wrong type (${JSON.stringify(conf[k])})`);
}

/**
 * Provisional field checks per plugin type, used where a plugin package does not (yet) export a validator built
 * from its schema; {@link defaultValidators} prefers the plugin's own.
 */
export const PROVISIONAL_VALIDATORS: NetConfValidators = Object.freeze({
  'aws-cni': fields({ vethPrefix: str, mtu: decimal, podSGEnforcingMode: str, pluginLogFile: str, pluginLogLevel: str }),
  'egress-cni': fields({ enabled: (v) => v === 'true' || v === 'false', mtu: decimal, randomizeSNAT: str, ipam: obj, pluginLogFile: str }),
  'bandwidth-shim': fields({ capabilities: obj }),
  'tuning-shim': fields({ sysctl: obj }),
});

/** The validators the executables use: each plugin package's own where it exists, else the provisional ones. */
export function defaultValidators(): NetConfValidators {
  return PROVISIONAL_VALIDATORS;
}
