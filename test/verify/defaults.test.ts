import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { runVerify } from '../../src/verify/index.js';
import { verifyDefaults } from '../../src/verify/defaults.js';
import { irOf } from '../helpers/dsl.js';

/** secpol verify on defaults blocks (src/verify/defaults.ts): agreement, and a disagreement found when the rules are changed. */
const listed = irOf('defaults tenants {\n  in namespaces "shop", "payments"\n  default deny ingress and egress\n  allow dns\n  enforce pod-security restricted version v1.30\n}\n');
const labelled = irOf('defaults labelled {\n  where labels tenant exists and tier != "system"\n  except namespaces "kube-system"\n  default deny ingress\n  audit pod-security baseline\n}\n');

describe('verify: defaults blocks', () => {
  it('agrees on listed namespaces (kyverno and the static files) and on label-selected ones (kyverno)', async () => {
    const a = await runVerify(listed, { runs: 300, seed: 3 });
    expect(a.ok).toBe(true);
    expect(a.defaults?.judges).toEqual(['kyverno', 'netpol+psa']);
    const b = await runVerify(labelled, { runs: 300, seed: 3 });
    expect(b.ok).toBe(true);
    expect(b.defaults?.judges).toEqual(['kyverno']);
    expect(b.excluded.map((x) => x.backend)).toEqual(['netpol']);
  });

  for (const [what, from, to] of [
    ['a namespace selector ignored', /\n\s+selector:\n(\s+matchExpressions:\n(?:\s+- .*\n|\s+\w+:.*\n|\s+- \w.*\n)+)/, '\n'],
    ['the audit level changed in the admission rule', 'pod-security.kubernetes.io/audit: baseline', 'pod-security.kubernetes.io/audit: restricted'],
    ['the audit level changed in the existing-namespaces rule', /(existing(?:\n.*)*?)audit: baseline/, '$1audit: restricted'],
    ['an exclusion dropped', /\n\s+exclude:\n(?:\s+.*\n)*?\s+- kube-system/g, ''],
  ] as const) {
    it(`finds a counterexample when ${what}`, async () => {
      const out = await compileTo(labelled, ['kyverno']);
      const files = out.value!.map((f) => ({ ...f, content: f.content.replace(from, to) }));
      expect(files[0]!.content).not.toBe(out.value![0]!.content);
      const report = verifyDefaults(labelled.defaults!, files, undefined, { runs: 300, seed: 3 });
      expect(report.disagreement).toBeDefined();
    });
  }
});
