export * from './grpc-unix-client';
export * from './ipamd-client';
export * from './messages';
export * from './proto-wire';
