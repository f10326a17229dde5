import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { compileTo } from '../../src/compile.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';
import { dsl, irOf } from '../helpers/dsl.js';

/**
 * verify with the Kyverno ValidatingPolicy engine: the PolicyException path (a namespace exception leaves the CEL
 * for a policies.kyverno.io PolicyException), the per-mode split (blocks), and mutations of the emitted text that
 * verify must catch.
 */
const set = irOf(dsl`
  policy hardening {
    applies to pods
    mode audit
    rule min-uid {
      require every container has securityContext.runAsUser >= 1000
    }
    enforce pod-security baseline version v1.30
    exception legacy {
      namespaces "legacy"
      reason "migrating"
    }
  }`);

async function filesOf(): Promise<readonly EmittedFile[]> {
  const out = await compileTo(set, ['kyverno-cel']);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(out.value!.some((f) => f.content.includes('kind: PolicyException'))).toBe(true);
  return out.value!;
}

function mutate(files: readonly EmittedFile[], from: RegExp, to: string): EmittedFile[] {
  let hits = 0;
  const out = files.map((f) => ({ ...f, content: f.content.replace(from, () => (hits++, to)) }));
  expect(hits, `the mutation ${from} must apply to the emitted text`).toBeGreaterThan(0);
  return out;
}

const verify = (files: readonly EmittedFile[], runs = 600) => verifyPolicies(set, engineAdapters['kyverno-cel']!(files), { runs, seed: 5 })[0]!;

describe('verify: kyverno-cel', () => {
  it('the emitted ValidatingPolicies and PolicyException agree with the semantics', async () => {
    const report = verify(await filesOf());
    expect(report.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
    expect(report.compared['kyverno-cel']).toBeGreaterThan(0);
  });

  it('catches a PolicyException that names the wrong namespace', async () => {
    const report = verify(mutate(await filesOf(), /request\.namespace in \[\\"legacy\\"\]/g, 'request.namespace in [\\"legacy2\\"]'));
    expect(report.disagreement, 'a counterexample').toBeDefined();
  });

  it('catches an off-by-one bound in the CEL', async () => {
    const report = verify(mutate(await filesOf(), />= 1000\b/g, '>= 999'), 1000);
    expect(report.disagreement?.rule).toBe('min-uid');
  });

  it('catches a flipped validationActions (audit rules that block)', async () => {
    const report = verify(mutate(await filesOf(), /- Audit/g, '- Deny'));
    expect(report.disagreement, 'a counterexample').toBeDefined();
  });
});
