export * from './kube-standin';
export * from './policy';
