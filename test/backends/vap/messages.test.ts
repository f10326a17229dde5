import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/eval/index.js';
import { requestArbitrary } from '../../../src/verify/generate.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { emitVap, vapAdapter } from './adapter.js';

/** messageExpression fills `{path}` placeholders from the same offending element the IR names. */
describe('vap messages', () => {
  it('agree with the IR on every violation', () => {
    const set = irOf(dsl`
      policy msgs {
        applies to pods
        rule priv {
          forbid any container has securityContext.privileged = true
          message "container {name} runs {image} privileged"
        }
        rule user {
          require every container has securityContext.runAsUser >= 1000
          message "container {name} runs as {securityContext.runAsUser}"
        }
        rule sa {
          require spec.serviceAccountName != "default"
          message "pod {metadata.name} uses {spec.serviceAccountName}"
        }
        exception img {
          rules priv, user
          images "ghcr.io/vendor/*"
          reason "r"
        }
      }
    `);
    const adapter = vapAdapter(emitVap(set));
    const policy = set.policies[0]!;
    let compared = 0;
    fc.assert(
      fc.property(requestArbitrary(policy), (request) => {
        const ir = evaluatePolicy(policy, { object: request.object, operation: request.operation, ...(request.namespace !== undefined ? { namespace: request.namespace } : {}), namespaceLabels: request.namespaceLabels });
        const engine = adapter.evaluate(request)!;
        for (const v of ir.rules) {
          if (v.outcome !== 'fail') continue;
          compared++;
          expect(engine.get(`msgs/${v.rule}`)?.message).toBe(`[msgs/${v.rule}] ${v.message}`);
        }
      }),
      { seed: 1, numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(50);
  });
});
