export * from './containerd';
export * from './cri-client';
export * from './oci-image';
