import { type HostNetSettings } from './settings';

/** Settings of a default IPv4 node, for tests. */
export const baseSettings: HostNetSettings = Object.freeze({
  ipv6Mode: false,
  primaryInterface: 'eth0',
  primaryIPv4: '10.99.0.10',
  vpcCidrs: ['10.99.0.0/16'],
  excludeSnatCidrs: [],
  externalSnat: false,
  randomizeSnat: 'prng',
  nodePortSupport: true,
  connmark: 0x80,
  vethPrefix: 'eni',
  externalServiceCidrs: [],
  v6Egress: false,
  connmarkBackend: 'iptables',
  enablePodEni: false,
  podSecurityGroupEnforcingMode: 'standard',
});
