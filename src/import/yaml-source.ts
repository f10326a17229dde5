import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Staged } from '../diagnostics/index.js';
import { parseYamlFile } from '../suite/index.js';
import { spanOf, type SourceFile, type Span } from '../source/index.js';

/** One YAML document of a foreign artifact file, with its parsed value and the syntax tree that locates its fields. */
export interface YamlDoc {
  readonly file: SourceFile;
  readonly index: number;
  readonly value: unknown;
  readonly node: Node | null;
  /** The whole document. */
  readonly span: Span;
}

export type YamlPath = readonly (string | number)[];

/**
 * Every non-empty document of a file, read as Kubernetes reads manifests (src/suite/yaml.ts: YAML 1.1 as go-yaml
 * resolves it, and what Go's reader accepts beyond the specification, with an SP0031 warning); a malformed
 * document is SP0008 at its error, the others are kept.
 */
export function readYamlDocuments(file: SourceFile): Staged<YamlDoc[]> {
  const parsed = parseYamlFile(file);
  const docs: YamlDoc[] = parsed.documents
    .filter((d) => d.value !== null && d.value !== undefined)
    .map((d) => ({ file, index: d.index, value: d.value, node: d.doc.contents as Node | null, span: spanOf(file, d.doc.range[0], d.doc.range[2]) }));
  return { value: docs, diagnostics: parsed.diagnostics };
}

/**
 * The span of the field at `path` in the document (its key for a map entry, the item for a list element),
 * else of the deepest ancestor found: diagnostics point at the construct, never only at the file.
 */
export function spanAt(doc: YamlDoc, path: YamlPath): Span {
  let node: unknown = doc.node;
  let best: [number, number] | undefined = rangeOf(node);
  for (const step of path) {
    if (typeof step === 'number' && isSeq(node)) {
      node = node.items[step];
      best = rangeOf(node) ?? best;
    } else if (typeof step === 'string' && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === step);
      if (!pair) break;
      best = rangeOf(pair.key) ?? best;
      node = pair.value;
    } else break;
  }
  return best ? spanOf(doc.file, best[0], best[1]) : doc.span;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}
