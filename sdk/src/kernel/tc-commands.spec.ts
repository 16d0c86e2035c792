// SPDX-License-Identifier: Apache-2.0
import { parseFilters, parseQdiscs, tbfOp, tcBatchLine, validateTcId } from './tc-commands';

describe('tc', () => {
  it('batch lines', () => {
    expect(tcBatchLine(tbfOp({ dev: 'eni1', rateBitsPerSec: 4_000_000, burstBytes: 32768 }))).toBe(
      'qdisc replace dev eni1 root tbf rate 4000000bit burst 32768 latency 25ms',
    );
    expect(tcBatchLine(tbfOp({ dev: 'ifb0', rateBitsPerSec: 1000, burstBytes: 10, limitBytes: 5000 }))).toBe(
      'qdisc replace dev ifb0 root tbf rate 1000bit burst 10 limit 5000',
    );
    expect(tcBatchLine({ kind: 'ingress', dev: 'eni1' })).toBe('qdisc add dev eni1 handle ffff: ingress');
    expect(tcBatchLine({ kind: 'redirect', dev: 'eni1', ifb: 'ifb0' })).toBe(
      'filter add dev eni1 parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev ifb0',
    );
    expect(tcBatchLine({ kind: 'delete-qdisc', dev: 'eni1', which: 'ingress' })).toBe('qdisc del dev eni1 ingress');
    expect(() => tbfOp({ dev: 'eni1', rateBitsPerSec: 1.5, burstBytes: 1 })).toThrow(
      expect.objectContaining({ kind: 'invalid-argument' }),
    );
    expect(() => tbfOp({ dev: 'bad dev', rateBitsPerSec: 1, burstBytes: 1 })).toThrow(/interface name/);
  });

  it('sets a tbf handle and a u32 flowid when asked (the reference bandwidth plugin uses 1: and 1:1)', () => {
    expect(
      tcBatchLine(tbfOp({ dev: 'veth1', rateBitsPerSec: 8000, burstBytes: 1600, limitBytes: 5000, handle: '1:' })),
    ).toBe('qdisc replace dev veth1 root handle 1: tbf rate 8000bit burst 1600 limit 5000');
    expect(tcBatchLine({ kind: 'redirect', dev: 'veth1', ifb: 'bwp0', flowid: '1:1' })).toBe(
      'filter add dev veth1 parent ffff: protocol all prio 1 u32 match u32 0 0 flowid 1:1 action mirred egress redirect dev bwp0',
    );
    for (const handle of ['1', '1:1', 'ffff0:', ' 1:', '1: root', 'X:']) {
      expect(() => tbfOp({ dev: 'veth1', rateBitsPerSec: 8, burstBytes: 1, handle })).toThrow(
        expect.objectContaining({ kind: 'invalid-argument', message: expect.stringContaining('handle') }),
      );
    }
    for (const flowid of ['1:', '1', '1:1 action drop', '1:10000']) {
      expect(() => validateTcId(flowid, 'flowid')).toThrow(
        expect.objectContaining({ kind: 'invalid-argument', message: expect.stringContaining(JSON.stringify(flowid)) }),
      );
    }
    expect(validateTcId('ffff:fff1', 'flowid')).toBe('ffff:fff1');
  });

  it('parses qdiscs (tbf rate in bytes/s -> bit/s) and filters (skipping u32 hash tables)', () => {
    expect(
      parseQdiscs([
        { kind: 'tbf', handle: '8001:', dev: 'v1', root: true, options: { rate: 500000, burst: 16384, lat: 25000 } },
        { kind: 'ingress', handle: 'ffff:', dev: 'v1', parent: 'ffff:fff1', options: {} },
      ]),
    ).toEqual([
      { dev: 'v1', kind: 'tbf', handle: '8001:', root: true, rateBitsPerSec: 4_000_000, burstBytes: 16384 },
      { dev: 'v1', kind: 'ingress', handle: 'ffff:', root: false, parent: 'ffff:fff1' },
    ]);
    const filters = [
      { parent: 'ffff:', protocol: 'all', pref: 1, kind: 'u32', chain: 0 },
      { parent: 'ffff:', protocol: 'all', pref: 1, kind: 'u32', chain: 0, options: { fh: '800:', ht_divisor: 1 } },
      {
        parent: 'ffff:',
        protocol: 'all',
        pref: 1,
        kind: 'u32',
        chain: 0,
        options: { fh: '800::800', actions: [{ order: 1, kind: 'mirred', to_dev: 'ifbx' }] },
      },
    ];
    expect(parseFilters(filters, 'v1')).toEqual([
      { dev: 'v1', kind: 'u32', protocol: 'all', pref: 1, redirectTo: 'ifbx' },
    ]);
    const withFlowid = [{ ...filters[2], options: { ...filters[2].options, flowid: '1:1' } }];
    expect(parseFilters(withFlowid, 'v1')).toEqual([
      { dev: 'v1', kind: 'u32', protocol: 'all', pref: 1, redirectTo: 'ifbx', flowid: '1:1' },
    ]);
  });
});
