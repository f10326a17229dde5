/**
 * verify compares whether a violation BLOCKS, not only whether it is found: an audit-mode policy whose backend
 * output enforces (or an enforce-mode one that only reports) is a disagreement. Kyverno's collapsed failure
 * action (kyverno#16557) went unnoticed until this comparison existed.
 */
import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { compileTo } from '../../src/compile.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';
import { dsl, irOf } from '../helpers/dsl.js';

const set = irOf(dsl`
  policy reported {
    mode audit
    applies to pods
    rule no-host-pid {
      forbid spec.hostPID = true
    }
  }`);

async function reports(target: 'kyverno' | 'gatekeeper' | 'vap', mutation?: [RegExp, string]) {
  const out = await compileTo(set, [target]);
  let files: readonly EmittedFile[] = out.value ?? [];
  if (mutation) {
    let hits = 0;
    files = files.map((f) => ({ ...f, content: f.content.replace(mutation[0], () => (hits++, mutation[1])) }));
    expect(hits, `${mutation[0]} must apply`).toBeGreaterThan(0);
  }
  return verifyPolicies(set, engineAdapters[target]!(files), { runs: 200, seed: 3 });
}

describe('verify compares blocking with the policy mode', () => {
  const mutations = {
    kyverno: [/failureAction: Audit/g, 'failureAction: Enforce'],
    gatekeeper: [/enforcementAction: dryrun/g, 'enforcementAction: deny'],
    vap: [/- (Audit|Warn)\n/g, '- Deny\n'],
  } as const satisfies Record<string, [RegExp, string]>;
  for (const target of ['kyverno', 'gatekeeper', 'vap'] as const) {
    it(`${target}: an audit policy that blocks is caught`, async () => {
      expect((await reports(target)).map((r) => r.disagreement && renderDisagreement(r.disagreement))).toEqual([undefined]);
      const mutated = await reports(target, [...mutations[target]] as [RegExp, string]);
      expect(mutated[0]!.disagreement, target).toBeDefined();
      expect(renderDisagreement(mutated[0]!.disagreement!)).toContain('(blocks)');
    });
  }
});
