import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { compileTo } from '../../src/compile.js';
import { renderDisagreement, type EngineAdapter } from '../../src/verify/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';
import { dsl, irOf } from '../helpers/dsl.js';

/**
 * verify is only worth something if it catches a backend that emits the wrong thing. Each case compiles a
 * policy, flips one operator in the emitted text (asserting the flip happened), and expects a counterexample.
 */
const set = irOf(dsl`
  policy hardening {
    applies to pods
    rule min-uid {
      require every container has securityContext.runAsUser >= 1000
    }
    rule no-host-pid {
      forbid spec.hostPID = true
    }
  }`);

function mutate(files: readonly EmittedFile[], from: RegExp, to: string): EmittedFile[] {
  let hits = 0;
  const out = files.map((f) => ({ ...f, content: f.content.replace(from, () => (hits++, to)) }));
  expect(hits, `the mutation ${from} must apply to the emitted text`).toBeGreaterThan(0);
  return out;
}

async function adaptersOf(target: 'kyverno' | 'gatekeeper', mutation?: [RegExp, string]): Promise<readonly EngineAdapter[]> {
  const out = await compileTo(set, [target]);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const files = mutation ? mutate(out.value ?? [], ...mutation) : (out.value ?? []);
  return engineAdapters[target]!(files);
}

describe('verify catches a broken backend', () => {
  const mutations: Record<'kyverno' | 'gatekeeper', [RegExp, string]> = {
    kyverno: [/1000/g, '999'],
    gatekeeper: [/1000/g, '999'],
  };

  for (const target of ['kyverno', 'gatekeeper'] as const) {
    it(`${target}: the unmutated output verifies`, async () => {
      const reports = verifyPolicies(set, await adaptersOf(target), { runs: 300, seed: 5 });
      expect(reports.map((r) => r.disagreement && renderDisagreement(r.disagreement))).toEqual([undefined]);
    });

    it(`${target}: an off-by-one bound is caught with a shrunk counterexample`, async () => {
      const reports = verifyPolicies(set, await adaptersOf(target, mutations[target]), { runs: 1000, seed: 5 });
      const d = reports[0]?.disagreement;
      expect(d, 'a counterexample').toBeDefined();
      expect(d?.rule).toBe('min-uid');
      expect(renderDisagreement(d!)).toMatch(/runAsUser: 999/);
    });
  }
});
