// SPDX-License-Identifier: Apache-2.0
/**
 * The few ajv runtime helpers that precompiled (standalone) validators call, re-exported from the SDK's own ajv 8
 * so generated code works from any package (the repo root has an older ajv). Only generated code imports this.
 */
import equal from 'ajv/dist/runtime/equal';
import timestamp from 'ajv/dist/runtime/timestamp';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import uri from 'ajv/dist/runtime/uri';
import validation_error from 'ajv/dist/runtime/validation_error';

export { equal, timestamp, ucs2length, uri, validation_error };
