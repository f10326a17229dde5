import { evaluateVap, loadVapDocuments, type LoadedVap } from '../../engines/vap/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter, type EngineVerdict } from '../adapter.js';

/**
 * The offline VAP engine's verdicts on the emitted documents (parsed back from their text, never the IR).
 * Validation i of a policy is the rule named by the i-th entry of its `secpol.dev/rules` annotation; a denied
 * validation (false, or an expression error under failurePolicy Fail) is a violation; a match-condition error
 * is a violation of every rule (`<policy>/*`).
 */
export function vapAdapter(files: readonly EmittedFile[]): EngineAdapter {
  const loaded: LoadedVap = loadVapDocuments(documentsOf(files, 'vap'));
  if (loaded.errors.length) throw new Error(`the emitted VAP documents do not load: ${loaded.errors.join('; ')}`);
  const rulesOf = new Map(loaded.policies.map((p) => [p.name, { policy: p.annotations['secpol.dev/policy'] ?? p.name, rules: JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[] }]));
  return {
    backend: 'vap',
    evaluate(request) {
      const results = evaluateVap(loaded, {
        object: request.object,
        operation: request.operation,
        ...(request.namespace !== undefined ? { namespace: { name: request.namespace, labels: request.namespaceLabels } } : {}),
        ...(request.subResource ? { subresource: request.subResource } : {}),
        ...(request.userInfo ? { userInfo: request.userInfo } : {}),
      });
      const out = new Map<string, EngineVerdict>();
      for (const r of results) {
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
