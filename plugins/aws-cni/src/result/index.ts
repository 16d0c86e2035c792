export * from './aws-result';
export * from './prev-result';
