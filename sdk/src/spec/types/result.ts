// SPDX-License-Identifier: Apache-2.0
import { type Result020 } from './result-020';
import { type Result040 } from './result-040';
import { type Result100 } from './result-100';

/** A result of any version; discriminate with `cniVersion` or `familyOf`. */
export type AnyResult = Result020 | Result040 | Result100;

/** The result type for a given version string. */
export type ResultFor<V extends string> = V extends Result020['cniVersion']
  ? Result020
  : V extends Result040['cniVersion']
    ? Result040
    : V extends Result100['cniVersion']
      ? Result100
      : AnyResult;
