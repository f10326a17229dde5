import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { kyvernoCelBackend } from '../../../src/backends/kyverno-cel/index.js';
import { evaluateKyvernoCel, loadKyvernoCelDocuments, type LoadedKyvernoCel } from '../../../src/engines/kyverno-cel/index.js';
import type { PolicySet } from '../../../src/ir/index.js';
import { kyvernoCelAdapter } from '../../../src/verify/adapters/kyverno-cel.js';
import { renderDisagreement, verifyPolicies } from '../../../src/verify/verify.js';
import { hasCorpus, psaFixturePod, psaFixtures } from '../../helpers/corpora.js';
import { irOf } from '../../helpers/dsl.js';

/**
 * `pod-security` compiled to a Kyverno ValidatingPolicy (the VAP backend's CEL checks), run through the offline
 * kyverno-cel engine on every upstream Pod Security Admission fixture: each allowed or denied as upstream expects,
 * without any expression error; and verify with a namespace exception, which becomes a PolicyException.
 */
function emit(set: PolicySet) {
  const out = kyvernoCelBackend.emit(set);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return out.value!;
}

const documents = (set: PolicySet) => emit(set).flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter((d) => d !== null);

describe.skipIf(!hasCorpus('psa'))('Pod Security Admission fixtures through the emitted ValidatingPolicy', () => {
  it('agrees with upstream on every fixture', () => {
    const fixtures = psaFixtures();
    const policies = new Map<string, LoadedKyvernoCel>();
    let agree = 0;
    const wrong: string[] = [];
    for (const f of fixtures) {
      const key = `${f.level}:${f.version}`;
      let loaded = policies.get(key);
      if (!loaded) {
        loaded = loadKyvernoCelDocuments(documents(irOf(`policy psa {\n  applies to pods\n  enforce pod-security ${f.level} version ${f.version}\n}`)));
        if (loaded.errors.length) throw new Error(loaded.errors.join('; '));
        policies.set(key, loaded);
      }
      const results = evaluateKyvernoCel(loaded, { object: psaFixturePod(f), operation: 'CREATE', namespace: { name: 'default', labels: {} } });
      const errors = results.filter((r) => r.error !== undefined);
      if (results.length !== 1 || errors.length) wrong.push(`${f.path}: ${JSON.stringify(results.map((r) => [r.allowed, r.error ?? r.message]))}`);
      else if (!results[0]!.allowed === (f.expect === 'deny')) agree++;
      else wrong.push(`${f.path}: expected ${f.expect}, got ${results[0]!.message}`);
    }
    console.log(`kyverno-cel pod-security: ${agree}/${fixtures.length} PSA fixtures agree`);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(agree).toBe(fixtures.length);
  });
});

describe('verify: pod-security as a ValidatingPolicy agrees with the reference semantics, exceptions included', () => {
  const text = `policy psb {
  applies to pods
  enforce pod-security baseline version v1.18
  warn pod-security restricted version latest
  exception net {
    controls host-namespaces
    reason "net"
  }
  exception dbg {
    namespaces "dev"
    images "debug*"
    controls privileged, apparmor, seccomp
    reason "dbg"
  }
  exception quiet {
    namespaces "legacy"
    reason "legacy apps are exempt"
  }
}`;
  it('500 runs agree, with the whole-namespace exception as a PolicyException', () => {
    const set = irOf(text);
    const files = emit(set);
    expect(files.map((f) => f.path)).toEqual(['kyverno-cel/psb.yaml', 'kyverno-cel/psb-exceptions.yaml']);
    const reports = verifyPolicies(set, [kyvernoCelAdapter(files)], { runs: 500, seed: 1 });
    for (const r of reports) {
      if (r.disagreement) throw new Error(renderDisagreement(r.disagreement));
      for (const rule of ['pod-security-enforce', 'pod-security-warn']) {
        expect(r.outcomes[rule]?.fail, rule).toBeGreaterThan(0);
        expect(r.outcomes[rule]?.pass, rule).toBeGreaterThan(0);
      }
      expect(r.compared['kyverno-cel']).toBeGreaterThan(0);
    }
  });
});
