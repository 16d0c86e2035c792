// SPDX-License-Identifier: Apache-2.0
/** `@vpc-cni-ts/sdk/cnitool`: a cnitool equivalent (run `node sdk/dist/cnitool/main.js`). */
export * from './cnitool';
