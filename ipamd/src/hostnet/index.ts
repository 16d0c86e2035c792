export * from './desired-rules';
export * from './eni-network';
export * from './firewall-diff';
export * from './host-firewall';
export * from './host-network-reconciler';
export * from './ip-rule-diff';
export * from './iptables-save';
export * from './settings';
