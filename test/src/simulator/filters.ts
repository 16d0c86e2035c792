import { Ec2Error, invalidCombination, invalidValue } from './ec2-error';
import { type Filter } from './query-params';
import { type Tags } from './model';

/** Values a resource has for a filter name; undefined when the filter name is not supported. */
export type FilterFields<T> = (item: T, name: string) => readonly string[] | undefined;

function matcher(value: string): (s: string) => boolean {
  if (!/[*?]/.test(value)) return (s) => s === value;
  const re = new RegExp(
    `^${value
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (s) => re.test(s);
}

/** Tag filter fields shared by every resource: tag:<key>, tag-key, tag-value. */
export function tagFields(tags: Tags, name: string): readonly string[] | undefined {
  if (name.startsWith('tag:')) {
    const v = tags.get(name.slice(4));
    return v === undefined ? [] : [v];
  }
  if (name === 'tag-key') return [...tags.keys()];
  if (name === 'tag-value') return [...tags.values()];
  return undefined;
}

/**
 * Applies EC2 filters: an item passes when, for every filter, one of its values matches one of the filter's
 * values (`*` and `?` wildcards). An unknown filter name is InvalidParameterValue, as in EC2.
 */
export function applyFilters<T>(
  items: readonly T[],
  filters: readonly Filter[],
  fields: FilterFields<T>,
  probe: T | undefined,
): T[] {
  const compiled = filters.map((f) => {
    if (probe !== undefined && fields(probe, f.name) === undefined)
      throw invalidValue(`The filter '${f.name}' is invalid`);
    if (f.values.length === 0) throw invalidValue(`The filter '${f.name}' needs at least one value`);
    return { name: f.name, ms: f.values.map(matcher) };
  });
  if (!compiled.length) return [...items];
  return items.filter((it) =>
    compiled.every(({ name, ms }) => {
      const vals = fields(it, name);
      if (vals === undefined) throw invalidValue(`The filter '${name}' is invalid`);
      return vals.some((v) => ms.some((m) => m(v)));
    }),
  );
}

/** Checks filter names even when there is nothing to filter (so a typo is reported on an empty result too). */
export function checkFilterNames(filters: readonly Filter[], known: (name: string) => boolean): void {
  for (const f of filters) if (!known(f.name)) throw invalidValue(`The filter '${f.name}' is invalid`);
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * EC2 pagination: items sorted by key, NextToken names the last key returned (so concurrent changes neither repeat
 * nor skip surviving items). MaxResults outside [min, max] is InvalidParameterValue.
 */
export function paginate<T>(
  items: readonly T[],
  key: (t: T) => string,
  opts: { maxResults?: number; nextToken?: string; min: number; max: number; action: string },
): Page<T> {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  if (opts.nextToken !== undefined) {
    let after: string | undefined;
    try {
      const decoded = JSON.parse(Buffer.from(opts.nextToken, 'base64url').toString('utf8')) as {
        a?: string;
        k?: string;
      };
      if (decoded.a === opts.action && typeof decoded.k === 'string') after = decoded.k;
    } catch {
      after = undefined;
    }
    if (after === undefined) throw new Ec2Error('InvalidNextToken', `The token '${opts.nextToken}' is invalid`);
    start = sorted.findIndex((t) => key(t) > after!);
    if (start < 0) start = sorted.length;
  }
  if (opts.maxResults === undefined) return { items: sorted.slice(start) };
  if (opts.maxResults < opts.min || opts.maxResults > opts.max) {
    throw invalidValue(
      `Value ( ${opts.maxResults} ) for parameter maxResults is invalid. Expecting a value between ${opts.min} and ${opts.max}.`,
    );
  }
  const page = sorted.slice(start, start + opts.maxResults);
  const more = start + opts.maxResults < sorted.length;
  return {
    items: page,
    nextToken: more
      ? Buffer.from(JSON.stringify({ a: opts.action, k: key(page[page.length - 1]) })).toString('base64url')
      : undefined,
  };
}

/** EC2 rejects ids together with MaxResults on several Describe calls. */
export function rejectIdsWithMaxResults(ids: readonly string[], maxResults: number | undefined, idParam: string): void {
  if (ids.length && maxResults !== undefined) {
    throw invalidCombination(`The parameter ${idParam} cannot be used with the parameter maxResults`);
  }
}
