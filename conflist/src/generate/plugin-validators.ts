// SPDX-License-Identifier: Apache-2.0
import { parseNetConf } from '@vpc-cni-ts/aws-cni';
import { parseBandwidthConfig } from '@vpc-cni-ts/bandwidth-shim';
import { parseEgressConfig } from '@vpc-cni-ts/egress-cni';
import { parseTuningConfig } from '@vpc-cni-ts/tuning-shim';

import { type NetConfValidator, type NetConfValidators } from './validate-conflist';

/** A validator from a plugin's own config parser: whatever it throws is the problem. */
function fromParser(parse: (conf: Record<string, unknown>) => unknown): NetConfValidator {
  return (conf) => {
    try {
      parse({ ...conf });
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  };
}

/**
 * Each plugin's own configuration parser (the code that reads its stdin at ADD time), so a generated conflist
 * that a plugin would reject is never written. tuning-shim is checked as for interface `eth0` without CNI_ARGS.
 */
export const PLUGIN_VALIDATORS: NetConfValidators = Object.freeze({
  'aws-cni': fromParser(parseNetConf),
  'egress-cni': fromParser(parseEgressConfig),
  'bandwidth-shim': fromParser(parseBandwidthConfig),
  'tuning-shim': fromParser((c) => parseTuningConfig(c, { ifName: 'eth0', cniArgs: '' })),
});

/** The validators the executables use: the plugin packages' own parsers. */
export function defaultValidators(): NetConfValidators {
  return PLUGIN_VALIDATORS;
}
