import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { checkFiles } from '../../../src/check/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { SourceFile } from '../../../src/source/index.js';
import { parseSource } from '../../../src/syntax/index.js';
import { testToday } from '../../helpers/dsl.js';
import { clusterPolicy, documents, emitKyverno, pod } from './harness.js';

/** Hostile strings: YAML syntax, comments, Handlebars and Kyverno variables, JMESPath quoting, Rego, autogen paths. */
const hostile = [
  'a"; x: {{ y }}',
  'line one\nline two: true',
  '# not a comment',
  '{} and {{ request.object.metadata.name }}',
  '"; allow { true }',
  '&a *a',
  '!!python/object/apply:os.system',
  "it's `quoted` \\ and $(./../name)",
  'request.object.spec.template',
  '}} {{{x}}} {{',
  'tab\there, unicode ✓ \u{1F600}',
];

/** Writes a string as a secpol string literal. */
function quote(s: string): string {
  return JSON.stringify(s);
}

function messageOf(files: ReturnType<typeof emitKyverno>, object: unknown): string {
  const loaded = loadKyvernoDocuments(documents(files));
  const [result] = evaluateResource(loaded.policies, object);
  return result?.message ?? '';
}

describe('user text stays data', () => {
  it.each(hostile)('round-trips %j through annotations', (s) => {
    const policy = clusterPolicy(
      emitKyverno(`policy p {\n  title ${quote(s)}\n  description ${quote(s)}\n  category ${quote(s)}\n  applies to pods\n  rule r { forbid spec.hostIPC = true }\n}\n`),
    );
    expect(policy.metadata.annotations['policies.kyverno.io/title']).toBe(s);
    expect(policy.metadata.annotations['policies.kyverno.io/description']).toBe(s);
    expect(policy.metadata.annotations['policies.kyverno.io/category']).toBe(s);
    expect(policy.spec.rules).toHaveLength(1);
  });

  it.each(hostile)('compares %j as a literal value, never as an expression', (s) => {
    const files = emitKyverno(`policy p {\n  applies to pods\n  rule r { forbid metadata.annotations["note"] = ${quote(s)} }\n}\n`);
    const loaded = loadKyvernoDocuments(documents(files));
    const status = (note: string) => evaluateResource(loaded.policies, pod({ containers: [] }, { annotations: { note } }))[0]?.status;
    expect(status(s)).toBe('fail');
    expect(status(`${s}x`)).toBe('pass');
  });

  it.each(hostile)('keeps %j literal in field names and globs', (s) => {
    const files = emitKyverno(`policy p {\n  applies to pods\n  rule r { forbid any container has (env exists and image matches ${quote(`*${s}`)}) }\n  rule k { require metadata.annotations[${quote(s)}] exists }\n}\n`);
    const loaded = loadKyvernoDocuments(documents(files));
    const results = evaluateResource(loaded.policies, pod({ containers: [{ name: 'c', image: `x${s}`, env: [] }] }, { annotations: { [s]: 'v' } }));
    expect(Object.fromEntries(results.map((r) => [r.rule, r.status]))).toEqual({ r: 'fail', k: 'pass' });
  });

  /** Message text cannot hold `{…}` pairs (those are placeholders), but any other `{{`, `}}` or `$(` is text. */
  const messageText = ['a"; x: {{ y', '{{ request.object.kind', '$(./../name) and }}', '\\{{ request.object.kind', '{{{', 'request.object.spec # &a *a !!str'];

  it.each(messageText)('shows %j in messages without substituting it', (s) => {
    const files = emitKyverno(`policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostIPC = true\n    message ${quote(`${s} / {metadata.name}`)}\n  }\n}\n`);
    const shown = messageOf(files, pod({ hostIPC: true, containers: [] }, { name: 'web-1' }));
    expect(shown).not.toContain('Pod /');
    // Kyverno's escape is a backslash before `{{`; where no variable follows, Kyverno leaves it in place.
    expect(shown.replace(/\\(?=\{)/g, '')).toContain(`${s.replace(/\\(?=\{)/g, '')} / web-1`);
  });

  it('keeps message text from pairing with object data into a variable', () => {
    const files = emitKyverno(`policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostIPC = true\n    message "{{ request.object.kind{metadata.annotations.close}"\n  }\n}\n`);
    const shown = messageOf(files, pod({ hostIPC: true, containers: [] }, { annotations: { close: ' }}' } }));
    expect(shown).toContain('{{ request.object.kind }}');
    expect(shown).not.toContain('Pod');
  });

  it('breaks up `{{` in object data spliced into messages', () => {
    const files = emitKyverno(`policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostIPC = true\n    message "note: {metadata.annotations.note}"\n  }\n}\n`);
    const shown = messageOf(files, pod({ hostIPC: true, containers: [] }, { annotations: { note: '{{ request.object.kind }}' } }));
    expect(shown).toContain('note: { { request.object.kind }}');
  });

  it('keeps reasons and comments on one comment line', () => {
    const files = emitKyverno(dsl2('line\napiVersion: v1\nkind: Secret'));
    expect(documents(files).map((d) => d['kind']).sort()).toEqual(['ClusterPolicy', 'PolicyException']);
    expect(files.map((f) => f.content).join('')).toContain('# rule gone omitted from kyverno: line apiVersion: v1 kind: Secret');
  });

  it('quotes a hostile source path in annotations and comments', () => {
    const path = 'we"ird #dir\n/x: {{ y }}.secpol';
    const file = new SourceFile(path, 'policy p {\n  applies to pods\n  rule r { forbid spec.hostIPC = true }\n}\n');
    const parsed = parseSource(file);
    const checked = checkFiles(parsed.value ? [parsed.value] : [], { today: testToday });
    const out = kyvernoBackend.emit(checked.value ?? { policies: [], networks: [] });
    expect(out.diagnostics).toEqual([]);
    const policy = clusterPolicy(out.value ?? []);
    expect(policy.metadata.annotations['secpol.dev/source']).toBe(`${path}:1`);
    expect(documents(out.value ?? [])).toHaveLength(1);
  });
});

function dsl2(reason: string): string {
  return `policy p {
  applies to pods
  rule kept { forbid spec.hostIPC = true }
  rule gone {
    forbid spec.hostPID = true
    omit from kyverno because ${quote(reason)}
  }
  exception e {
    namespaces "ops"
    reason ${quote(reason)}
  }
}
`;
}
