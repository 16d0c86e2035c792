export * from './instance-limits';
