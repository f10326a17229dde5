import YAML from 'yaml';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { spanOf, type SourceFile, type Span } from '../source/index.js';
import { rewriteUnderIndentedQuotedScalars } from './go-yaml-leniency.js';
import { kubernetesYamlOptions, toKubernetesJson } from './kubernetes-yaml.js';

/** A parsed YAML document with a way back to source positions (for file:line:column in findings). */
export interface YamlDocument {
  readonly value: unknown;
  readonly doc: YAML.Document.Parsed;
  readonly file: SourceFile;
  readonly index: number;
}

/**
 * Parses a multi-document YAML file as Kubernetes reads manifests (YAML 1.1 as go-yaml v2 resolves it, keys as
 * sigs.k8s.io/yaml converts them: kubernetes-yaml.ts). Syntax errors and values Kubernetes cannot read (`.inf`, a
 * null key) become SP0008 at their position; aliases are capped so a "billion laughs" document fails fast.
 * What Go's reader accepts beyond the specification (a quoted scalar continued on an under-indented line:
 * go-yaml-leniency.ts) is read as Go reads it, with a warning (SP0031) at the scalar.
 */
export function parseYamlFile(file: SourceFile): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  let docs = YAML.parseAllDocuments(file.text, kubernetesYamlOptions);
  if ((Array.isArray(docs) ? docs : [docs]).some((d) => d.errors.length > 0)) {
    // Offsets are preserved by the rewrite, so every position below is a position in the file as written.
    const lenient = rewriteUnderIndentedQuotedScalars(file.text);
    if (lenient.scalars.length > 0) {
      docs = YAML.parseAllDocuments(lenient.text, kubernetesYamlOptions);
      for (const s of lenient.scalars) {
        diagnostics.push(diagnostic('SP0031', spanOf(file, s.start, s.end + 1), { reason: `this quoted value continues on line ${s.underIndentedLine}, indented no deeper than its key; Go's YAML reader (kubectl, Gatekeeper, Kyverno) reads it as one folded value, the YAML specification does not` }));
      }
    }
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const report = (start: number, end: number, reason: string) => diagnostics.push(diagnostic('SP0008', spanOf(file, start, Math.max(end, start + 1)), { reason }));
  list.forEach((doc, index) => {
    // An explicit !!bool, !!int, !!float or !!null tag on text of another kind fails in go-yaml (resolve.go).
    const failed = [...doc.errors, ...doc.warnings.filter((w) => /^Unresolved tag: tag:yaml\.org,2002:(?:bool|int|float|null)$/.test(w.message))];
    for (const e of failed) report(e.pos[0], e.pos[1], e.message.split('\n')[0] ?? e.message);
    if (failed.length) return;
    const { value, problems } = toKubernetesJson(doc);
    for (const p of problems) report(p.offset, p.offset + 1, p.message);
    if (problems.length) return;
    if (value !== null && value !== undefined) documents.push({ value, doc, file, index });
  });
  return { documents, diagnostics };
}

/** The span of the node at a path in a document (for pointing at an offending field). */
export function spanAt(d: YamlDocument, path: readonly (string | number)[]): Span {
  const node = d.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const range = node?.range ?? (d.doc.contents as { range?: [number, number, number] } | null)?.range;
  return spanOf(d.file, range?.[0] ?? 0, range?.[1] ?? 1);
}
