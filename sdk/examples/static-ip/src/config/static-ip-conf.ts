// SPDX-License-Identifier: Apache-2.0
import { type NetConf, type Route040 } from '@vpc-cni-ts/sdk';
import { createValidator, type ValidateFunction, type Validator } from '@vpc-cni-ts/sdk/validation';

import schema from './static-ip.schema.json';

/** The static-ip plugin's configuration (validated against static-ip.schema.json). */
export interface StaticIpConf extends NetConf {
  /** Addresses to hand out, CIDR with host bits. Overridden by runtimeConfig.ips or CNI_ARGS IP=. */
  addresses?: { address: string; gateway?: string }[];
  routes?: Route040[];
  /** "stderr" or a file; no logging when absent. */
  logFile?: string;
  logLevel?: string;
}

/** The validator: precompiled by `prebuild` into src/generated; compiled at run time in unit tests if absent. */
export function staticIpConfValidator(): Validator<StaticIpConf> {
  return createValidator<StaticIpConf>({
    name: 'static-ip configuration',
    schema,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- generated at build time; may be absent in unit tests
    precompiled: () => (require('../generated/static-ip.validator') as { validate: ValidateFunction }).validate,
  });
}
