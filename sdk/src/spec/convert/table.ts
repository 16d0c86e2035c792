// SPDX-License-Identifier: Apache-2.0
import { type CniVersion } from '../versions';
import {
  type Converter,
  down040to020,
  down100to020,
  down100to040,
  sameFamily,
  up020to040,
  up020to100,
  up040to100,
} from './converters';

type Row = Readonly<Record<CniVersion, Converter>>;

const from020: Row = Object.freeze({
  '0.1.0': sameFamily,
  '0.2.0': sameFamily,
  '0.3.0': up020to040,
  '0.3.1': up020to040,
  '0.4.0': up020to040,
  '1.0.0': up020to100,
  '1.1.0': up020to100,
});
const from040: Row = Object.freeze({
  '0.1.0': down040to020,
  '0.2.0': down040to020,
  '0.3.0': sameFamily,
  '0.3.1': sameFamily,
  '0.4.0': sameFamily,
  '1.0.0': up040to100,
  '1.1.0': up040to100,
});
const from100: Row = Object.freeze({
  '0.1.0': down100to020,
  '0.2.0': down100to020,
  '0.3.0': down100to040,
  '0.3.1': down100to040,
  '0.4.0': down100to040,
  '1.0.0': sameFamily,
  '1.1.0': sameFamily,
});

/**
 * The conversion matrix: `CONVERSION_TABLE[from][to]` for every pair of spec versions (49 entries), frozen and
 * built from explicit imports (nothing registers itself).
 */
export const CONVERSION_TABLE: Readonly<Record<CniVersion, Row>> = Object.freeze({
  '0.1.0': from020,
  '0.2.0': from020,
  '0.3.0': from040,
  '0.3.1': from040,
  '0.4.0': from040,
  '1.0.0': from100,
  '1.1.0': from100,
});
