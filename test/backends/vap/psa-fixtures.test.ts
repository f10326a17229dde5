import { describe, expect, it } from 'vitest';
import { evaluateVap, loadVapDocuments, type LoadedVap } from '../../../src/engines/vap/index.js';
import { renderDisagreement, verifyPolicies } from '../../../src/verify/verify.js';
import { hasCorpus, psaFixturePod, psaFixtures } from '../../helpers/corpora.js';
import { irOf } from '../../helpers/dsl.js';
import { documents } from '../kyverno/harness.js';
import { emitVap, vapAdapter } from './adapter.js';

/**
 * `pod-security` compiled to CEL (src/backends/vap/pss.ts), run through the offline VAP engine (a real CEL library)
 * on every upstream Pod Security Admission fixture: each must be allowed or denied as upstream expects, without
 * any expression error (an error would deny under failurePolicy Fail and hide a wrong check).
 */

describe.skipIf(!hasCorpus('psa'))('Pod Security Admission fixtures through the emitted ValidatingAdmissionPolicy', () => {
  it('agrees with upstream on every fixture', () => {
    const fixtures = psaFixtures();
    const policies = new Map<string, LoadedVap>();
    let agree = 0;
    const wrong: string[] = [];
    for (const f of fixtures) {
      const key = `${f.level}:${f.version}`;
      let loaded = policies.get(key);
      if (!loaded) {
        loaded = loadVapDocuments(documents(emitVap(irOf(`policy psa {\n  applies to pods\n  enforce pod-security ${f.level} version ${f.version}\n}`))));
        if (loaded.errors.length) throw new Error(loaded.errors.join('; '));
        policies.set(key, loaded);
      }
      const object = psaFixturePod(f);
      const results = evaluateVap(loaded, { object, operation: 'CREATE', namespace: { name: 'default', labels: {} } });
      const errors = results.filter((r) => r.error !== undefined);
      if (results.length !== 1 || errors.length) wrong.push(`${f.path}: ${JSON.stringify(results.map((r) => [r.allowed, r.error ?? r.message]))}`);
      else if (!results[0]!.allowed === (f.expect === 'deny')) agree++;
      else wrong.push(`${f.path}: expected ${f.expect}, got ${results[0]!.message}`);
    }
    console.log(`vap pod-security: ${agree}/${fixtures.length} PSA fixtures agree`);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(agree).toBe(fixtures.length);
  });
});

describe('verify: pod-security in CEL agrees with the reference semantics, exceptions included', () => {
  const cases = {
    restricted: `policy psr {
  applies to pods
  enforce pod-security restricted version v1.30
  exception ops {
    namespaces "ops"
    controls run-as-non-root, capabilities
    reason "ops"
  }
  exception tools {
    images "busybox*"
    controls privilege-escalation, seccomp
    reason "tools"
  }
}`,
    baseline: `policy psb {
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
}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}: 500 runs agree`, () => {
      const set = irOf(text);
      const reports = verifyPolicies(set, [vapAdapter(emitVap(set))], { runs: 500, seed: 1 });
      for (const r of reports) {
        if (r.disagreement) throw new Error(renderDisagreement(r.disagreement));
        expect(r.cases).toBe(500);
        for (const rule of set.policies[0]!.podSecurity.map((p) => `pod-security-${p.mode}`)) {
          expect(r.outcomes[rule]?.fail, rule).toBeGreaterThan(0);
          expect(r.outcomes[rule]?.pass, rule).toBeGreaterThan(0);
        }
        expect(r.compared['vap']).toBeGreaterThan(0);
      }
    });
  }
});
