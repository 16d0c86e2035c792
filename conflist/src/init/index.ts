// SPDX-License-Identifier: Apache-2.0
export * from './composition';
export * from './init-step';
export * from './plan-sysctls';
