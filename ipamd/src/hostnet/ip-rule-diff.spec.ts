import { diffIpRules, ruleFromState } from './ip-rule-diff';

describe('diffIpRules', () => {
  const fw = { family: 4 as const, priority: 1024, table: 'main' as const, fwmark: '0x80/0x80' };
  const svc = { family: 4 as const, priority: 1535, table: 'main' as const, to: '10.96.0.0/16' };

  it('adds what is missing and leaves plugin-owned priorities alone', () => {
    const pod = { family: 4 as const, priority: 512, table: 'main' as const, to: '10.99.1.5/32' };
    expect(diffIpRules([pod], [fw, svc])).toEqual({ add: [fw, svc], del: [] });
  });

  it('deletes stale external-service rules and duplicates', () => {
    const old = { ...svc, to: '10.95.0.0/16' };
    expect(diffIpRules([fw, fw, old], [fw])).toEqual({ add: [], del: [fw, old] });
  });

  it('reads ip -j rule entries', () => {
    expect(ruleFromState(4, { priority: 1024, table: 'main', fwmark: '0x80', fwmask: '0x80' })).toEqual(fw);
    expect(ruleFromState(4, { priority: 1535, table: 'main', dst: '10.96.0.0', dstlen: 16 })).toEqual(svc);
  });
});
