/**
 * Denial messages name the element that breaks the rule (issue 15, item 2; docs/language/messages.md): in the
 * reference semantics, and in every backend's engine run on its emitted artifacts. The element the IR names is
 * checked independently here (found by name in the object and tested with the rule's own condition written out
 * in TypeScript), so a semantics that names a compliant element cannot pass by agreeing with itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { requestArbitrary } from '../../src/verify/generate.js';
import { adapterLabel, type EngineAdapter } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';

const set = irOf(dsl`
  policy named {
    applies to pods
    rule privileged {
      forbid any container has securityContext.privileged = true
      message "container {name} runs privileged"
    }
    rule non-root {
      require every container has securityContext.runAsNonRoot = true
      message "container {name} must set runAsNonRoot"
    }
    rule no-latest {
      require no container has image matches "*:latest"
      message "container {name} uses a latest tag"
    }
  }
`);

/** The rule conditions, written independently of src/eval: does the named container break its rule? */
const breaks: Record<string, (c: Record<string, unknown>) => boolean> = {
  privileged: (c) => (c['securityContext'] as { privileged?: unknown } | undefined)?.privileged === true,
  'non-root': (c) => (c['securityContext'] as { runAsNonRoot?: unknown } | undefined)?.runAsNonRoot !== true,
  'no-latest': (c) => typeof c['image'] === 'string' && c['image'].endsWith(':latest'),
};

function containersOf(object: Record<string, unknown>): Record<string, unknown>[] {
  const spec = (object['kind'] === 'Pod' ? object['spec'] : ((object['spec'] as Record<string, unknown> | undefined)?.['template'] as Record<string, unknown> | undefined)?.['spec'] ?? ((((object['spec'] as Record<string, unknown> | undefined)?.['jobTemplate'] as Record<string, unknown> | undefined)?.['spec'] as Record<string, unknown> | undefined)?.['template'] as Record<string, unknown> | undefined)?.['spec']) as Record<string, unknown> | undefined;
  return ['containers', 'initContainers', 'ephemeralContainers'].flatMap((k) => (Array.isArray(spec?.[k]) ? (spec![k] as unknown[]) : [])).filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null);
}

/** Backend engines prefix their messages (`fail: `, `[policy/rule] `); the element named is what matters. */
const named = (message: string | undefined): string | undefined => /container (.*?) (runs|must|uses)/.exec(message ?? '')?.[1];

/** The same rules without `message`: the default message names the element too (issue 16 item 5). */
const unwritten = irOf(dsl`
  policy named {
    applies to pods
    rule privileged {
      forbid any container has securityContext.privileged = true
    }
    rule non-root {
      require every container has securityContext.runAsNonRoot = true
    }
    rule no-latest {
      require no container has image matches "*:latest"
    }
  }
`);

async function namesABreakingElement(set: typeof unwritten): Promise<void> {
  const policy = set.policies[0]!;
  {
    const adapters: EngineAdapter[] = [];
    for (const target of ['kyverno', 'gatekeeper', 'vap'] as const) {
      const out = await compileTo(set, [target]);
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // privileged and non-root are Kyverno patterns per container (view.ts elementPatternValidate), no-latest a
      // foreach deny: the check below covers the message Kyverno substitutes with the failing `element` of both.
      if (target === 'kyverno') expect(out.value!.map((f) => f.content).join('').match(/\n {10}pattern:/g)?.length).toBe(2);
      adapters.push(...engineAdapters[target]!(out.value!));
    }
    let checked = 0;
    fc.assert(
      fc.property(requestArbitrary(policy), (request) => {
        const ir = evaluatePolicy(policy, { object: request.object, operation: request.operation, ...(request.namespace ? { namespace: request.namespace } : {}), namespaceLabels: request.namespaceLabels });
        for (const v of ir.rules) {
          if (v.outcome !== 'fail') continue;
          const containers = containersOf(request.object);
          // Names are not unique in generated objects: some container with the name must break the rule.
          const offends = (name: string | undefined) => containers.some((c) => String(c['name'] ?? '<missing>') === name && breaks[v.rule]!(c));
          expect(offends(named(v.message)), `semantics names ${named(v.message)} for ${v.rule}`).toBe(true);
          for (const a of adapters) {
            const verdicts = a.evaluate(request);
            if (!verdicts) continue;
            // Gatekeeper reports one violation per offending container; any of them is a right answer.
            const message = verdicts.get(`named/${v.rule}`)?.message;
            expect(offends(named(message)), `${adapterLabel(a)} on ${v.rule}: ${message}`).toBe(true);
          }
          checked++;
        }
      }),
      { seed: 7, numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(100);
  }
}

describe('denial messages name an element that breaks the rule', () => {
  it('in the semantics and in every backend engine', async () => {
    await namesABreakingElement(set);
  });

  it('also with the default message of a rule written without one', async () => {
    expect(unwritten.policies[0]!.rules.map((r) => r.message?.parts.map((p) => (p.kind === 'text' ? p.text : `{${p.path.join('.')}}`)).join(''))).toEqual([
      'container {name} must not have image matches "*:latest" (rule no-latest)',
      'container {name} must have securityContext.runAsNonRoot = true (rule non-root)',
      'container {name} must not have securityContext.privileged = true (rule privileged)',
    ]);
    await namesABreakingElement(unwritten);
  });
});
