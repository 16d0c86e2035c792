import { type IpRuleSpec } from './desired-rules';
import {
  diffIpRules,
  type IpRuleState,
  type IpRuleStep,
  type KernelIpRule,
  ownsIpRule,
  ruleFromState,
} from './ip-rule-diff';

const fw = { family: 4 as const, priority: 1024, table: 'main' as const, fwmark: '0x80/0x80' };
const svc = { family: 4 as const, priority: 1535, table: 'main' as const, to: '10.96.0.0/16' };
const local = (family: 4 | 6, priority: number): IpRuleSpec => ({ family, priority, table: 'local' });
const gw6: IpRuleSpec = { family: 6, priority: 0, table: 'local', from: 'fe80:ec2::1', ipproto: 58 };
const mainDefault: KernelIpRule = { family: 4, priority: 32766, table: 'main' };
const pod512: KernelIpRule = { family: 4, priority: 512, table: 'main', to: '10.99.1.5' };
const pod1536: KernelIpRule = { family: 4, priority: 1536, table: '3', from: '10.99.1.5' };
const vlan10: KernelIpRule = { family: 4, priority: 10, table: '101', other: 'iif="vlan.eth.1"' };
const eni32765: KernelIpRule = { family: 4, priority: 32765, table: '2', from: '10.99.1.20' };

/** Plays the plan on a list the way the kernel does: add after same-or-lower priority, del the first match. */
function apply(current: readonly KernelIpRule[], steps: readonly IpRuleStep[]): KernelIpRule[] {
  const list = [...current];
  for (const { op, rule } of steps) {
    if (op === 'add') {
      let at = 0;
      list.forEach((o, i) => {
        if (o.family === rule.family && o.priority <= rule.priority) at = i + 1;
      });
      list.splice(at, 0, rule);
    } else {
      const i = list.findIndex(
        (r) =>
          r.family === rule.family &&
          r.priority === rule.priority &&
          r.table === rule.table &&
          (rule.from === undefined || r.from === rule.from) &&
          (rule.ipproto === undefined || r.ipproto === rule.ipproto) &&
          (rule.fwmark === undefined || r.fwmark === rule.fwmark) &&
          (rule.to === undefined || r.to === rule.to),
      );
      if (i < 0) throw new Error(`del of a rule that is not there: ${JSON.stringify(rule)}`);
      list.splice(i, 1);
    }
  }
  return list;
}

/** True when, after every step, a `from all lookup local` rule of the family exists (no gap in local delivery). */
function localNeverMissing(current: readonly KernelIpRule[], steps: readonly IpRuleStep[], family: 4 | 6): boolean {
  for (let i = 0; i <= steps.length; i++) {
    const now = apply(current, steps.slice(0, i));
    if (!now.some((r) => r.family === family && r.table === 'local' && !r.from && !r.ipproto && !r.other)) {
      return false;
    }
  }
  return true;
}

const norm = (l: readonly KernelIpRule[]): string[] => l.map((r) => JSON.stringify(r)).sort();

describe('diffIpRules', () => {
  it('adds what is missing and leaves plugin-owned priorities alone', () => {
    const pod = { family: 4 as const, priority: 512, table: 'main' as const, to: '10.99.1.5/32' };
    expect(diffIpRules([local(4, 0), pod], [fw, svc, local(4, 0)], 4)).toEqual({
      steps: [
        { op: 'add', rule: fw },
        { op: 'add', rule: svc },
      ],
      blocked: [],
    });
  });

  it('deletes stale external-service rules and duplicates, after adding', () => {
    const old = { ...svc, to: '10.95.0.0/16' };
    const plan = diffIpRules([local(4, 0), fw, fw, old], [fw, svc, local(4, 0)], 4);
    expect(plan.steps).toEqual([
      { op: 'add', rule: svc },
      { op: 'del', rule: fw },
      { op: 'del', rule: old },
    ]);
  });

  // current kernel rules, desired, family in use, expected rule set afterwards (as a set)
  const node4 = [local(4, 0), pod512, vlan10, pod1536, eni32765, mainDefault];
  const node6: KernelIpRule[] = [local(6, 0), { family: 6, priority: 32766, table: 'main' }];
  it.each<[string, KernelIpRule[], IpRuleSpec[], 4 | 6, KernelIpRule[]]>([
    [
      'IPv4 strict: local moves 0 -> 20',
      node4,
      [local(4, 20)],
      4,
      [local(4, 20), pod512, vlan10, pod1536, eni32765, mainDefault],
    ],
    [
      'IPv4 back to standard: local restored at 0, 20 gone',
      [local(4, 20), pod512, vlan10, pod1536, eni32765, mainDefault],
      [local(4, 0)],
      4,
      node4,
    ],
    [
      'IPv6 strict: local to 20 plus the gateway ICMPv6 rule at 0',
      node6,
      [local(6, 20), gw6],
      6,
      [...node6.slice(1), local(6, 20), gw6],
    ],
    [
      'IPv6 back to standard: local at 0, the gateway rule removed too',
      [gw6, local(6, 20), node6[1]],
      [local(6, 0)],
      6,
      node6,
    ],
    [
      'IPv6 strict where someone put local back at 0 after the gateway rule: the gateway rule is in the way',
      [gw6, local(6, 0), local(6, 20), node6[1]],
      [local(6, 20), gw6],
      6,
      [gw6, local(6, 20), node6[1]],
    ],
    [
      'strict repair: local at 20 deleted by hand (no local rule at all) is put back',
      [pod512, mainDefault],
      [local(4, 20)],
      4,
      [local(4, 20), pod512, mainDefault],
    ],
    [
      'a duplicate local at 20 is removed, one stays',
      [local(4, 20), local(4, 20), mainDefault],
      [local(4, 20)],
      4,
      [local(4, 20), mainDefault],
    ],
  ])('%s', (_name, current, desired, family, after) => {
    const plan = diffIpRules(current, desired, family);
    expect(plan.blocked).toEqual([]);
    expect(norm(apply(current, plan.steps))).toEqual(norm(after));
    expect(localNeverMissing(current, plan.steps, family) || !current.some((r) => r.table === 'local')).toBe(true);
    // Every add comes before the first delete of a local rule it replaces, and a second pass has nothing to do.
    expect(diffIpRules(apply(current, plan.steps), desired, family).steps).toEqual([]);
  });

  it('orders the move add-before-delete in both directions', () => {
    expect(diffIpRules([local(4, 0)], [local(4, 20)], 4).steps).toEqual([
      { op: 'add', rule: local(4, 20) },
      { op: 'del', rule: local(4, 0) },
    ]);
    expect(diffIpRules([local(4, 20)], [local(4, 0)], 4).steps).toEqual([
      { op: 'add', rule: local(4, 0) },
      { op: 'del', rule: local(4, 20) },
    ]);
    expect(diffIpRules([gw6, local(6, 20)], [local(6, 0)], 6).steps).toEqual([
      { op: 'add', rule: local(6, 0) },
      { op: 'del', rule: gw6 },
      { op: 'del', rule: local(6, 20) },
    ]);
  });

  it('takes the gateway rule out of the way of a delete and puts it back after', () => {
    expect(diffIpRules([gw6, local(6, 0), local(6, 20)], [local(6, 20), gw6], 6).steps).toEqual([
      { op: 'del', rule: gw6 },
      { op: 'del', rule: local(6, 0) },
      { op: 'add', rule: gw6 },
    ]);
  });

  it('leaves a delete blocked rather than remove a rule it does not own that comes first', () => {
    const foreign: KernelIpRule = { family: 4, priority: 0, table: 'local', other: 'iif="lo"' };
    const plan = diffIpRules([foreign, local(4, 0)], [local(4, 20)], 4);
    expect(plan.steps).toEqual([{ op: 'add', rule: local(4, 20) }]);
    expect(plan.blocked).toEqual([local(4, 0)]);
  });

  it('manages only the local rules of the family in use', () => {
    const both = [local(4, 0), local(6, 0)];
    expect(diffIpRules(both, [local(4, 20)], 4).steps).toEqual([
      { op: 'add', rule: local(4, 20) },
      { op: 'del', rule: local(4, 0) },
    ]);
    expect(diffIpRules([local(4, 20), local(6, 0)], [local(6, 0)], 6).steps).toEqual([]);
  });

  it.each<[string, KernelIpRule, boolean]>([
    ['local at 0', local(4, 0), true],
    ['local at 20', local(4, 20), true],
    ['local at 5', local(4, 5), false],
    ['local with iif', { ...local(4, 0), other: 'iif="lo"' }, false],
    ['local from an address', { ...local(4, 0), from: '10.99.0.1' }, false],
    ['IPv4 "gateway" rule', { ...gw6, family: 4 }, false],
    ['pod rule at 512', pod512, false],
    ['strict VLAN rule at 10', vlan10, false],
    ['pod rule at 1536', pod1536, false],
    ['ENI rule at 32765', eni32765, false],
    ['main at 32766', mainDefault, false],
    ['fwmark at 1024', fw, true],
  ])('owns %s: %s', (_name, rule, owned) => {
    expect(ownsIpRule(rule, rule.family)).toBe(owned);
  });

  it('owns the IPv6 gateway rule only in IPv6 mode', () => {
    expect(ownsIpRule(gw6, 6)).toBe(true);
    expect(ownsIpRule(gw6, 4)).toBe(false);
  });
});

describe('ruleFromState', () => {
  it.each<[IpRuleState & Record<string, unknown>, 4 | 6, KernelIpRule]>([
    [{ priority: 1024, table: 'main', fwmark: '0x80', fwmask: '0x80' }, 4, fw],
    [{ priority: 1535, table: 'main', dst: '10.96.0.0', dstlen: 16 }, 4, svc],
    [{ priority: 0, src: 'all', table: 'local' }, 4, local(4, 0)],
    [{ priority: 0, src: 'fe80:ec2::1', ipproto: 'ipv6-icmp', table: 'local' }, 6, gw6],
    [{ priority: 0, src: 'fe80:ec2::1', ipproto: '58', table: 'local' }, 6, gw6],
    [{ priority: 0, src: 'all', iif: 'lo', table: 'local' }, 4, { ...local(4, 0), other: 'iif="lo"' }],
    [
      { priority: 0, not: null, src: 'fd99::1', table: 'local' },
      6,
      { ...local(6, 0), from: 'fd99::1', other: 'not=null' },
    ],
    [{ priority: 0, src: 'all', ipproto: 'sctp', table: 'local' }, 4, { ...local(4, 0), other: 'ipproto=sctp' }],
    [{ priority: 0, src: 'all', table: 'local', protocol: 'kernel' }, 4, local(4, 0)],
  ])('reads %j', (state, family, expected) => {
    expect(ruleFromState(family, state)).toEqual(expected);
  });

  it('a /32 external-service CIDR matches the kernel printing it without a length', () => {
    const host = { family: 4 as const, priority: 1535, table: 'main' as const, to: '10.96.0.1/32' };
    const kernel = ruleFromState(4, { priority: 1535, table: 'main', dst: '10.96.0.1' });
    expect(diffIpRules([local(4, 0), kernel], [local(4, 0), host], 4).steps).toEqual([]);
  });
});
