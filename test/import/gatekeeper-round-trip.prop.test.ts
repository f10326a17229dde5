/**
 * Law (issue 18 item 5, Gatekeeper): for a pod rule built from fields the checker knows, combined with and/or/not,
 * the quantifiers and `effective`, compiling it to Gatekeeper and importing the output back lifts it from the Rego
 * (no SP3001), and `--verify` never finds the lifted rule disagreeing with the original template (no SP3002
 * counterexample). A rule the run could not both violate and satisfy is reported as unproven, which is allowed,
 * but most rules are proven. fast-check with a fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpressible, frontEnd } from '../../src/compile.js';
import { importPolicies } from '../../src/import/index.js';

const containerTests = [
  'securityContext.privileged = true',
  'securityContext.runAsUser >= 1000',
  'image matches "registry.example.com/*"',
  'image matches regex ":latest$"',
  'image not matches "*:latest"',
  'securityContext.capabilities.drop contains "ALL"',
  'securityContext.capabilities.add contains only ["NET_BIND_SERVICE"]',
  'securityContext.capabilities.add contains any of ["SYS_ADMIN", "NET_RAW"]',
  'resources.limits.memory > 2Gi',
  'resources.limits.cpu exists',
  'securityContext.readOnlyRootFilesystem is absent',
  'securityContext.allowPrivilegeEscalation != true',
  'name not in ["a", "b"]',
  'effective runAsNonRoot = true',
  'effective seccompProfile.type in ["RuntimeDefault", "Localhost"]',
  'any port has hostPort > 0',
  'any env has valueFrom.secretKeyRef exists',
];

const podTests = [
  'spec.hostNetwork = true',
  'spec.serviceAccountName is empty',
  'metadata.labels.team exists',
  'spec.securityContext.runAsUser = 0',
  'any volume has hostPath exists',
  'no volume has emptyDir.medium = "Memory"',
];

const combine = (leaf: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.letrec<{ p: string }>((tie) => ({
    p: fc.oneof(
      { depthSize: 'small', maxDepth: 2 },
      leaf,
      fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} and ${b})`),
      fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} or ${b})`),
      tie('p').map((a) => `not (${a})`),
    ),
  })).p;

const containerPredicate = combine(fc.constantFrom(...containerTests));
const domains = ['container', 'app container', 'init container', 'ephemeral container'];
const podPredicate = combine(
  fc.oneof(
    fc.constantFrom(...podTests),
    fc.tuple(fc.constantFrom('any', 'every', 'no'), fc.constantFrom(...domains), containerPredicate).map(([q, d, p]) => `${q} ${d} has (${p})`),
  ),
);
const rule = fc.tuple(fc.constantFrom('forbid', 'require'), podPredicate);

const today = '2026-06-01';

describe('Gatekeeper round trip of generated pod rules', () => {
  it('lifts every generated rule, and --verify never finds it disagreeing with the original template', async () => {
    let proven = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(rule, async ([effect, predicate]) => {
        const text = `policy generated {\n  mode enforce\n  applies to pods\n\n  rule r {\n    ${effect} ${predicate}\n  }\n}\n`;
        const front = frontEnd(['generated.secpol'], () => ({ bytes: Buffer.from(text) }), { today });
        // A generated rule the checker refuses (a contradiction it reports) says nothing about the lift.
        fc.pre(front.value !== undefined && !front.diagnostics.some((d) => d.severity === 'error'));
        const compiled = await compileExpressible(front.value!.set, ['gatekeeper']);
        const inputs = compiled.value!.files.filter((f) => f.path.startsWith('gatekeeper/')).map((f) => ({ path: f.path, text: f.content }));
        const r = await importPolicies(inputs, { today, verify: { runs: 150, seed: 1 } });
        expect(r.diagnostics.filter((d) => d.code === 'SP3001').map((d) => d.message)).toEqual([]);
        // Disagreement (a counterexample request) is never allowed; an unexercised rule is.
        expect(r.diagnostics.filter((d) => d.code === 'SP3002' && !/never (violated|satisfied)|never gave a verdict/.test(d.message)).map((d) => `${text}\n${d.message}`)).toEqual([]);
        total++;
        if (r.value!.rules.every((x) => x.status === 'proven')) proven++;
      }),
      { seed: 18_05, numRuns: 60, endOnFailure: true },
    );
    expect(total).toBeGreaterThanOrEqual(20);
    expect(proven / total).toBeGreaterThan(0.6);
  }, 600_000);
});
