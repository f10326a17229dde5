import YAML from 'yaml';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { spanOf, type SourceFile, type Span } from '../source/index.js';

/** A parsed YAML document with a way back to source positions (for file:line:column in findings). */
export interface YamlDocument {
  readonly value: unknown;
  readonly doc: YAML.Document.Parsed;
  readonly file: SourceFile;
  readonly index: number;
}

/**
 * Parses a multi-document YAML file. Syntax errors become SP0008 at their position; aliases are capped so a
 * "billion laughs" document fails fast instead of expanding.
 */
export function parseYamlFile(file: SourceFile): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  const docs = YAML.parseAllDocuments(file.text, { prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    for (const e of doc.errors) diagnostics.push(diagnostic('SP0008', spanOf(file, e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)), { reason: e.message.split('\n')[0] ?? e.message }));
    if (doc.errors.length) return;
    try {
      const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
      if (value !== null && value !== undefined) documents.push({ value, doc, file, index });
    } catch (e) {
      diagnostics.push(diagnostic('SP0008', spanOf(file, 0, 1), { reason: (e as Error).message }));
    }
  });
  return { documents, diagnostics };
}

/** The span of the node at a path in a document (for pointing at an offending field). */
export function spanAt(d: YamlDocument, path: readonly (string | number)[]): Span {
  const node = d.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const range = node?.range ?? (d.doc.contents as { range?: [number, number, number] } | null)?.range;
  return spanOf(d.file, range?.[0] ?? 0, range?.[1] ?? 1);
}
