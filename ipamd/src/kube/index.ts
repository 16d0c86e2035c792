export * from './client-node-kube-api';
export * from './cninode-features';
export * from './eniconfig-name';
export * from './kube-api';
export * from './pod-ip-annotator';
export * from './kube-connection';
export * from './kube-node-status';
export * from './kube-startup';
