/** One table as iptables-save prints it: declared chains and, per chain, its rules in order. */
export interface SavedTable {
  readonly chains: ReadonlySet<string>;
  readonly rules: Readonly<Record<string, readonly string[]>>;
}

/** table name -> table. */
export type SavedRules = Readonly<Record<string, SavedTable>>;

/**
 * Parses `iptables-save` / `ip6tables-save` output (legacy or nft flavour). Rules keep the exact text after
 * `-A <chain> `, which is also what `-D <chain> <spec>` takes back.
 */
export function parseIptablesSave(text: string): SavedRules {
  const out: Record<string, { chains: Set<string>; rules: Record<string, string[]> }> = {};
  let cur: { chains: Set<string>; rules: Record<string, string[]> } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      cur = out[line.slice(1)] ??= { chains: new Set(), rules: {} };
    } else if (line === 'COMMIT') {
      cur = undefined;
    } else if (cur && line.startsWith(':')) {
      cur.chains.add(line.slice(1).split(' ')[0]);
    } else if (cur && line.startsWith('-A ')) {
      const rest = line.slice(3);
      const sp = rest.indexOf(' ');
      const chain = sp < 0 ? rest : rest.slice(0, sp);
      (cur.rules[chain] ??= []).push(sp < 0 ? '' : rest.slice(sp + 1));
    }
  }
  return out;
}
