// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../errors/cni-error';
import ajvOptions from './ajv-options.json';
import { normalizeKeys, type SchemaNode } from './normalize-keys';
import baseNetConfSchema from './schemas/net-conf.schema.json';

/** One validation problem as ajv reports it (the fields we use). */
export interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/** An ajv standalone validate function (generated code) or a runtime-compiled one. */
export type ValidateFunction = ((data: unknown) => boolean) & { errors?: ValidationIssue[] | null };

/** A schema-backed parser: normalises key case, validates, returns the typed value. */
export interface Validator<T> {
  readonly name: string;
  readonly schema: SchemaNode;
  /**
   * Normalises key spelling to the schema's, validates, and returns the value typed.
   * @throws CniError (code 7 by default) whose message lists every problem with its JSON path.
   */
  parse(input: unknown, what?: string): T;
  /** Validation without throwing: the list of problems (empty when valid). */
  check(input: unknown): ValidationIssue[];
}

export interface CreateValidatorOptions {
  /** For messages, e.g. "aws-cni config". */
  readonly name: string;
  /** The JSON schema (import the same `.schema.json` the prebuild step compiles). */
  readonly schema: SchemaNode;
  /**
   * Returns the precompiled validator, e.g. `() => require('../generated/my.validator').validate`. If the module is
   * absent (unit tests from a clean clone, before `prebuild`), the schema is compiled at run time with ajv instead;
   * in a bundle without the generated file that fails with a clear message.
   */
  readonly precompiled: () => ValidateFunction;
  /** Error code for invalid input (default 7, invalid network config). */
  readonly errorCode?: number;
  /** Skip key-case normalisation (default false). */
  readonly exactKeys?: boolean;
}

/** Schemas every validator may `$ref` by `$id` (the SDK's base NetConf: `https://vpc-cni-ts.dev/schemas/net-conf.json`). */
const SHARED = { schemas: [baseNetConfSchema as SchemaNode] };

/** Formats ajv issues as "path: message" lines joined with "; ". */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((i) => {
      const path = i.instancePath ? i.instancePath.slice(1).replace(/\//g, '.') : '(root)';
      const extra =
        i.keyword === 'additionalProperties' && i.params?.additionalProperty
          ? ` "${String(i.params.additionalProperty)}"`
          : i.keyword === 'enum' && i.params?.allowedValues
            ? ` ${JSON.stringify(i.params.allowedValues)}`
            : '';
      return `${path}: ${i.message ?? 'is invalid'}${extra}`;
    })
    .join('; ');
}

function isMissingModule(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return err?.code === 'MODULE_NOT_FOUND' && /generated/.test(err.message ?? '');
}

/** Compiles at run time (tests only). The compiler is loaded indirectly so bundlers never pull it in. */
function compileAtRuntime(name: string, schema: SchemaNode): ValidateFunction {
  const req = eval('require') as NodeRequire;
  let Ajv: new (o: object) => { addSchema(s: object): unknown; compile(s: object): ValidateFunction };
  try {
    const mod = req('ajv');
    Ajv = mod.default ?? mod;
    if (!/^8\./.test(req('ajv/package.json').version)) throw new Error('ajv 8 required');
  } catch (e) {
    throw new CniError(
      CniErrorCode.Internal,
      `validator "${name}" was not precompiled (run the package's prebuild) and ajv 8 is not available`,
      { cause: e },
    );
  }
  const ajv = new Ajv(ajvOptions);
  if (schema.$id !== baseNetConfSchema.$id) ajv.addSchema(baseNetConfSchema);
  return ajv.compile(schema);
}

/**
 * Builds a {@link Validator} from a schema and its precompiled (ajv standalone) validate function.
 * The precompiled function is loaded lazily on first use.
 */
export function createValidator<T>(opts: CreateValidatorOptions): Validator<T> {
  let fn: ValidateFunction | undefined;
  const get = (): ValidateFunction => {
    if (!fn) {
      try {
        fn = opts.precompiled();
      } catch (e) {
        if (!isMissingModule(e)) throw e;
        fn = compileAtRuntime(opts.name, opts.schema);
      }
    }
    return fn;
  };
  const check = (input: unknown): ValidationIssue[] => {
    const f = get();
    return f(input) ? [] : [...(f.errors ?? [{ instancePath: '', message: 'is invalid' }])];
  };
  return Object.freeze({
    name: opts.name,
    schema: opts.schema,
    check: (input: unknown) => check(opts.exactKeys ? input : normalizeKeys(input, opts.schema, SHARED)),
    parse(input: unknown, what = opts.name): T {
      const value = opts.exactKeys ? input : normalizeKeys(input, opts.schema, SHARED);
      const issues = check(value);
      if (issues.length) {
        throw new CniError(
          opts.errorCode ?? CniErrorCode.InvalidNetworkConfig,
          `invalid ${what}: ${formatIssues(issues)}`,
        );
      }
      return value as T;
    },
  });
}
