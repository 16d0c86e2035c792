// SPDX-License-Identifier: Apache-2.0
// A plugin schema that reuses the SDK's base NetConf through `$ref` by `$id`: keys normalised and validated
// across the reference, both when compiled at run time and (through compile-schemas.js) ahead of time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createValidator, type ValidateFunction } from './validator';

const schema = {
  allOf: [{ $ref: 'https://vpc-cni-ts.dev/schemas/net-conf.json' }],
  properties: {
    mtu: { type: 'integer', minimum: 576 },
    shaping: { $ref: 'https://vpc-cni-ts.dev/schemas/net-conf.json#/definitions/bandwidth' },
  },
};
const input = {
  cniVersion: '1.0.0',
  name: 'n',
  type: 'shim',
  MTU: 9001,
  Shaping: { IngressRate: 8 },
  runtimeConfig: { BandWidth: { EgressRate: 5, EgressBurst: 6 } },
};
const want = {
  cniVersion: '1.0.0',
  name: 'n',
  type: 'shim',
  mtu: 9001,
  shaping: { ingressRate: 8 },
  runtimeConfig: { bandwidth: { egressRate: 5, egressBurst: 6 } },
};
const missing = (): ValidateFunction => {
  throw Object.assign(new Error("Cannot find module '../generated/x'"), { code: 'MODULE_NOT_FOUND' });
};

describe('plugin schemas referencing the SDK base NetConf', () => {
  it('normalise and validate across $ref (run-time compiled)', () => {
    const v = createValidator({ name: 'shim config', schema, precompiled: missing });
    expect(v.parse(input)).toEqual(want);
    expect(() => v.parse({ ...input, type: 5, runtimeConfig: { bandwidth: { ingressRate: -1 } } })).toThrow(
      /type: must be string.*runtimeConfig.bandwidth.ingressRate: must be >= 0/,
    );
  });

  it('precompile with compile-schemas.js', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vct-sdk-schema-'));
    try {
      writeFileSync(join(dir, 'shim.schema.json'), JSON.stringify(schema));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build script is plain JS
      const { compileDir } = require('../../scripts/compile-schemas.js') as {
        compileDir: (a: string, b: string, r?: string) => string[];
      };
      const [file] = compileDir(dir, join(dir, 'generated'), join(__dirname, '..', 'validation-runtime'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- freshly generated module
      const fn = (require(file) as { validate: ValidateFunction }).validate;
      const v = createValidator({ name: 'shim config', schema, precompiled: () => fn });
      expect(v.parse(input)).toEqual(want);
      expect(
        v.check({ ...want, runtimeConfig: { bandwidth: { ingressRate: 'x' } } }).map((i) => i.instancePath),
      ).toEqual(['/runtimeConfig/bandwidth/ingressRate']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
