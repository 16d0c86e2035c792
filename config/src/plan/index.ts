export * from './paper-node';
export * from './what-if';
export * from './svg-chart';
export * from './plan-cli';
