export * from './plugin-logger';
