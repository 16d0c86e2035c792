import { applyFilters, paginate } from './filters';

const items = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'c3'].map((id) => ({ id, tags: id[0] }));
const fields = (i: { id: string; tags: string }, n: string): string[] | undefined =>
  n === 'id' ? [i.id] : n === 'letter' ? [i.tags] : undefined;

describe('filters', () => {
  it('ORs values within a filter, ANDs filters, supports wildcards', () => {
    expect(applyFilters(items, [{ name: 'letter', values: ['a', 'c'] }], fields, undefined).map((i) => i.id)).toEqual([
      'a1',
      'a2',
      'c1',
      'c2',
      'c3',
    ]);
    expect(
      applyFilters(
        items,
        [
          { name: 'letter', values: ['c'] },
          { name: 'id', values: ['*2'] },
        ],
        fields,
        undefined,
      ).map((i) => i.id),
    ).toEqual(['c2']);
    expect(applyFilters(items, [{ name: 'id', values: ['?1'] }], fields, undefined).map((i) => i.id)).toEqual([
      'a1',
      'b1',
      'c1',
    ]);
  });
  it('rejects unknown filter names', () => {
    expect(() => applyFilters(items, [{ name: 'colour', values: ['x'] }], fields, items[0])).toThrow(
      /The filter 'colour' is invalid/,
    );
  });
});

describe('paginate', () => {
  const opts = { min: 2, max: 5, action: 'X' };
  it('walks pages with NextToken until none is left', () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const p = paginate(items, (i) => i.id, { ...opts, maxResults: 3, nextToken: token });
      seen.push(...p.items.map((i) => i.id));
      token = p.nextToken;
      pages++;
    } while (token);
    expect(seen).toEqual(items.map((i) => i.id));
    expect(pages).toBe(3);
  });
  it('survives deletions between pages', () => {
    const p1 = paginate(items, (i) => i.id, { ...opts, maxResults: 2 });
    const rest = items.filter((i) => i.id !== 'b1');
    const p2 = paginate(rest, (i) => i.id, { ...opts, maxResults: 2, nextToken: p1.nextToken });
    expect(p2.items.map((i) => i.id)).toEqual(['b2', 'c1']);
  });
  it('rejects bad MaxResults and foreign tokens', () => {
    expect(() => paginate(items, (i) => i.id, { ...opts, maxResults: 1 })).toThrow(/between 2 and 5/);
    expect(() => paginate(items, (i) => i.id, { ...opts, nextToken: 'garbage' })).toThrow(/invalid/);
    const t = paginate(items, (i) => i.id, { ...opts, maxResults: 2 }).nextToken;
    expect(() => paginate(items, (i) => i.id, { ...opts, action: 'Y', nextToken: t })).toThrow(/invalid/);
  });
});
