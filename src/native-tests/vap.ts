import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import { evaluateVap, loadVapDocuments } from '../engines/vap/index.js';
import { celKyvernoTest, type CelTestOutcome } from './cel-suite.js';
import type { NativeCase, SuiteFile } from './common.js';

/** One `results[]` entry of a Kyverno CLI Test for a ValidatingAdmissionPolicy (the CLI reports the policy, no rule). */
export interface VapTestResult {
  readonly policy: string;
  readonly isValidatingAdmissionPolicy: true;
  readonly kind: string;
  readonly resources: readonly string[];
  readonly result: 'pass' | 'fail';
}

/**
 * A `kyverno-test.yaml` for one policy's ValidatingAdmissionPolicies: `kyverno test` evaluates Kubernetes'
 * ValidatingAdmissionPolicy with the API server's own library when a result says `isValidatingAdmissionPolicy:
 * true` (https://kyverno.io/docs/kyverno-cli/usage/test/), so the real CEL runtime judges secpol's output. One
 * result per VAP object (a policy whose pod-security lines use other modes has several): `fail` when any of its
 * validations denies, whatever the binding's validationActions. Expected results come from secpol's offline VAP
 * engine on the emitted text; samples the VAP does not match are not listed (the CLI reports nothing for them).
 * Every case's namespace goes into values.yaml with its `kubernetes.io/metadata.name` label, which the emitted
 * namespaceSelectors read and a real API server sets on every Namespace.
 */
export function vapTestFor(policy: string, testDir: string, file: EmittedFile, cases: readonly NativeCase[], options: { readonly name?: string; readonly notes?: readonly string[] } = {}): SuiteFile[] {
  const loaded = loadVapDocuments(YAML.parseAllDocuments(file.content).map((d) => d.toJSON() as unknown).filter((d) => d !== null && d !== undefined));
  if (loaded.errors.length) throw new Error(`the emitted VAP documents of ${policy} do not load: ${loaded.errors.join('; ')}`);
  // A policy omitted from vap leaves a file with only a comment: nothing for `kyverno test` to run.
  if (loaded.policies.length === 0) return [];
  return celKyvernoTest(
    {
      policy,
      testDir,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.notes !== undefined ? { notes: options.notes } : {}),
      policyFile: file,
      resultFlag: 'isValidatingAdmissionPolicy',
      engine: 'ValidatingAdmissionPolicy',
      kind: 'ValidatingAdmissionPolicy',
      judge(c, namespace) {
        const results = evaluateVap(loaded, { object: c.object, operation: 'CREATE', ...(namespace ? { namespace } : {}) });
        const out = new Map<string, CelTestOutcome>();
        for (const vap of loaded.policies) {
          const own = results.filter((r) => r.policy === vap.name);
          if (own.length) out.set(vap.name, own.every((r) => r.allowed) ? 'pass' : 'fail');
        }
        return out;
      },
    },
    cases,
  );
}
