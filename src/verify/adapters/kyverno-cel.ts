import { evaluateKyvernoCel, loadKyvernoCelDocuments } from '../../engines/kyverno-cel/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter, type EngineVerdict } from '../adapter.js';

/**
 * The offline Kyverno ValidatingPolicy engine's verdicts on the emitted documents (parsed back from their text, never
 * the IR). Validation i of a ValidatingPolicy (or of its autogen variant) is the rule named by the i-th entry of its
 * `secpol.dev/rules` annotation; a PolicyException's skip is no violation; a match-condition error is a violation of
 * every rule (`<policy>/*`). A violation blocks when the policy's validationActions include Deny.
 */
export function kyvernoCelAdapter(files: readonly EmittedFile[]): EngineAdapter {
  const loaded = loadKyvernoCelDocuments(documentsOf(files, 'kyverno-cel'));
  if (loaded.errors.length) throw new Error(`the emitted ValidatingPolicy documents do not load: ${loaded.errors.join('; ')}`);
  const rulesOf = new Map(loaded.policies.map((p) => [p.name, { policy: p.annotations['secpol.dev/policy'] ?? p.name, rules: JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[] }]));
  return {
    backend: 'kyverno-cel',
    evaluate(request) {
      const results = evaluateKyvernoCel(loaded, {
        object: request.object,
        operation: request.operation,
        ...(request.namespace !== undefined ? { namespace: { name: request.namespace, labels: request.namespaceLabels } } : {}),
        ...(request.subResource ? { subresource: request.subResource } : {}),
        ...(request.userInfo ? { userInfo: request.userInfo } : {}),
      });
      const out = new Map<string, EngineVerdict>();
      for (const r of results) {
        if (r.exception !== undefined) continue;
        const names = rulesOf.get(r.policy)!;
        const key = r.validation < 0 ? `${names.policy}/*` : `${names.policy}/${names.rules[r.validation]}`;
        const violated = !r.allowed;
        const prev = out.get(key);
        if (!prev || (violated && !prev.violated)) out.set(key, { violated, message: r.error ? `error: ${r.error}` : r.message, ...(violated ? { blocks: r.actions.includes('Deny') } : {}) });
      }
      return out;
    },
  };
}
