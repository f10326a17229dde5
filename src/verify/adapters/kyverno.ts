import { evaluateResource, loadKyvernoDocuments, oracleFromFacts } from '../../engines/kyverno/index.js';
import { DEFAULT_NOW_NS } from '../../engines/rego/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter, type EngineVerdict } from '../adapter.js';

/**
 * The secpol rule a Kyverno rule reports for: a `pod-security` line is one Kyverno rule per check,
 * `pod-security-<mode>-<control>` (backends/kyverno explicitPodSecurityRules), violated when any check fails.
 */
export function secpolRule(kyvernoRule: string): string {
  return kyvernoRule.replace(/^(pod-security-(?:enforce|audit|warn))-[a-z-]+$/, '$1');
}

/**
 * Kyverno's verdicts on the emitted ClusterPolicies (and PolicyExceptions), by the offline engine.
 * A rule result `fail` is a violation; so is `error` (Kyverno blocks an Enforce request whose rule errors),
 * which keeps a backend from hiding a broken expression behind an error.
 */
export function kyvernoAdapter(files: readonly EmittedFile[]): EngineAdapter {
  const documents = documentsOf(files, 'kyverno');
  const loaded = loadKyvernoDocuments(documents);
  // A policy mixing failure actions is two ClusterPolicies (backends/kyverno byFailureAction): report both under it.
  const secpolPolicy = new Map<string, string>();
  for (const d of documents as { kind?: unknown; metadata?: { name?: unknown; annotations?: Record<string, unknown> } }[]) {
    const owner = d.metadata?.annotations?.['secpol.dev/policy'];
    if (d.kind === 'ClusterPolicy' && typeof d.metadata?.name === 'string' && typeof owner === 'string') secpolPolicy.set(d.metadata.name, owner);
  }
  if (loaded.errors.length) throw new Error(`the emitted Kyverno documents do not load: ${loaded.errors.join('; ')}`);
  return {
    backend: 'kyverno',
    evaluate(request) {
      const results = evaluateResource(loaded.policies, request.object, {
        operation: request.operation,
        namespaceLabels: request.namespaceLabels,
        exceptions: loaded.exceptions,
        ...(request.subResource ? { subresource: request.subResource } : {}),
        ...(request.userInfo ? { userInfo: { username: request.userInfo.username } } : {}),
        // The request's instant is what time_now_utc() returns (exception expiry, issue 15 item 7); without one, the
        // fixed instant the Rego engine uses, so that no verdict depends on the machine's clock.
        now: request.now ?? DEFAULT_NOW_NS / 1e6,
        // What context API calls read: the objects generated beside the request (an empty cluster otherwise).
        cluster: request.inventory ?? [],
        // On an UPDATE, the stored object it replaces (request.oldObject).
        ...(request.oldObject !== undefined ? { oldObject: request.oldObject } : {}),
        // verifyImages rules: the engine's own reading of the suite's signature facts (none: the rules skip).
        ...(request.signatures ? { imageOracle: oracleFromFacts(request.signatures) } : {}),
      });
      const out = new Map<string, EngineVerdict>();
      for (const r of results) {
        const key = `${secpolPolicy.get(r.policy) ?? r.policy}/${secpolRule(r.rule)}`;
        const violated = r.status === 'fail' || r.status === 'error';
        const prev = out.get(key);
        // An error blocks under the default failurePolicy Fail; a fail blocks by the effective failure action.
        const blocks = r.status === 'error' || r.failureAction === 'Enforce';
        if (!prev || (violated && !prev.violated)) out.set(key, { violated, message: `${r.status}: ${r.message}`, ...(violated ? { blocks } : {}) });
      }
      return out;
    },
  };
}
