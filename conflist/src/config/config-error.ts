// SPDX-License-Identifier: Apache-2.0
/** One problem with one environment variable. */
export interface EnvProblem {
  readonly variable: string;
  readonly message: string;
}

/**
 * Thrown when the environment is invalid. `problems` lists every bad variable (not only the first), and the
 * message names each of them, e.g. `AWS_VPC_K8S_CNI_VETHPREFIX: "eth" is reserved`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly EnvProblem[]) {
    super(`invalid environment: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`);
  }
}
