import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { kyvernoAdapter } from '../../../src/verify/adapters/kyverno.js';
import { verifyPolicies, renderDisagreement } from '../../../src/verify/verify.js';
import { hasCorpus, psaFixturePod, psaFixtures } from '../../helpers/corpora.js';
import { irOf } from '../../helpers/dsl.js';
import { documents } from './harness.js';

/**
 * `pod-security` compiled as explicit Kyverno deny rules (src/backends/kyverno/pss-rules.ts), run through the offline
 * Kyverno engine on every upstream Pod Security Admission fixture: each must be allowed or denied as upstream expects.
 */

function emitExact(text: string) {
  const out = kyvernoBackend.emit(irOf(text), {});
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return out.value ?? [];
}

describe.skipIf(!hasCorpus('psa'))('Pod Security Admission fixtures through the emitted Kyverno rules', () => {
  it('agrees with upstream on every fixture', () => {
    const fixtures = psaFixtures();
    const policies = new Map<string, ReturnType<typeof loadKyvernoDocuments>>();
    let agree = 0;
    const wrong: string[] = [];
    for (const f of fixtures) {
      const key = `${f.level}:${f.version}`;
      let loaded = policies.get(key);
      if (!loaded) {
        const files = emitExact(`policy psa {\n  applies to pods\n  enforce pod-security ${f.level} version ${f.version}\n}`);
        loaded = loadKyvernoDocuments(documents(files));
        if (loaded.errors.length) throw new Error(loaded.errors.join('; '));
        policies.set(key, loaded);
      }
      const object = psaFixturePod(f);
      const results = evaluateResource(loaded.policies, object, { operation: 'CREATE' });
      // One Kyverno rule per check, `pod-security-enforce-<control>`: denied when any check fails.
      const statuses = results.filter((r) => r.rule.startsWith('pod-security-enforce-')).map((r) => r.status);
      const denied = statuses.includes('fail');
      if (statuses.includes('error') || statuses.length === 0) wrong.push(`${f.path}: ${JSON.stringify(results.map((r) => [r.status, r.message]))}`);
      else if (denied === (f.expect === 'deny')) agree++;
      else wrong.push(`${f.path}: expected ${f.expect}`);
    }
    console.log(`kyverno explicit pod-security: ${agree}/${fixtures.length} PSA fixtures agree`);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(agree).toBe(4537);
  });
});

describe('verify: explicit pod-security rules agree with the reference semantics', () => {
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
}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}: 500 runs agree`, () => {
      const set = irOf(text);
      const reports = verifyPolicies(set, [kyvernoAdapter(emitExact(text))], { runs: 500, seed: 1 });
      for (const r of reports) {
        if (r.disagreement) throw new Error(renderDisagreement(r.disagreement));
        expect(r.cases).toBe(500);
        const o = r.outcomes['pod-security-enforce'];
        expect(o?.fail).toBeGreaterThan(0);
        expect(o?.pass).toBeGreaterThan(0);
        expect(r.compared['kyverno']).toBeGreaterThan(0);
      }
    });
  }
});
