export * from './branch-decision';
export * from './branch-pods';
export * from './branch-reply';
export * from './pod-eni-annotation';
export * from './trunk-link';
