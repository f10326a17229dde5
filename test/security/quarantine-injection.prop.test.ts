import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { netpolBackend } from '../../src/backends/netpol/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource } from '../../src/syntax/index.js';
import { checkFiles } from '../../src/check/index.js';

/**
 * Policy text is untrusted: a quarantine's label key, value and namespaces either fail the checks or reach the
 * emitted YAML as exactly those strings, never as structure (a YAML line break, a new key, a new document).
 */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('true\n---\nkind: Secret', 'x: y', '"quoted"', '# comment', 'a\u2028b', '{{request.object}}', '*alias', '&anchor', '- item', 'true', 'null', '0x10', 'yes'),
);

function compile(key: string, value: string, ns: string, forensics: string) {
  const text = `network q {\n  default deny ingress and egress in namespaces "shop"\n  allow dns in namespaces "shop"\n  quarantine pods where ${JSON.stringify(key)} = ${JSON.stringify(value)} in namespaces ${JSON.stringify(ns)}, "shop" except namespace ${JSON.stringify(forensics)}\n}\n`;
  const parsed = parseSource(new SourceFile('q.secpol', text));
  if (!parsed.value || parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const checked = checkFiles([parsed.value], { today: '2026-06-01' });
  if (!checked.value || checked.diagnostics.some((d) => d.severity === 'error')) return undefined;
  return netpolBackend.emit(checked.value);
}

describe('quarantine: untrusted strings stay strings in the emitted NetworkPolicies', () => {
  it('accepted key, value and namespaces come back exactly, in exactly the objects secpol meant', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(hostile, fc.constant('quarantine')), fc.oneof(hostile, fc.constant('true')), fc.oneof(hostile, fc.constant('batch')), fc.oneof(hostile, fc.constant('forensics')), (key, value, ns, forensics) => {
        const out = compile(key, value, ns, forensics);
        if (!out) return;
        accepted++;
        const content = out.value?.[0]?.content ?? '';
        const docs = YAML.parseAllDocuments(content).map((d) => d.toJSON() as { kind: string; metadata: { name: string; namespace: string }; spec: { podSelector: Record<string, unknown> } } | null).filter((d) => d !== null);
        expect(docs.every((d) => d.kind === 'NetworkPolicy')).toBe(true);
        const quarantines = docs.filter((d) => d.metadata.name.includes('quarantine'));
        expect(new Set(quarantines.map((d) => d.metadata.namespace))).toEqual(new Set([ns, 'shop']));
        for (const d of quarantines) expect(d.spec.podSelector).toEqual({ matchLabels: { [key]: value } });
        const dns = docs.find((d) => d.metadata.name.endsWith('allow-dns'));
        expect(dns?.spec.podSelector).toEqual({ matchExpressions: [{ key, operator: 'NotIn', values: [value] }] });
        // Comments stay comments: every line is a comment, a document marker or YAML of the objects above.
        expect(docs).toHaveLength(ns === 'shop' ? 3 : 4);
      }),
      { seed: 20261205, numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
