// SPDX-License-Identifier: Apache-2.0
/** A read-only view of environment variables; `main.ts` passes `process.env`, tests pass a plain object. */
export type EnvSource = Readonly<Record<string, string | undefined>>;
