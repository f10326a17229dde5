/**
 * gatekeeper-library K8sHorizontalPodAutoscaler (library/general/horizontalpodautoscaler/template.yaml), read from its
 * Rego. The template judges any object whose request kind is HorizontalPodAutoscaler (the Constraint's match selects
 * the autoscaling group: autoscaling/v2 and v1 are served) with three violations:
 *
 * - replicas: unless some entry of `ranges` has `min_replicas <= spec.minReplicas` and `max_replicas >=
 *   spec.maxReplicas` (inclusive); `count(ranges) > 0` first, so an empty list (or one without an entry with both
 *   bounds) reports every HPA, while without `ranges` the message's sprintf argument is undefined and it reports none;
 * - spread: unless `minimumReplicaSpread` holds as a body expression (any value but false: 0 included) and
 *   `spec.maxReplicas - spec.minReplicas >= minimumReplicaSpread`; without the parameter the message is undefined
 *   again, and it reports nothing;
 * - target (`enforceScaleTargetRef` true): unless data.inventory.namespace[ns][apiVersion][kind][name] holds the
 *   scaleTargetRef's object, by the exact apiVersion string. OPA evaluates the key references outside the `not`
 *   (docs/engines/rego.md), so a scaleTargetRef without apiVersion reports nothing. The template asks Gatekeeper to
 *   sync apps/v1 Deployments and StatefulSets only (requires-sync-data), so a ReplicaSet or ReplicationController
 *   target is never found.
 *
 * Translated as one rule `require RANGES and SPREAD and TARGET` over both HPA versions, with the target as
 * `(not spec.scaleTargetRef.apiVersion exists or spec.scaleTargetRef.kind in ["Deployment", "StatefulSet"] and any
 * scale target referenced by spec.scaleTargetRef has metadata.name exists)` (docs/language/references.md). The API
 * server defaults minReplicas to 1 and requires maxReplicas, scaleTargetRef.kind and .name, so they are there in
 * every HPA admission sees. A Constraint whose ranges make the template report every HPA, or whose parameters make it
 * report none, stays SP3001.
 */
import { no, ok, type Translation, type YamlPathStep } from './model.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** The served versions of HorizontalPodAutoscaler (v2beta1 and v2beta2 are no longer served). */
const hpaVersions = ['autoscaling/v2', 'autoscaling/v1'];

/** Whether match.kinds selects autoscaling HorizontalPodAutoscaler (no kinds: every kind; `*` wildcards included). */
function selectsHpa(match: unknown, at: YamlPathStep[]): Translation<boolean> {
  const kinds = isMap(match) ? match['kinds'] : undefined;
  if (kinds === undefined) return ok(true);
  if (!Array.isArray(kinds)) return no('match.kinds that is not a list', at);
  for (const [i, k] of kinds.entries()) {
    if (!isMap(k)) return no('a kinds entry that is not a map', [...at, 'kinds', i]);
    const groups = strings(k['apiGroups']) ?? [];
    const names = strings(k['kinds']) ?? [];
    if ((groups.length === 0 || groups.includes('*') || groups.includes('autoscaling')) && (names.length === 0 || names.includes('*') || names.includes('HorizontalPodAutoscaler'))) return ok(true);
  }
  return ok(false);
}

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function translateHorizontalPodAutoscaler(p: Json, match: unknown, at: YamlPathStep[], matchAt: YamlPathStep[]): Translation<{ applies: string[]; body: string }> {
  const s = selectsHpa(match, matchAt);
  if (!s.ok) return s;
  if (!s.value) return no('a match that selects no HorizontalPodAutoscaler (the template then never reports anything)', matchAt);

  const parts: string[] = [];
  const ranges = p['ranges'];
  if (ranges !== undefined) {
    if (!Array.isArray(ranges)) return no('parameters.ranges that is not a list', [...at, 'ranges']);
    const allowed: string[] = [];
    for (const [i, r] of ranges.entries()) {
      if (!isMap(r)) return no('a ranges entry that is not a map', [...at, 'ranges', i]);
      const min = r['min_replicas'];
      const max = r['max_replicas'];
      // An entry without one of its bounds never holds (the Rego comparison is undefined): it allows nothing.
      if (min === undefined || max === undefined) continue;
      if (!isInteger(min) || !isInteger(max)) return no('a ranges entry whose min_replicas or max_replicas is not an integer', [...at, 'ranges', i]);
      allowed.push(`(spec.minReplicas >= ${min} and spec.maxReplicas <= ${max})`);
    }
    if (allowed.length === 0) return no('no ranges entry with both min_replicas and max_replicas (the template then reports every HorizontalPodAutoscaler)', [...at, 'ranges']);
    parts.push(allowed.length === 1 ? allowed[0]! : `(${allowed.join(' or ')})`);
  }

  const spread = p['minimumReplicaSpread'];
  if (spread !== undefined) {
    if (!isInteger(spread)) return no('a minimumReplicaSpread that is not an integer', [...at, 'minimumReplicaSpread']);
    parts.push(`spec.maxReplicas >= spec.minReplicas${spread === 0 ? '' : spread > 0 ? ` + ${spread}` : ` - ${-spread}`}`);
  }

  const enforce = p['enforceScaleTargetRef'];
  if (enforce !== undefined && typeof enforce !== 'boolean') return no('an enforceScaleTargetRef that is not a boolean', [...at, 'enforceScaleTargetRef']);
  // Only the kinds the template asks Gatekeeper to sync can be found in data.inventory.
  if (enforce) parts.push('(not spec.scaleTargetRef.apiVersion exists or spec.scaleTargetRef.kind in ["Deployment", "StatefulSet"] and any scale target referenced by spec.scaleTargetRef has metadata.name exists)');
  if (parts.length === 0) return no('no ranges, minimumReplicaSpread or enforceScaleTargetRef (the template then reports nothing)', at);
  return ok({ applies: hpaVersions.map((v) => `applies to "${v}" HorizontalPodAutoscaler`), body: `require ${parts.join(' and ')}` });
}
