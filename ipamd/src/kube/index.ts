export * from './client-node-kube-api';
export * from './cninode-features';
export * from './eniconfig-name';
export * from './kube-api';
export * from './pod-ip-annotator';
