export * from './net-conf';
export * from './pod-identity';
