export * from './add-plan';
export * from './allocation';
export * from './del-plan';
export * from './kernel-op';
export * from './random-mac';
