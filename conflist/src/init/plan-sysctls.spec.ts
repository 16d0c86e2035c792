// SPDX-License-Identifier: Apache-2.0
import { planSysctls } from './plan-sysctls';

const base = { disableTcpEarlyDemux: false, enableIpv6: false, v6Egress: false };

describe('planSysctls', () => {
  it('sets loose rp_filter on the primary interface and early demux on by default', () => {
    expect(planSysctls(base, 'ens5')).toEqual([
      { key: 'net/ipv4/conf/ens5/rp_filter', value: '2' },
      { key: 'net/ipv4/tcp_early_demux', value: '1', ifExists: true },
    ]);
  });
  it('turns early demux off with DISABLE_TCP_EARLY_DEMUX', () => {
    expect(planSysctls({ ...base, disableTcpEarlyDemux: true }, 'eth0')[1]).toEqual({
      key: 'net/ipv4/tcp_early_demux',
      value: '0',
      ifExists: true,
    });
  });
  it('for an IPv6 cluster enables IPv6, forwarding and accept_ra=2', () => {
    expect(planSysctls({ ...base, enableIpv6: true }, 'eth0').slice(2)).toEqual([
      { key: 'net/ipv6/conf/all/disable_ipv6', value: '0' },
      { key: 'net/ipv6/conf/all/forwarding', value: '1' },
      { key: 'net/ipv6/conf/eth0/accept_ra', value: '2' },
    ]);
  });
  it('for v6 egress only sets forwarding and accept_ra', () => {
    expect(planSysctls({ ...base, v6Egress: true }, 'eth0').slice(2)).toEqual([
      { key: 'net/ipv6/conf/all/forwarding', value: '1' },
      { key: 'net/ipv6/conf/eth0/accept_ra', value: '2' },
    ]);
  });
});
