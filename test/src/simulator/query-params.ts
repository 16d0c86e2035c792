import { Ec2Error, invalidValue, missing } from './ec2-error';

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

export interface TagPair {
  readonly key: string;
  readonly value: string;
}

/**
 * The parameters of one EC2 Query request (`Action=...&Name.1=...`), with typed readers that throw the EC2
 * errors AWS gives for missing or malformed values.
 */
export class QueryParams {
  private readonly map = new Map<string, string>();

  constructor(body: string) {
    for (const [k, v] of new URLSearchParams(body)) this.map.set(k, v);
  }

  get action(): string | undefined {
    return this.map.get('Action');
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  required(name: string): string {
    const v = this.map.get(name);
    if (v === undefined || v === '') throw missing(name);
    return v;
  }

  int(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw invalidValue(`Invalid value '${v}' for ${name}: not an integer`);
    const n = Number(v);
    if (n < min || n > max)
      throw invalidValue(`Value (${n}) for parameter ${name} is invalid. Expected ${min}..${max}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalidValue(`Invalid value '${v}' for ${name}: expected true or false`);
  }

  /** A flattened list `Name.1, Name.2, ...` in index order. */
  list(prefix: string): string[] {
    const found: [number, string][] = [];
    const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
    for (const [k, v] of this.map) {
      const m = re.exec(k);
      if (m) found.push([Number(m[1]), v]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** Indexes N present as `prefix.N.<anything>`. */
  private indexes(prefix: string): number[] {
    const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`);
    const s = new Set<number>();
    for (const k of this.map.keys()) {
      const m = re.exec(k);
      if (m) s.add(Number(m[1]));
    }
    return [...s].sort((a, b) => a - b);
  }

  /** `Filter.N.Name` / `Filter.N.Value.M`. */
  filters(): Filter[] {
    return this.indexes('Filter').map((i) => {
      const name = this.map.get(`Filter.${i}.Name`);
      if (!name) throw missing(`Filter.${i}.Name`);
      return { name, values: this.list(`Filter.${i}.Value`) };
    });
  }

  /** `<prefix>.N.Key` / `<prefix>.N.Value`. */
  tags(prefix: string): TagPair[] {
    return this.indexes(prefix).map((i) => {
      const key = this.map.get(`${prefix}.${i}.Key`);
      if (key === undefined || key === '') throw missing(`${prefix}.${i}.Key`);
      if (key.length > 128 || key.toLowerCase().startsWith('aws:')) {
        throw new Ec2Error('InvalidParameterValue', `Tag key '${key}' is not allowed`);
      }
      return { key, value: this.map.get(`${prefix}.${i}.Value`) ?? '' };
    });
  }

  /** `TagSpecification.N.ResourceType` with its tags. */
  tagSpecifications(): { resourceType: string; tags: TagPair[] }[] {
    return this.indexes('TagSpecification').map((i) => ({
      resourceType: this.map.get(`TagSpecification.${i}.ResourceType`) ?? '',
      tags: this.tags(`TagSpecification.${i}.Tag`),
    }));
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
