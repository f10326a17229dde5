import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { kyvernoBackend } from '../../src/backends/kyverno/index.js';
import { checkFiles } from '../../src/check/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../../src/engines/kyverno/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource } from '../../src/syntax/index.js';
import { KEY_A, keyLiteral } from '../helpers/images.js';

/**
 * Policy text is untrusted: the patterns, keyless issuer and subject, attestation type and condition values of a
 * `verify images` block either fail the checks or reach the Kyverno verifyImages rule as exactly those strings
 * (YAML values, never structure), and a condition value stays a literal: Kyverno compares the predicate field
 * with exactly it, never evaluates it.
 */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom("x' || `true` || '", '{{ request.object }}', '\\{{x}}', 'a\nb: c', '---\nkind: Secret', '$(x)', '"q"', "it's", '*', '`true`', 'null', 'yes', 'a\u2028b'),
);

function compile(pattern: string, issuer: string, subject: string, type: string, value: string) {
  const text = `policy p {\n  verify images v matching ${JSON.stringify(pattern)} {\n    key ${keyLiteral(KEY_A)}\n    keyless issuer ${JSON.stringify(issuer)} subject ${JSON.stringify(subject)}\n    attestation ${JSON.stringify(type)} where field = ${JSON.stringify(value)}\n  }\n}\n`;
  const parsed = parseSource(new SourceFile('p.secpol', text));
  if (!parsed.value || parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const checked = checkFiles([parsed.value], { today: '2026-06-01' });
  if (!checked.value || checked.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const out = kyvernoBackend.emit(checked.value);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return out.value ?? [];
}

describe('verify images: untrusted strings stay strings in the Kyverno verifyImages rule', () => {
  it('accepted values come back exactly, and a condition compares with exactly the value written', () => {
    let accepted = 0;
    let compared = 0;
    fc.assert(
      fc.property(
        fc.oneof(hostile, fc.constant('ghcr.io/acme/*')),
        fc.oneof(hostile.map((s) => `https://${s}`), fc.constant('https://issuer.example')),
        fc.oneof(hostile, fc.constant('https://github.com/acme/*')),
        fc.oneof(hostile, fc.constant('https://slsa.dev/provenance/v1')),
        hostile,
        (pattern, issuer, subject, type, value) => {
          const files = compile(pattern, issuer, subject, type, value);
          if (!files) return;
          accepted++;
          const docs = files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON()));
          expect(docs.map((d) => d.kind)).toEqual(['ClusterPolicy']);
          const [v] = docs[0].spec.rules[0].verifyImages;
          expect(v.imageReferences).toEqual([pattern]);
          expect(v.attestors[0].entries).toEqual([{ keys: { publicKeys: KEY_A } }, { keyless: { issuer, subject } }]);
          expect(v.attestations[0].type).toBe(type);
          // The engine, reading the emitted condition, accepts the predicate holding exactly the value and nothing else.
          const loaded = loadKyvernoDocuments(docs);
          const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/app:1' }] } };
          const verdict = (predicate: unknown) =>
            evaluateResource(loaded.policies, pod, { imageOracle: (_image, q) => (q.kind === 'signature' ? { status: 'verified' } : { status: 'verified', predicate }) }).find((r) => r.rule === 'v')?.status;
          if (verdict({ field: value }) === 'skip') return; // the pattern does not match the pod's image
          compared++;
          expect(verdict({ field: value })).toBe('pass');
          expect(verdict({ field: `${value}x` })).toBe('fail');
          expect(verdict({ field: true })).toBe('fail');
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
    expect(accepted).toBeGreaterThan(30);
    expect(compared).toBeGreaterThan(20);
  });
});
