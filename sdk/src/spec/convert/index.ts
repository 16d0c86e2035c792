// SPDX-License-Identifier: Apache-2.0
export { convertResult, encodeResult, toCurrentResult } from './convert';
export { type Converter } from './converters';
export { parsePrevResult, parseResult } from './parse';
export { CONVERSION_TABLE } from './table';
