/**
 * Quoted values continued on an under-indented line: go-yaml's scanner (scannerc.go, yaml_parser_scan_flow_scalar)
 * ends a quoted scalar only at its closing quote, a document indicator in column 0 or the end of the stream, so
 * kubectl, Gatekeeper and Kyverno read them; secpol reads them as Go does, with a warning (SP0031) at the value.
 */
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/audit/index.js';
import { SourceFile } from '../../src/source/index.js';
import { rewriteUnderIndentedQuotedScalars } from '../../src/suite/go-yaml-leniency.js';
import { parseYamlFile } from '../../src/suite/index.js';

const read = (text: string) => parseYamlFile(new SourceFile('m.yaml', text));

describe('quoted scalars continued on an under-indented line', () => {
  it('reads a double-quoted value as go-yaml folds it, warns at the value, keeps the rest of the document', () => {
    const r = read('a:\n  b: "one\n two"\n  c: 1\n');
    expect(r.documents.map((d) => d.value)).toEqual([{ a: { b: 'one two', c: 1 } }]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.start])).toEqual([['SP0031', 'warning', 8]]);
    expect(r.diagnostics[0]!.message).toContain('line 3');
  });

  it('keeps every later position where it is in the file', () => {
    const text = 'a:\n  b: "one\n two"\n  c: .inf\n';
    const r = read(text);
    const error = r.diagnostics.find((d) => d.code === 'SP0008');
    expect(error?.span?.start).toBe(text.indexOf('.inf'));
  });

  it('folds as YAML does: blanks around breaks dropped, an empty line is a newline; single quotes too', () => {
    expect(read('k:\n  v: "a  \n\n b"\n').documents[0]!.value).toEqual({ k: { v: 'a\nb' } });
    expect(read("k:\n  v: 'it''s\n fine'\n").documents[0]!.value).toEqual({ k: { v: "it's fine" } });
  });

  it('leaves well-formed files, and errors go-yaml reports too (an unclosed quote), as they are', () => {
    expect(rewriteUnderIndentedQuotedScalars('a: "x\n   y"\n').scalars).toEqual([]);
    const unclosed = read('a:\n  b: "one\n two\n');
    expect(unclosed.diagnostics.map((d) => d.code)).toContain('SP0008');
    expect(unclosed.diagnostics.map((d) => d.code)).not.toContain('SP0031');
    const indicator = read('a:\n  b: "one\n---\n two"\n');
    expect(indicator.diagnostics.map((d) => d.code)).toContain('SP0008');
  });

  it('audit reads such a manifest as kubectl does: a manifest, not an invalid one', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: "first\n    second"\n';
    const loaded = loadManifests([{ path: 'cm.yaml', text }]);
    expect(loaded.invalid).toEqual([]);
    expect(loaded.manifests.map((m) => (m.object['metadata'] as { annotations?: unknown }).annotations)).toEqual([{ note: 'first second' }]);
  });
});
