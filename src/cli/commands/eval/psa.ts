/**
 * `secpol eval --engine psa`: labelled Namespaces (from `--policy` or among the resources) and the Pod Security
 * admission of each resource in its namespace, at every mode the labels set.
 */
import { admit, policyFromNamespaceLabels } from '../../../engines/psa/index.js';
import type { EngineRun, EvalContext, EvalVerdict } from './context.js';
import { identity } from './inputs.js';

export function runPsa(ctx: EvalContext): EngineRun {
  const namespaces = new Map<string, Record<string, string>>();
  for (const value of [...ctx.policies.map((d) => d.value), ...ctx.resources.map((r) => r.object)]) {
    const o = value as { kind?: unknown; metadata?: { name?: unknown; labels?: Record<string, string> } } | null;
    if (o?.kind === 'Namespace' && typeof o.metadata?.name === 'string' && !namespaces.has(o.metadata.name)) namespaces.set(o.metadata.name, o.metadata.labels ?? {});
  }
  const verdicts: EvalVerdict[] = [];
  for (const r of ctx.resources) {
    const id = identity(r);
    if (id.kind === 'Namespace' && !r.admission) continue;
    const ns = id.namespace ?? 'default';
    const labels = namespaces.get(ns) ?? ctx.namespaceLabels;
    const op = r.admission ? r.admission.operation : ctx.operation;
    const result = admit({ namespace: { name: ns, labels }, object: r.object, operation: op === 'UPDATE' ? 'UPDATE' : 'CREATE' });
    const policy = policyFromNamespaceLabels(labels);
    for (const mode of ['enforce', 'audit', 'warn'] as const) {
      const v = result[mode];
      const lv = policy[mode];
      const verdict = typeof v === 'string' ? 'skip' : v.allowed ? 'pass' : 'fail';
      const message = typeof v === 'string' ? v : v.failures.map((f) => `${f.reason ?? f.check}${f.detail ? ` (${f.detail})` : ''}`).join(', ');
      verdicts.push({ resource: id, policy: `namespace/${ns}`, rule: `${mode} ${lv.level}:${typeof lv.version === 'string' ? lv.version : `v1.${lv.version.minor}`}`, verdict, message });
    }
  }
  return { verdicts, diagnostics: [], warnings: [] };
}
