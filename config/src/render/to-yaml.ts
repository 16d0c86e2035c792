import { stringify } from 'yaml';
import type { KubeObject } from './kube-object';

/**
 * One multi-document YAML stream ("---" between documents), preceded by `header` lines as comments. Strings that
 * YAML would read as another type ("true", "9001", "0x80") are quoted, so env values stay strings. Pure.
 */
export function toYaml(objects: readonly KubeObject[], header: readonly string[] = []): string {
  const head = header.map((l) => `# ${l}\n`).join('');
  const docs = objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }));
  return head + docs.map((d) => `---\n${d}`).join('');
}
