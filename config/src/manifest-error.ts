/**
 * The one error type of this package: bad input (an unknown variable, a value of the wrong shape, an unknown instance
 * type) or a rendered object the Kubernetes schemas reject. `exitCode` is what a CLI exits with: 2 for usage/input
 * errors, 1 for anything else.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
