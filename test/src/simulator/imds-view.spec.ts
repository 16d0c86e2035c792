import { ImdsHistory, type ImdsView } from './imds-view';

const view = (n: number): ImdsView => ({ instanceId: `v${n}`, interfaces: new Map() }) as unknown as ImdsView;

describe('ImdsHistory', () => {
  it('shows the newest view recorded at or before now - lag', () => {
    const h = new ImdsHistory(() => 100);
    h.record('i', -Infinity, view(0));
    h.record('i', 1000, view(1));
    h.record('i', 1050, view(2));
    expect(h.viewAt('i', 1099)?.instanceId).toBe('v0');
    expect(h.viewAt('i', 1100)?.instanceId).toBe('v1');
    expect(h.viewAt('i', 1149)?.instanceId).toBe('v1');
    expect(h.viewAt('i', 1150)?.instanceId).toBe('v2');
    expect(h.viewAt('other', 5000)).toBeUndefined();
  });
  it('keeps order when a transition is recorded with an earlier time', () => {
    const h = new ImdsHistory(() => 10);
    h.record('i', 20, view(1)); // a change at now = 20
    h.record('i', 15, view(0)); // a transition that completed at 15, settled later
    expect(h.viewAt('i', 25)?.instanceId).toBe('v0');
    expect(h.viewAt('i', 30)?.instanceId).toBe('v1');
  });
  it('stays small when nobody reads (many changes, bounded history)', () => {
    const h = new ImdsHistory(() => 100);
    for (let t = 0; t < 100_000; t += 10) h.record('i', t, view(t));
    expect(h.viewAt('i', 99_990)?.instanceId).toBe('v99890');
    expect(h.viewAt('i', 100_090)?.instanceId).toBe('v99990');
    expect((h as unknown as { byInstance: Map<string, unknown[]> }).byInstance.get('i')!.length).toBeLessThanOrEqual(
      12,
    );
  });
});
