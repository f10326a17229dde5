import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import { evaluateKyvernoCel, loadKyvernoCelDocuments } from '../engines/kyverno-cel/index.js';
import { celKyvernoTest, type CelTestOutcome } from './cel-suite.js';
import type { NativeCase, SuiteFile } from './common.js';

/** One `results[]` entry of a Kyverno CLI Test for a ValidatingPolicy (the CLI reports the policy, no rule). */
export interface KyvernoCelTestResult {
  readonly policy: string;
  readonly isValidatingPolicy: true;
  readonly kind: string;
  readonly resources: readonly string[];
  readonly result: 'pass' | 'fail' | 'skip';
}

const docsOf = (file: EmittedFile) => YAML.parseAllDocuments(file.content).map((d) => d.toJSON() as unknown).filter((d) => d !== null && d !== undefined);

/**
 * A `kyverno-test.yaml` for one policy's ValidatingPolicies: `kyverno test` runs Kyverno's own ValidatingPolicy
 * engine when a result says `isValidatingPolicy: true` (as kyverno/kyverno's test/cli/test-validating-policy suites
 * do), with the PolicyExceptions of `exceptions:`. One result per ValidatingPolicy and sample kind: `skip` when a
 * PolicyException exempts the sample, `fail` when any validation denies, else `pass`, whatever the
 * validationActions. Expected results come from secpol's offline kyverno-cel engine on the emitted text; samples no
 * policy matches are not listed. Namespaces and their labels go into values.yaml, as for the VAP suites.
 */
export function kyvernoCelTestFor(policy: string, testDir: string, files: { readonly policy: EmittedFile; readonly exceptions?: EmittedFile }, cases: readonly NativeCase[], options: { readonly name?: string; readonly notes?: readonly string[] } = {}): SuiteFile[] {
  const loaded = loadKyvernoCelDocuments([...docsOf(files.policy), ...(files.exceptions ? docsOf(files.exceptions) : [])]);
  if (loaded.errors.length) throw new Error(`the emitted ValidatingPolicy documents of ${policy} do not load: ${loaded.errors.join('; ')}`);
  if (loaded.policies.length === 0) return [];
  return celKyvernoTest(
    {
      policy,
      testDir,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.notes !== undefined ? { notes: options.notes } : {}),
      policyFile: files.policy,
      ...(files.exceptions ? { exceptionsFile: files.exceptions } : {}),
      resultFlag: 'isValidatingPolicy',
      engine: 'Kyverno ValidatingPolicy',
      kind: 'ValidatingPolicy',
      judge(c, namespace) {
        const results = evaluateKyvernoCel(loaded, { object: c.object, operation: 'CREATE', ...(namespace ? { namespace } : {}) });
        const out = new Map<string, CelTestOutcome>();
        for (const vp of loaded.policies) {
          const own = results.filter((r) => r.policy === vp.name);
          if (own.length) out.set(vp.name, own.some((r) => r.exception !== undefined) ? 'skip' : own.every((r) => r.allowed) ? 'pass' : 'fail');
        }
        return out;
      },
    },
    cases,
  );
}
