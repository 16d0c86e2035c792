// SPDX-License-Identifier: Apache-2.0
export * from './datastore-view';
export * from './go-json';
export * from './http-endpoint';
export * from './views';
export * from './introspection-server';
export * from './daemon-sources';
