import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { kyvernoAdapter } from '../../../src/verify/adapters/kyverno.js';
import { renderDisagreement, verifyPolicies } from '../../../src/verify/verify.js';
import { irOf } from '../../helpers/dsl.js';

/**
 * Laws of the Kyverno backend, checked on generated policies:
 * - the offline Kyverno engine, run on the emitted YAML, agrees with the IR reference evaluator (src/eval) on
 *   every rule for requests biased to the policy's constants (src/verify does the generating and comparing);
 * - emitting twice is byte-identical.
 */

const podScalar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('spec.hostNetwork = true', 'spec.hostPID != false', 'spec.hostIPC exists', 'spec.nodeName is absent'),
  fc.constantFrom('spec.serviceAccountName = "default"', 'spec.serviceAccountName in ["a", "b"]', 'spec.serviceAccountName not in ["a"]', 'spec.serviceAccountName matches "sa*"'),
  fc.constantFrom('spec.terminationGracePeriodSeconds > 30', 'spec.terminationGracePeriodSeconds <= 0', 'spec.priority >= 1000'),
  fc.constantFrom('metadata.labels.app = "web"', 'metadata.labels is empty', 'metadata.annotations["a.b/c"] exists', 'spec.volumes is not empty'),
);

const containerTest: fc.Arbitrary<string> = fc.constantFrom(
  'securityContext.privileged = true',
  'securityContext.allowPrivilegeEscalation != false',
  'image matches "*:latest"',
  'image not matches "registry.corp/*"',
  'image matches regex "^[a-z]+:[0-9.]+$"',
  'resources.limits.memory > 512Mi',
  'resources.requests.cpu <= 100m',
  'securityContext.capabilities.add contains "SYS_ADMIN"',
  'securityContext.capabilities.drop contains only ["ALL"]',
  'securityContext.capabilities.add contains none of ["NET_RAW"]',
  'securityContext.capabilities.drop contains any of ["ALL", "NET_RAW"]',
  'effective runAsNonRoot = true',
  'effective runAsUser > 0',
  'effective seccompProfile.type in ["RuntimeDefault", "Localhost"]',
  'any port has hostPort exists',
  'every env has value exists',
);

const containerPredicate: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small' },
    containerTest,
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} and ${b})`),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} or ${b})`),
    tie('p').map((a) => `not (${a})`),
  ),
})).p;

const podPredicate: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small' },
    podScalar,
    fc.tuple(fc.constantFrom('any', 'every', 'no'), fc.constantFrom('container', 'init container', 'app container'), containerPredicate).map(([q, d, b]) => `${q} ${d} has (${b})`),
    fc.tuple(fc.constantFrom('any', 'every', 'no'), fc.constantFrom('volume hostPath.path matches "/var/*"', 'port containerPort < 1024')).map(([q, t]) => `${q} ${t.replace(' ', ' has ')}`),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} and ${b})`),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(${a} or ${b})`),
    tie('p').map((a) => `not (${a})`),
  ),
})).p;

const policyText: fc.Arbitrary<string> = fc
  .record({
    rules: fc.array(fc.tuple(fc.constantFrom('require', 'forbid'), podPredicate, fc.option(podScalar, { nil: undefined })), { minLength: 1, maxLength: 3 }),
    scope: fc.constantFrom('', 'except namespaces "kube-system"', 'where labels app = "web"', 'where namespace labels env != "dev"', 'on create, update, delete'),
    exception: fc.constantFrom('', 'exception e { namespaces "legacy" images "nginx*" reason "r" }', 'exception e { workloads Deployment "default/app" reason "r" }'),
  })
  .map(({ rules, scope, exception }) => {
    const body = rules.map(([verb, p, when], i) => `  rule r${i} {\n    ${when ? `when ${when}\n    ` : ''}${verb} ${p}\n  }`).join('\n');
    return `policy gen {\n  applies to pods\n  ${scope}\n${body}\n  ${exception}\n}\n`;
  });

function parsesAndChecks(text: string): boolean {
  try {
    irOf(text);
    return true;
  } catch {
    return false;
  }
}

describe('Kyverno backend laws', () => {
  it('agrees with the IR evaluator on generated policies and requests', () => {
    fc.assert(
      fc.property(policyText.filter(parsesAndChecks), (text) => {
        const set = irOf(text);
        const out = kyvernoBackend.emit(set);
        expect(out.diagnostics).toEqual([]);
        const [report] = verifyPolicies(set, [kyvernoAdapter(out.value ?? [])], { runs: 60, seed: 11 });
        if (report?.disagreement) throw new Error(`${text}\n${renderDisagreement(report.disagreement)}`);
      }),
      { numRuns: 60, seed: 20260601 },
    );
  });

  it('emits byte-identical text twice', () => {
    fc.assert(
      fc.property(policyText.filter(parsesAndChecks), (text) => {
        const set = irOf(text);
        expect(kyvernoBackend.emit(set).value?.map((f) => f.content)).toEqual(kyvernoBackend.emit(irOf(text)).value?.map((f) => f.content));
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
