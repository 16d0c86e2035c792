// SPDX-License-Identifier: Apache-2.0
/**
 * Error codes defined by the CNI spec (section "Error") plus the Go library's extras (8, 999).
 * Codes 100 and above belong to plugins.
 */
export const CniErrorCode = Object.freeze({
  /** Incompatible CNI version. */
  IncompatibleCniVersion: 1,
  /** Unsupported field in network configuration; the message names key and value. */
  UnsupportedField: 2,
  /** Container unknown or does not exist; the runtime need not clean up. */
  UnknownContainer: 3,
  /** Invalid necessary environment variables; the message names them. */
  InvalidEnvironmentVariables: 4,
  /** I/O failure, e.g. reading stdin. */
  IoFailure: 5,
  /** Failed to decode content (bad JSON, bad version string). */
  DecodingFailure: 6,
  /** Invalid network config. */
  InvalidNetworkConfig: 7,
  /** CNI_NETNS is the plugin's own netns (Go-only code). */
  InvalidNetNs: 8,
  /** Try again later: a transient condition. */
  TryAgainLater: 11,
  /** STATUS: the plugin cannot service ADD. */
  PluginNotAvailable: 50,
  /** STATUS: not available and existing containers may have limited connectivity. */
  LimitedConnectivity: 51,
  /** Anything that was not a typed CniError (Go `ErrInternal`). */
  Internal: 999,
} as const);

export type WellKnownCniErrorCode = (typeof CniErrorCode)[keyof typeof CniErrorCode];

/** The JSON a plugin prints on stdout when it fails (`details` and `cniVersion` optional). */
export interface CniErrorJson {
  cniVersion?: string;
  code: number;
  msg: string;
  details?: string;
}

const WELL_KNOWN = new Set<number>(Object.values(CniErrorCode));

/** True for codes a plugin may use: the spec's codes, 999, and plugin codes >= 100. */
export function isValidCniErrorCode(code: number): boolean {
  return Number.isInteger(code) && (WELL_KNOWN.has(code) || code >= 100);
}

/**
 * The one error type that crosses the wire. Throw it from handlers to choose the code; anything else thrown
 * becomes code 999 at the boundary ({@link toCniError}), keeping the original as `cause`.
 * `toJSON()` gives exactly the object printed on stdout, never a stack trace.
 */
export class CniError extends Error {
  override readonly name = 'CniError';
  readonly code: number;
  readonly details?: string;

  /**
   * @param options.fromWire accept any non-negative integer code (errors read from another plugin's output, e.g.
   *   Go's 0 "unknown"); plugin code should use spec codes or >= 100.
   * @throws RangeError for a code outside those rules.
   */
  constructor(code: number, msg: string, options: { details?: string; cause?: unknown; fromWire?: boolean } = {}) {
    super(msg, options.cause === undefined ? undefined : { cause: options.cause });
    const ok = options.fromWire ? Number.isInteger(code) && code >= 0 : isValidCniErrorCode(code);
    if (!ok) throw new RangeError(`invalid CNI error code ${code}: use a spec code or >= 100`);
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }

  /** The wire form; `cniVersion` is included only when given (Go omits it). */
  toJSON(cniVersion?: string): CniErrorJson {
    const out: CniErrorJson = {} as CniErrorJson;
    if (cniVersion) out.cniVersion = cniVersion;
    out.code = this.code;
    out.msg = this.message;
    if (this.details !== undefined && this.details !== '') out.details = this.details;
    return out;
  }

  /** Prefixes context to the message, keeping code and details, with this error as cause. */
  withContext(prefix: string): CniError {
    return new CniError(this.code, `${prefix}: ${this.message}`, {
      details: this.details,
      cause: this,
      fromWire: true,
    });
  }

  /** Parses a plugin's error JSON (as printed on stdout); undefined if it is not one. */
  static fromJSON(value: unknown): CniError | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.code !== 'number' || typeof v.msg !== 'string') return undefined;
    const code = Number.isInteger(v.code) && v.code >= 0 ? v.code : CniErrorCode.Internal;
    return new CniError(code, v.msg, {
      details: typeof v.details === 'string' ? v.details : undefined,
      fromWire: true,
    });
  }
}

/** The boundary rule: a CniError passes through; anything else becomes 999 with its message, keeping the cause. */
export function toCniError(err: unknown): CniError {
  if (err instanceof CniError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new CniError(CniErrorCode.Internal, msg || 'internal error', { cause: err });
}
