/**
 * Kyverno's autogen for a ValidatingPolicy's pod controllers, as Kyverno computes it (kyverno/kyverno
 * pkg/cel/autogen: support.go CanAutoGen, config.go, vpol.go, match.go, replacement.go; docs:
 * kyverno.io/docs/policy-types/validating-policy, "autogen"). A policy whose match is exactly one resource rule on
 * the core v1 `pods`, with no selectors, exclusions or resource names, also runs, for each pod controller, on the
 * controller's pod template: one variant per path rewrite (`defaults` for DaemonSet, Deployment, ReplicaSet,
 * StatefulSet and Job; `cronjobs` for CronJob) with
 *   - matchConstraints: the variant's controllers, grouped by group/version, with the first rule's operations;
 *   - matchConditions: each `!(<is one of the variant's controllers>) || (<condition>)`, renamed `autogen-<ref>-<name>`;
 *   - every string of the spec rewritten: `object.spec` → `object.<template>.spec`, `object.metadata` →
 *     `object.<template>.metadata` (and the same for `oldObject`), except where `.name` or `.namespace` follows,
 *     which stay the controller's own. Kyverno rewrites the marshalled JSON text; rewriting each string value is the
 *     same, as neither the patterns nor a protected suffix contain a character JSON escapes.
 */

export interface AutogenTarget {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly replacements: 'defaults' | 'cronjobs';
}

export const autogenTargets: Readonly<Record<string, AutogenTarget>> = {
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', replacements: 'defaults' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', replacements: 'defaults' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', replacements: 'defaults' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', replacements: 'defaults' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', replacements: 'defaults' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', replacements: 'cronjobs' },
};

const templates: Readonly<Record<AutogenTarget['replacements'], string>> = { defaults: 'spec.template', cronjobs: 'spec.jobTemplate.spec.template' };

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type Spec = { readonly [key: string]: Json };

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : isMap(v) ? Object.keys(v).length > 0 : false);

/** CanAutoGen: the match is one rule on exactly the core v1 `pods`, without selectors, exclusions or names. */
export function canAutoGen(match: unknown): boolean {
  if (!isMap(match)) return false;
  for (const key of ['namespaceSelector', 'objectSelector']) {
    const s = match[key];
    if (isMap(s) && (nonEmpty(s['matchLabels']) || nonEmpty(s['matchExpressions']))) return false;
  }
  if (nonEmpty(match['excludeResourceRules'])) return false;
  const rules = match['resourceRules'];
  if (!Array.isArray(rules) || rules.length !== 1 || !isMap(rules[0])) return false;
  const r = rules[0];
  const only = (key: string, value: string) => Array.isArray(r[key]) && (r[key] as unknown[]).length === 1 && (r[key] as unknown[])[0] === value;
  return !nonEmpty(r['resourceNames']) && only('apiGroups', '') && only('apiVersions', 'v1') && only('resources', 'pods');
}

const isIdentifierChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** replacement.go `replace`: every `from` becomes `to` unless `.name` or `.namespace` follows as a whole segment. */
function replaceUnprotected(text: string, from: string, to: string): string {
  let out = '';
  let rest = text;
  for (let i = rest.indexOf(from); i >= 0; i = rest.indexOf(from)) {
    out += rest.slice(0, i);
    const after = rest.slice(i + from.length);
    const protectedSuffix = ['.namespace', '.name'].some((s) => after.startsWith(s) && !isIdentifierChar(after[s.length]));
    out += protectedSuffix ? from : to;
    rest = after;
  }
  return out + rest;
}

/** The spec's strings with the variant's path rewrites applied, in Kyverno's order (spec, then metadata). */
export function rewrite(value: Json, replacements: AutogenTarget['replacements']): Json {
  if (typeof value === 'string') {
    let s = value;
    for (const field of ['spec', 'metadata']) {
      for (const root of ['object', 'oldObject']) s = replaceUnprotected(s, `${root}.${field}`, `${root}.${templates[replacements]}.${field}`);
    }
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, replacements));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v as Json, replacements)]));
  return value;
}

/** The controllers autogen covers: `spec.autogen.podControllers.controllers` when set (an empty list: none), else all. */
export function autogenControllers(spec: Spec): string[] {
  const autogen = spec['autogen'];
  const pc = isMap(autogen) ? autogen['podControllers'] : undefined;
  const list = isMap(pc) ? pc['controllers'] : undefined;
  return Array.isArray(list) ? [...new Set(list.filter((c): c is string => typeof c === 'string' && c in autogenTargets))] : Object.keys(autogenTargets);
}

/** The autogen variants of a ValidatingPolicy spec, by replacement set (sorted, as vpol.go), each a spec of its own. */
export function autogenVariants(spec: Spec): { readonly replacements: AutogenTarget['replacements']; readonly spec: Spec }[] {
  if (!canAutoGen(spec['matchConstraints'])) return [];
  const byReplacements = new Map<AutogenTarget['replacements'], AutogenTarget[]>();
  for (const c of autogenControllers(spec)) {
    const t = autogenTargets[c]!;
    byReplacements.set(t.replacements, [...(byReplacements.get(t.replacements) ?? []), t]);
  }
  const rule = ((spec['matchConstraints'] as Spec)['resourceRules'] as readonly Spec[])[0]!;
  return [...byReplacements.keys()].sort().map((replacements) => {
    const targets = byReplacements.get(replacements)!;
    const groups = new Map<string, Set<string>>();
    for (const t of targets) groups.set(`${t.group}/${t.version}`, (groups.get(`${t.group}/${t.version}`) ?? new Set()).add(t.resource));
    const resourceRules = [...groups.keys()].sort().map((gv) => {
      const [group, version] = gv.split('/') as [string, string];
      return { apiGroups: [group], apiVersions: [version], resources: [...groups.get(gv)!].sort(), operations: rule['operations'] ?? [] };
    });
    const precondition = [...new Set(targets.map((t) => `(object.apiVersion == '${t.group ? `${t.group}/` : ''}${t.version}' && object.kind =='${t.kind}')`))].sort().join('||');
    const conditions = Array.isArray(spec['matchConditions']) ? (spec['matchConditions'] as readonly Spec[]) : [];
    const matchConditions = conditions.map((m) => ({ name: `autogen-${replacements}-${String(m['name'])}`, expression: `!(${precondition}) || (${String(m['expression'])})` }));
    const variant: Spec = { ...spec, matchConstraints: { resourceRules }, ...(matchConditions.length ? { matchConditions } : {}) };
    return { replacements, spec: rewrite(variant, replacements) as Spec };
  });
}
