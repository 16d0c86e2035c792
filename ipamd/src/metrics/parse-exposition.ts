// SPDX-License-Identifier: Apache-2.0

/** One metric family read back from the Prometheus text format. */
export interface ParsedFamily {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: { name: string; labels: Record<string, string>; value: number }[];
}

/**
 * Parse the Prometheus text exposition format (0.0.4) into families keyed by name; throws naming the line on
 * anything malformed. Used by tests and tools that scrape `/metrics`.
 */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const fams = new Map<string, ParsedFamily>();
  const fam = (name: string) => {
    let f = fams.get(name);
    if (!f) fams.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    return f;
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') fam(meta[2]!).type = meta[3]!;
      else fam(meta[2]!).help = meta[3]!;
      return;
    }
    if (line.startsWith('#')) return;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`exposition line ${i + 1} is malformed: ${line}`);
    const labels: Record<string, string> = {};
    const lre = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    const body = m[2] ?? '';
    let lm: RegExpExecArray | null;
    let consumed = 0;
    while ((lm = lre.exec(body))) {
      labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = lre.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`exposition line ${i + 1} has malformed labels: ${line}`);
    const v = m[3]!;
    const value = v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
    if (Number.isNaN(value) && v.toLowerCase() !== 'nan')
      throw new Error(`exposition line ${i + 1} has a bad value: ${line}`);
    const sample = m[1]!;
    const base = [...fams.keys()].find(
      (f) => sample === f || ['_bucket', '_sum', '_count', '_total', '_created'].some((s) => sample === f + s),
    );
    fam(base ?? sample).samples.push({ name: sample, labels, value });
  });
  return fams;
}
