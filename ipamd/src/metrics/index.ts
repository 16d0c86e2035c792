// SPDX-License-Identifier: Apache-2.0
export * from './catalog';
export * from './prom-metrics';
export * from './datastore-gauges';
export * from './metrics-server';
export * from './parse-exposition';
export * from './gauge-refresher';
