export * from './grpc-common';
export * from './grpc-unix-client';
export * from './h2-unix-client';
export * from './hpack';
export * from './ipamd-client';
export * from './messages';
export * from './proto-wire';
export * from './np-agent-client';
