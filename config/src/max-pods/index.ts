export * from './max-pods';
export * from './vcpu-estimate';
export * from './max-pods-cli';
