/** `@vpc-cni-ts/aws-cni`: the aws-cni plugin (config schema, plans, handlers, lean ipamd client). */
export * from './config';
export * from './naming';
export * from './plan';
export * from './result';
export { AWS_CNI_INFO, createAwsCniHandlers, IPAMD_SOCKET_ENV, type AwsCniFactories } from './plugin';
