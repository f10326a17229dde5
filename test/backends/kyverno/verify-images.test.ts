import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/eval/index.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { KEY_A, KEY_B, keyLiteral, tableOracle, VULN } from '../../helpers/images.js';
import { clusterPolicy, containers, deployment, emitKyverno, kyvernoVerdicts, pod } from './harness.js';

/**
 * `verify images` (issue 19 item 1): the Kyverno verifyImages rule as emitted, run by the offline engine with a
 * fixed-key oracle, next to the semantics (src/eval) with the same oracle. Expected verdicts are written from
 * docs/language/images.md, never read off the output.
 */
const source = dsl`
  policy signed {
    verify images acme matching "ghcr.io/acme/*" {
      key ${keyLiteral(KEY_A)}
      attestation "${VULN}" where scanner = "trivy" and critical = 0
      require digest
    }
  }`;
const D = '@sha256:' + 'a'.repeat(64);
const oracle = tableOracle({
  [`ghcr.io/acme/good${D}`]: { keys: [KEY_A], attestations: [{ type: VULN, key: KEY_A, predicate: { scanner: 'trivy', critical: 0 } }] },
  [`ghcr.io/acme/vulnerable${D}`]: { keys: [KEY_A], attestations: [{ type: VULN, key: KEY_A, predicate: { scanner: 'trivy', critical: 3 } }] },
  [`ghcr.io/acme/other-key${D}`]: { keys: [KEY_B], attestations: [{ type: VULN, key: KEY_B, predicate: { scanner: 'trivy', critical: 0 } }] },
  [`ghcr.io/acme/unattested${D}`]: { keys: [KEY_A] },
  [`ghcr.io/acme/down${D}`]: { error: true },
});

const cases: [string, string, 'pass' | 'fail' | 'skip' | 'error'][] = [
  ['signed, attested, no critical finding', `ghcr.io/acme/good${D}`, 'pass'],
  ['critical findings in the scan', `ghcr.io/acme/vulnerable${D}`, 'fail'],
  ['signed by another key', `ghcr.io/acme/other-key${D}`, 'fail'],
  ['no attestation', `ghcr.io/acme/unattested${D}`, 'fail'],
  ['not pinned by digest', 'ghcr.io/acme/good:1.0', 'fail'],
  ['not matched by the patterns', 'docker.io/library/nginx:1.25', 'skip'],
  ['registry error', `ghcr.io/acme/down${D}`, 'error'],
];

describe('verify images: Kyverno verifyImages rule, engine and semantics agree', () => {
  const files = emitKyverno(source);
  const policy = irOf(source).policies[0]!;

  it('emits one Cosign verifyImages rule with the key, the attestation conditions and the digest settings', () => {
    const rule = clusterPolicy(files).spec.rules[0];
    expect(rule.name).toBe('acme');
    const [v] = rule.verifyImages;
    expect(v).toMatchObject({ type: 'Cosign', imageReferences: ['ghcr.io/acme/*'], failureAction: 'Enforce', required: true, mutateDigest: false, verifyDigest: true });
    expect(v.attestors).toEqual([{ entries: [{ keys: { publicKeys: KEY_A } }] }]);
    expect(v.attestations[0].type).toBe(VULN);
    expect(v.attestations[0].conditions[0].all).toHaveLength(2);
  });

  for (const [what, image, expected] of cases) {
    it(`${what}: ${expected}`, () => {
      const object = pod(containers({ image }));
      expect(kyvernoVerdicts(files, object, { imageOracle: oracle })).toEqual({ acme: expected });
      const semantics = evaluatePolicy(policy, { object }, { imageOracle: oracle }).rules.find((r) => r.rule === 'acme')!;
      expect(semantics.outcome).toBe(expected === 'error' ? 'fail' : expected);
    });
  }

  it('judges the pod template of a Deployment (autogen) and init containers', () => {
    const object = deployment({ containers: [{ name: 'a', image: `ghcr.io/acme/good${D}` }], initContainers: [{ name: 'i', image: `ghcr.io/acme/vulnerable${D}` }] });
    expect(kyvernoVerdicts(files, object, { imageOracle: oracle })).toEqual({ acme: 'fail' });
    expect(evaluatePolicy(policy, { object }, { imageOracle: oracle }).denied).toBe(true);
  });

  it('without an oracle both sides skip the rule rather than guess', () => {
    const object = pod(containers({ image: `ghcr.io/acme/good${D}` }));
    expect(kyvernoVerdicts(files, object)).toEqual({ acme: 'skip' });
    expect(evaluatePolicy(policy, { object }).rules.find((r) => r.rule === 'acme')?.skipped).toBe('no-oracle');
  });

  it('audit mode: Audit failure action, and `mutate digest` there is SP2001 (Kyverno refuses it)', () => {
    const audit = source.replace('policy signed {', 'policy signed {\n  mode audit');
    expect(clusterPolicy(emitKyverno(audit)).spec.rules[0].verifyImages[0].failureAction).toBe('Audit');
    expect(evaluatePolicy(irOf(audit).policies[0]!, { object: pod(containers({ image: `ghcr.io/acme/vulnerable${D}` })) }, { imageOracle: oracle }).denied).toBe(false);
    expect(() => emitKyverno(audit.replace('require digest', 'mutate digest'))).toThrow(/SP2001 kyverno cannot express `mutate digest`/);
  });

  it('keyless signers: the subject wildcard is the oracle\'s to match; every entry must verify (no count)', () => {
    const text = dsl`
      policy ci {
        verify images ci matching "ghcr.io/*" {
          keyless issuer "https://token.actions.githubusercontent.com" subject "https://github.com/acme/*"
          key ${keyLiteral(KEY_B)}
        }
      }`;
    const ci = tableOracle({
      'ghcr.io/acme/both:1': { keys: [KEY_B], identities: [{ issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' }] },
      'ghcr.io/acme/keyless-only:1': { identities: [{ issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app' }] },
    });
    const f = emitKyverno(text);
    const p = irOf(text).policies[0]!;
    for (const [image, expected] of [['ghcr.io/acme/both:1', 'pass'], ['ghcr.io/acme/keyless-only:1', 'fail']] as const) {
      const object = pod(containers({ image }));
      expect(kyvernoVerdicts(f, object, { imageOracle: ci })).toEqual({ ci: expected });
      expect(evaluatePolicy(p, { object }, { imageOracle: ci }).rules[0]?.outcome).toBe(expected);
    }
  });
});
