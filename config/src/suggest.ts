/** Edit distance (insert, delete, substitute, each cost 1) between two strings, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * Up to `limit` candidates closest to `input` by edit distance, best first (ties in candidate order), keeping only
 * those within `maxDistance` (default: a third of the input's length, at least 2). Returns [] when nothing is close.
 */
export function closestNames(input: string, candidates: readonly string[], limit = 3, maxDistance?: number): string[] {
  const bound = maxDistance ?? Math.max(2, Math.ceil(input.length / 3));
  return candidates
    .map((name, index) => ({ name, index, d: editDistance(input, name) }))
    .filter((c) => c.d <= bound)
    .sort((x, y) => x.d - y.d || x.index - y.index)
    .slice(0, limit)
    .map((c) => c.name);
}

/** " did you mean a, b or c?" or "" — for appending to an error message. */
export function didYouMean(input: string, candidates: readonly string[], limit = 3): string {
  const names = closestNames(input, candidates, limit);
  if (names.length === 0) return '';
  const quoted = names.map((n) => `'${n}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return `; did you mean ${list}?`;
}
