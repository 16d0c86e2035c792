// SPDX-License-Identifier: Apache-2.0
import { type NetConf, type NetConfList } from '../spec/types/net-conf';
import conflistSchema from './schemas/conflist.schema.json';
import netConfSchema from './schemas/net-conf.schema.json';
import { normalizeKeys, type SchemaNode } from './normalize-keys';
import { createValidator, type ValidateFunction, type Validator } from './validator';

/** The SDK's base NetConf validator (spec keys + every well-known runtimeConfig capability). */
export function netConfValidator(): Validator<NetConf> {
  return createValidator<NetConf>({
    name: 'network configuration',
    schema: netConfSchema,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- generated at build time; may be absent in unit tests
    precompiled: () => (require('../generated/net-conf.validator') as { validate: ValidateFunction }).validate,
  });
}

/** The conflist validator (used by the chain loader). */
export function conflistValidator(): Validator<NetConfList> {
  return createValidator<NetConfList>({
    name: 'network configuration list',
    schema: conflistSchema,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- generated at build time; may be absent in unit tests
    precompiled: () => (require('../generated/conflist.validator') as { validate: ValidateFunction }).validate,
  });
}

export { conflistSchema, netConfSchema };

/**
 * Maps a config's keys to the base NetConf spelling (runtimeConfig capabilities included) without validating:
 * for plugins that read a few fields by hand but must accept containerd's/CRI-O's capitalised keys.
 */
export function normalizeNetConf<T = NetConf>(conf: unknown): T {
  return normalizeKeys<T>(conf, netConfSchema as SchemaNode);
}
