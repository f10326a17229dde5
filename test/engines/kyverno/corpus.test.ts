/**
 * The Kyverno policy-library corpus (../shared/corpora/kyverno): every `kyverno test` expectation, then the
 * chainsaw end-to-end resources in Enforce mode (`*-good.yaml` admitted, every document of `*-bad.yaml` denied).
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateResource } from '../../../src/engines/kyverno/index.js';
import { corpusPath, hasCorpus } from '../../helpers/corpora.js';
import { type Expectation, groupMismatches, judge, policiesOf, readDocs, readManifest, type Verdict } from './corpus-harness.js';

/**
 * Expectations this engine cannot meet, keyed `policy/rule/kind/resource`, with the reason. Keep it empty unless a
 * difference from Kyverno is deliberate and documented in docs/engines/kyverno.md; stale entries fail the test.
 */
const KNOWN_GAPS: ReadonlyMap<string, string> = new Map<string, string>([]);

const keyOf = (e: Expectation): string => `${e.policy}/${e.rule}/${e.kind}/${e.resource}`;

describe.skipIf(!hasCorpus('kyverno'))('kyverno corpus', () => {
  const manifest = hasCorpus('kyverno') ? readManifest() : [];
  const verdicts = manifest.map(judge);
  const byPolicy = new Map<string, Verdict[]>();
  for (const v of verdicts) byPolicy.set(v.expectation.policy, [...(byPolicy.get(v.expectation.policy) ?? []), v]);

  it('agrees with the Kyverno CLI on every expectation', () => {
    const agree = verdicts.filter((v) => v.actual === v.expectation.expect).length;
    const mismatches = verdicts.filter((v) => v.actual !== v.expectation.expect && !KNOWN_GAPS.has(keyOf(v.expectation)));
    console.log(`kyverno corpus agreement: ${agree}/${verdicts.length} (${KNOWN_GAPS.size} known gaps)`);
    expect(verdicts.length).toBe(537);
    expect(mismatches.length, `mismatches:\n${groupMismatches(mismatches)}`).toBe(0);
  });

  it('lists only known gaps that still disagree', () => {
    const stale = [...KNOWN_GAPS.keys()].filter((key) => verdicts.some((v) => keyOf(v.expectation) === key && v.actual === v.expectation.expect));
    expect(stale).toEqual([]);
  });

  for (const [policy, policyVerdicts] of byPolicy) {
    it(`${policy}: ${policyVerdicts.length} expectations`, () => {
      const mismatches = policyVerdicts.filter((v) => v.actual !== v.expectation.expect && !KNOWN_GAPS.has(keyOf(v.expectation)));
      expect(mismatches.length, `mismatches:\n${groupMismatches(mismatches)}`).toBe(0);
    });
  }
});

interface ChainsawCase {
  readonly policyDir: string;
  readonly file: string;
  readonly expectDenied: boolean;
}

function chainsawCases(): ChainsawCase[] {
  const base = 'kyverno/pod-security/baseline';
  const cases: ChainsawCase[] = [];
  for (const dir of readdirSync(corpusPath(base))) {
    const chainsaw = `${base}/${dir}/.chainsaw-test`;
    if (!existsSync(corpusPath(chainsaw))) continue;
    for (const file of readdirSync(corpusPath(chainsaw))) {
      const m = /-(good|bad)\.yaml$/.exec(file);
      if (m) cases.push({ policyDir: `${base}/${dir}`, file: `${chainsaw}/${file}`, expectDenied: m[1] === 'bad' });
    }
  }
  return cases;
}

describe.skipIf(!hasCorpus('kyverno'))('kyverno chainsaw resources in Enforce mode', () => {
  const cases = hasCorpus('kyverno') ? chainsawCases() : [];

  it('finds the chainsaw tests', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(`${c.file.split('/').slice(-3).join('/')} is ${c.expectDenied ? 'denied' : 'admitted'}`, () => {
      const name = c.policyDir.split('/').pop() ?? '';
      const policies = policiesOf(`${c.policyDir}/${name}.yaml`).map((p) => ({ ...p, validationFailureAction: 'Enforce' as const }));
      const wrong: string[] = [];
      for (const doc of readDocs(c.file).filter((d) => d !== null && d !== undefined)) {
        const results = evaluateResource(policies, doc);
        const denied = results.some((r) => r.status === 'fail' && r.failureAction === 'Enforce');
        const errors = results.filter((r) => r.status === 'error');
        const resourceName = (doc as { metadata?: { name?: string } }).metadata?.name ?? '?';
        if (denied !== c.expectDenied || errors.length > 0) {
          wrong.push(`${resourceName}: ${results.map((r) => `${r.rule}=${r.status} (${r.message})`).join('; ') || 'no result'}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
