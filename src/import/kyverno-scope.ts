/**
 * The scope of a Kyverno rule: `match`/`exclude` resource filters (Kyverno docs, "Match/Exclude":
 * https://kyverno.io/docs/writing-policies/match-exclude/) with kinds, namespaces and a namespaceSelector, and the
 * autogen annotation (https://kyverno.io/docs/writing-policies/autogen/); anything that narrows further is refused.
 */
import { no, ok, type Translation, type YamlPathStep } from './model.js';
import { resolveKind, subjectOf, type Subject } from './kinds.js';
import { literal } from './text.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

export interface Scope {
  readonly subject: Subject;
  readonly namespaces: readonly string[];
  readonly excluded: readonly string[];
  /** `where namespace labels …` from match.resources.namespaceSelector. */
  readonly namespaceLabels?: string;
  /** `where labels …` from match.resources.selector. */
  readonly labels?: string;
}

export function sameNamespaces(a: Scope, b: Scope): boolean {
  return JSON.stringify([a.namespaces, a.excluded, a.namespaceLabels ?? '', a.labels ?? '']) === JSON.stringify([b.namespaces, b.excluded, b.namespaceLabels ?? '', b.labels ?? '']);
}

/**
 * A Kubernetes label selector (matchLabels, matchExpressions In/NotIn/Exists/DoesNotExist: the API reference's
 * LabelSelector) as secpol label tests, which have the same meaning (docs/language/scope.md).
 */
function labelTests(selector: unknown, at: YamlPathStep[]): Translation<string> {
  if (!isMap(selector)) return no('a label selector that is not a map', at);
  const extra = Object.keys(selector).filter((k) => k !== 'matchLabels' && k !== 'matchExpressions');
  if (extra.length) return no(`the label selector key ${extra[0]}`, [...at, extra[0]!]);
  const tests: string[] = [];
  const labels = selector['matchLabels'] ?? {};
  if (!isMap(labels)) return no('matchLabels that is not a map', [...at, 'matchLabels']);
  for (const k of Object.keys(labels).sort()) {
    const v = labels[k];
    if (typeof v !== 'string') return no(`the label value ${JSON.stringify(v)}`, [...at, 'matchLabels', k]);
    tests.push(`${literal(k)} = ${literal(v)}`);
  }
  const exprs = selector['matchExpressions'] ?? [];
  if (!Array.isArray(exprs)) return no('matchExpressions that is not a list', [...at, 'matchExpressions']);
  for (const [i, e] of exprs.entries()) {
    const where = [...at, 'matchExpressions', i];
    if (!isMap(e) || typeof e['key'] !== 'string') return no('a match expression without a key', where);
    const key = literal(e['key']);
    const values = strings(e['values'] ?? []);
    if (!values) return no('match expression values that are not strings', where);
    const list = `[${values.map((v) => literal(v)).join(', ')}]`;
    switch (e['operator']) {
      case 'In':
        if (!values.length) return no('In without values', where);
        tests.push(`${key} in ${list}`);
        break;
      case 'NotIn':
        if (!values.length) return no('NotIn without values', where);
        tests.push(`${key} not in ${list}`);
        break;
      case 'Exists':
        tests.push(`${key} exists`);
        break;
      case 'DoesNotExist':
        tests.push(`${key} is absent`);
        break;
      default:
        return no(`the match expression operator ${JSON.stringify(e['operator'])}`, where);
    }
  }
  if (tests.length === 0) return no('an empty label selector', at);
  return ok(tests.join(' and '));
}

/** `match`/`exclude` with resource kinds and namespaces only; anything that narrows further is refused. */
/**
 * Whether a rule's match or exclude filters by names, selector or annotations, which turns autogen off for the whole
 * policy (Kyverno docs, "Auto-Gen Rules for Pod Controllers"; docs/engines/kyverno.md).
 */
export function disablesAutogen(rule: unknown): boolean {
  if (!isMap(rule)) return false;
  const filters = [rule['match'], rule['exclude']].flatMap((b) => (isMap(b) ? [b, ...(Array.isArray(b['any']) ? b['any'] : []), ...(Array.isArray(b['all']) ? b['all'] : [])] : []));
  return filters.some((f) => isMap(f) && isMap(f['resources']) && ['name', 'names', 'selector', 'annotations'].some((k) => (f['resources'] as Json)[k] !== undefined));
}

export function scopeOf(rule: Json, autogen: unknown, at: YamlPathStep[]): Translation<Scope> {
  const match = rule['match'];
  const filters = resourceFilters(match, [...at, 'match']);
  if (!filters.ok) return filters;
  if (filters.value.length !== 1) return no('a match with several resource filters (any/all of more than one)', [...at, 'match']);
  const f = filters.value[0]!;
  const allowed = ['kinds', 'namespaces', 'operations', 'namespaceSelector', 'selector'];
  const extra = Object.keys(f.resources).filter((k) => !allowed.includes(k));
  if (extra.length) return no(`match.resources.${extra[0]}`, [...f.at, extra[0]!]);
  if (f.other.length) return no(`match by ${f.other[0]}`, f.at);
  const ops = strings(f.resources['operations']);
  if (f.resources['operations'] !== undefined && !(ops && ops.length === 2 && ops.includes('CREATE') && ops.includes('UPDATE'))) return no('match.resources.operations other than CREATE and UPDATE', [...f.at, 'operations']);
  const kindTexts = strings(f.resources['kinds']);
  if (!kindTexts || kindTexts.length === 0) return no('match.resources.kinds missing or not a list of names', [...f.at, 'kinds']);
  const kinds = [];
  for (const k of kindTexts) {
    const r = resolveKind(k);
    if (!r || k.includes('*')) return no(`the kind ${JSON.stringify(k)}`, [...f.at, 'kinds']);
    kinds.push(r);
  }
  // Autogen applies a Pod rule to the pod templates of controllers unless the annotation turns it off.
  // Listing exactly secpol's pod controllers is `applies to pods` too (the default adds ReplicationController).
  const listed = typeof autogen === 'string' ? autogen.split(',').map((c) => c.trim()).sort().join(',') : undefined;
  const controllers = autogen === undefined || autogen === 'all' || listed === 'CronJob,DaemonSet,Deployment,Job,ReplicaSet,StatefulSet' ? true : autogen === 'none' ? false : undefined;
  if (controllers === undefined) return no(`the autogen-controllers annotation ${JSON.stringify(autogen)} (only the default, all, none, or exactly the controllers secpol's pods cover)`, ['metadata', 'annotations']);
  const subject = subjectOf(kinds, controllers, true, 'several');
  if (typeof subject === 'string') return no(subject, [...f.at, 'kinds']);
  const namespaces = strings(f.resources['namespaces']) ?? [];
  if (namespaces.some((n) => /[*?]/.test(n))) return no('a namespace wildcard', [...f.at, 'namespaces']);
  let excluded: string[] = [];
  if (rule['exclude'] !== undefined) {
    const ex = resourceFilters(rule['exclude'], [...at, 'exclude']);
    if (!ex.ok) return ex;
    for (const e of ex.value) {
      const keys = Object.keys(e.resources);
      if (e.other.length || keys.some((k) => k !== 'namespaces')) return no('an exclude other than by namespace names', e.at);
      const ns = strings(e.resources['namespaces']);
      if (!ns || ns.some((n) => /[*?]/.test(n))) return no('exclude namespaces that are not plain names', [...e.at, 'namespaces']);
      excluded = [...excluded, ...ns];
    }
  }
  let namespaceLabels: string | undefined;
  if (f.resources['namespaceSelector'] !== undefined) {
    const sel = labelTests(f.resources['namespaceSelector'], [...f.at, 'namespaceSelector']);
    if (!sel.ok) return sel;
    namespaceLabels = sel.value;
  }
  let labels: string | undefined;
  if (f.resources['selector'] !== undefined) {
    const sel = labelTests(f.resources['selector'], [...f.at, 'selector']);
    if (!sel.ok) return sel;
    labels = sel.value;
  }
  return ok({ subject, namespaces, excluded: [...new Set(excluded)].sort(), ...(namespaceLabels ? { namespaceLabels } : {}), ...(labels ? { labels } : {}) });
}

interface Filter {
  readonly resources: Json;
  readonly other: readonly string[];
  readonly at: YamlPathStep[];
}

/** The resource filters of a match/exclude block: `any` (one filter, or exclude's alternatives), `all` of one, or the legacy form. */
function resourceFilters(block: unknown, at: YamlPathStep[]): Translation<Filter[]> {
  if (!isMap(block)) return no('a rule without a match block', at);
  const one = (f: unknown, where: YamlPathStep[]): Filter | undefined => {
    if (!isMap(f) || !isMap(f['resources'])) return undefined;
    return { resources: f['resources'], other: Object.keys(f).filter((k) => k !== 'resources'), at: [...where, 'resources'] };
  };
  if (Array.isArray(block['any']) || Array.isArray(block['all'])) {
    if (block['any'] !== undefined && block['all'] !== undefined) return no('both any and all', at);
    const key = block['any'] !== undefined ? 'any' : 'all';
    const list = block[key] as unknown[];
    if (key === 'all' && list.length !== 1) return no('match.all of several filters', [...at, key]);
    const out: Filter[] = [];
    for (const [i, f] of list.entries()) {
      const r = one(f, [...at, key, i]);
      if (!r) return no('a filter without resources', [...at, key, i]);
      out.push(r);
    }
    return ok(out);
  }
  const legacy = one(block, at);
  return legacy ? ok([legacy]) : no('a match block without resources', at);
}
