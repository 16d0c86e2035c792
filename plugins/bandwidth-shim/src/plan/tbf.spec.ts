import { ticksPerUsecFromPsched, tbfParams } from './tbf';
import { ifbName } from './ifb-name';

describe('tbfParams (reference createTBF math)', () => {
  it.each([
    // rateBits, burstBits -> rateBytes, burstBytes, bufferTicks, limitBytes (observed from the reference: 8Mbit/100000b, 4Mbit/50000b)
    [8_000_000, 800_000, 1_000_000, 100_000, 1_562_500, 125_000],
    [4_000_000, 400_000, 500_000, 50_000, 1_562_500, 62_500],
    [8_000_000, 160_000, 1_000_000, 20_000, 312_500, 45_000],
    [1_000_000_000, 80_000_000, 125_000_000, 10_000_000, 1_250_000, 13_125_000],
  ])('rate %d burst %d', (rate, burst, rb, bb, ticks, limit) => {
    const p = tbfParams(rate, burst);
    expect(p).toEqual({
      rateBytes: rb,
      burstBytes: bb,
      tcBurstBytes: bb,
      bufferTicks: ticks,
      limitBytes: limit,
      clamped: false,
    });
  });

  it('truncates non-multiples of 8 like integer division', () => {
    const p = tbfParams(8_000_007, 800_007);
    expect(p.rateBytes).toBe(1_000_000);
    expect(p.burstBytes).toBe(100_000);
  });

  it("clamps containerd's 4294967295-bit burst at low rates instead of wrapping the 32-bit tick counter", () => {
    const p = tbfParams(10_000_000, 4_294_967_295);
    expect(p.clamped).toBe(true);
    expect(p.bufferTicks).toBeLessThanOrEqual(0xffffffff);
    expect(p.burstBytes).toBeGreaterThan(300_000_000);
    expect(p.burstBytes).toBeLessThan(536_870_911);
    expect(p.limitBytes).toBe(Math.trunc(1_250_000 * 0.025) + p.burstBytes);
  });

  it('hands tc the byte count that lands on the reference tick count when ticks truncate', () => {
    // containerd's burst at 50 Mbit/s: the reference truncates to 1342177265 ticks = 85899344960 ns.
    const p = tbfParams(50_000_000, 4_294_967_295);
    expect(p.bufferTicks).toBe(1_342_177_265);
    expect(p.burstBytes).toBe(536_870_911);
    expect(p.tcBurstBytes).toBe(536_870_906);
  });

  it('does not clamp the same burst at a high rate', () => {
    expect(tbfParams(100_000_000_000, 4_294_967_295).clamped).toBe(false);
  });

  it('reads ticks per microsecond from /proc/net/psched', () => {
    expect(ticksPerUsecFromPsched('000003e8 00000040 000f4240 3b9aca00\n')).toBe(15.625);
    expect(ticksPerUsecFromPsched('00000001 00000001 000f4240 00000064')).toBe(1);
    expect(ticksPerUsecFromPsched('garbage')).toBe(15.625);
  });
});

describe('ifbName', () => {
  it('is bwp + 12 hex of sha512(network name + container id), as observed from the reference', () => {
    expect(ifbName('probenet', 'probe-ctr-1')).toBe('bwpd7d30e1b6e7b');
    expect(ifbName('vctnet', 'vct-ctr-1')).toBe('bwp036889a8c0ed');
    expect(ifbName('vctnet', 'vct-ctr-1')).toHaveLength(15);
  });
});
