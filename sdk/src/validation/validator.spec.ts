// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { CniError } from '../errors/cni-error';
import { createValidator, type ValidateFunction } from './validator';
import { conflistValidator, netConfSchema, netConfValidator } from './validators';

const missing = (): ValidateFunction => {
  const e = new Error("Cannot find module '../generated/x.validator'") as NodeJS.ErrnoException;
  e.code = 'MODULE_NOT_FOUND';
  throw e;
};

describe('validators', () => {
  const good = {
    cniVersion: '1.0.0',
    name: 'n',
    type: 't',
    runtimeConfig: { Bandwidth: { ingressRate: 8, ingressBurst: 16 } },
  };

  it('parses a good config, normalising keys', () => {
    expect(netConfValidator().parse(good).runtimeConfig?.bandwidth).toEqual({ ingressRate: 8, ingressBurst: 16 });
  });

  it('reports every problem with its path as code 7', () => {
    let err: CniError | undefined;
    try {
      netConfValidator().parse({
        cniVersion: 1,
        name: 'n',
        runtimeConfig: { portMappings: [{ hostPort: 'x', containerPort: 70000 }] },
      });
    } catch (e) {
      err = e as CniError;
    }
    expect(err).toBeInstanceOf(CniError);
    expect(err?.code).toBe(7);
    expect(err?.message).toContain("(root): must have required property 'type'");
    expect(err?.message).toContain('cniVersion: must be string');
    expect(err?.message).toContain('runtimeConfig.portMappings.0.hostPort: must be integer');
    expect(err?.message).toContain('runtimeConfig.portMappings.0.containerPort: must be <= 65535');
  });

  it('falls back to compiling at run time when the generated module is absent, with the same verdicts', () => {
    const runtime = createValidator({ name: 'x', schema: netConfSchema, precompiled: missing });
    const pre = netConfValidator();
    const bad = { ...good, ipMasq: 'yes' };
    expect(runtime.check(good)).toEqual([]);
    expect(runtime.check(bad).map((i) => i.instancePath)).toEqual(pre.check(bad).map((i) => i.instancePath));
  });

  it('does not hide other errors of the precompiled module', () => {
    const v = createValidator({
      name: 'x',
      schema: {},
      precompiled: () => {
        throw new SyntaxError('broken generated code');
      },
    });
    expect(() => v.parse({})).toThrow(SyntaxError);
  });

  it('uses the precompiled validators when the prebuild ran', () => {
    const generated = join(__dirname, '..', 'generated', 'net-conf.validator.ts');
    if (!existsSync(generated)) return; // clean clone: runtime fallback covered above
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional generated module
    const fn = (require('../generated/net-conf.validator') as { validate: ValidateFunction }).validate;
    expect(fn({ name: 'n' })).toBe(false);
    expect(fn(good)).toBe(true);
  });

  it.each([
    [{ name: 'n', plugins: [{ type: 'ptp' }], disableCheck: 'TRUE' }, true],
    [{ name: 'n', plugins: [] }, false],
    [{ name: 'n', plugins: [{ type: '../evil' }] }, false],
    [{ name: 'n', plugins: [{ type: 'x' }], disableCheck: 'maybe' }, false],
  ])('conflist %j valid: %s', (input, ok) => {
    expect(conflistValidator().check(input).length === 0).toBe(ok);
  });
});
