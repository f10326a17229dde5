/**
 * Bypasses an attacker would try (issue 22; docs/security.md "Bypasses considered"), each judged by the reference
 * semantics and by every backend's engine on its emitted artifacts.
 */
import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { adapterLabel, type EngineAdapter, type GeneratedRequest } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';

async function judges(text: string): Promise<{ verdicts: (request: GeneratedRequest) => Record<string, boolean> }> {
  const set = irOf(text);
  const policy = set.policies[0]!;
  const adapters: EngineAdapter[] = [];
  for (const target of ['kyverno', 'gatekeeper', 'vap'] as const) {
    const out = await compileTo(set, [target]);
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    adapters.push(...engineAdapters[target]!(out.value!));
  }
  return {
    verdicts(request) {
      const rule = policy.rules[0]!.name;
      const out: Record<string, boolean> = {};
      out['ir'] = evaluatePolicy(policy, { object: request.object, operation: request.operation, ...(request.namespace ? { namespace: request.namespace } : {}), namespaceLabels: request.namespaceLabels }).rules[0]!.outcome === 'fail';
      for (const a of adapters) {
        const v = a.evaluate(request);
        if (v) out[adapterLabel(a)] = v.get(`${policy.name}/${rule}`)?.violated ?? false;
      }
      return out;
    },
  };
}

const deployment = (namespace: string, templateNamespace: string): GeneratedRequest => ({
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: { template: { metadata: { namespace: templateNamespace, name: 'decoy' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } },
  },
  operation: 'CREATE',
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
});

describe('bypasses considered', () => {
  it('a pod rule reads the namespace and name of the controller as applied, not its template (issue 22 item 3)', async () => {
    const j = await judges(dsl`
      policy no-default {
        applies to pods
        rule not-in-default {
          forbid metadata.namespace = "default"
        }
      }`);
    const everywhere = (v: boolean) => ({ ir: v, kyverno: v, gatekeeper: v, 'gatekeeper-audit': v, vap: v });
    // The template claims another namespace; the API server creates the pods in default anyway.
    expect(j.verdicts(deployment('default', 'tenant-a'))).toEqual(everywhere(true));
    expect(j.verdicts(deployment('tenant-a', 'default'))).toEqual(everywhere(false));
  });
});
