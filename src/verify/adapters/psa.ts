import { admit } from '../../engines/psa/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter, type EngineVerdict } from '../adapter.js';

interface LabelledNamespace {
  readonly labels: Record<string, string>;
  readonly policies: readonly string[];
}

/**
 * Pod Security Admission decides from namespace labels. The emitted Namespace objects say which namespaces are
 * labelled (and by which policy: the secpol.dev/policy annotation); a Pod is admitted into its namespace with
 * those labels. PSA enforces on Pods only (controllers get audit/warn), so only Pods are compared for enforce.
 */
export function psaAdapter(files: readonly EmittedFile[]): EngineAdapter {
  const namespaces = new Map<string, LabelledNamespace>();
  for (const doc of documentsOf(files, 'psa')) {
    const d = doc as { kind?: string; metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };
    if (d.kind !== 'Namespace' || !d.metadata?.name) continue;
    const policy = d.metadata.annotations?.['secpol.dev/policy'];
    const prev = namespaces.get(d.metadata.name);
    namespaces.set(d.metadata.name, { labels: { ...(prev?.labels ?? {}), ...(d.metadata.labels ?? {}) }, policies: [...(prev?.policies ?? []), ...(policy ? [policy] : [])] });
  }
  return {
    backend: 'psa',
    evaluate(request) {
      const out = new Map<string, EngineVerdict>();
      const ns = request.namespace ? namespaces.get(request.namespace) : undefined;
      if (!ns || request.operation === 'DELETE') return out;
      // PSA judges the ephemeralcontainers subresource like the Pod (pod-security-admission admission.go).
      const result = admit({ namespace: { name: request.namespace ?? '', labels: ns.labels }, object: request.object, operation: request.operation === 'UPDATE' ? 'UPDATE' : 'CREATE', ...(request.subResource ? { subresource: request.subResource } : {}) });
      const isPod = (request.object as { kind?: string }).kind === 'Pod';
      for (const policy of ns.policies) {
        for (const mode of ['enforce', 'audit', 'warn'] as const) {
          const v = result[mode];
          if (typeof v === 'string') continue;
          if (mode === 'enforce' && !isPod) continue;
          out.set(`${policy}/pod-security-${mode}`, { violated: !v.allowed, message: v.failures.map((f) => f.reason ?? f.check).join(', ') });
        }
      }
      return out;
    },
  };
}
