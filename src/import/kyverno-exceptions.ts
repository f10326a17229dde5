/**
 * Kyverno PolicyExceptions (`kyverno.io/v2`, `v2beta1`) to secpol `exception` blocks. Checked against the Kyverno
 * docs, "Policy Exceptions" (https://kyverno.io/docs/exceptions/: `spec.exceptions[].policyName`/`ruleNames`, a
 * `match` of resource filters as in rules, optional `conditions`; a matching exception makes the named rules skip
 * the resource) and docs/engines/kyverno.md (autogen rule names `autogen-<rule>` for the Pod controllers and
 * `autogen-cronjob-<rule>` for CronJobs; the time functions). secpol's exception filters (docs/language/exceptions.md)
 * are namespaces, and workloads: a Pod by namespace and name, or a controller together with the objects its
 * controllers create. What has no such reading is SP3001 at the exception; `--verify` runs the original
 * exceptions with the original policy, so a translation that exempts more or less than they do is not proven.
 */
import { ownedLevels } from '../ir/index.js';
import type { ImportedException, MissingRule, YamlPathStep } from './model.js';
import { literal, nameOf } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

export function isPolicyException(v: unknown): boolean {
  return isMap(v) && v['kind'] === 'PolicyException' && typeof v['apiVersion'] === 'string' && /^kyverno\.io\/v2(beta1|alpha1)?$/.test(v['apiVersion']);
}

/** The policy names a PolicyException refers to (`<namespace>/<name>` for a namespaced Policy). */
export function exceptionPolicies(doc: YamlDoc): string[] {
  const spec = isMap((doc.value as Json)['spec']) ? ((doc.value as Json)['spec'] as Json) : {};
  const list = Array.isArray(spec['exceptions']) ? spec['exceptions'] : [];
  return [...new Set(list.flatMap((e) => (isMap(e) && typeof e['policyName'] === 'string' ? [e['policyName']] : [])))];
}

/** An imported rule as exceptions see it: its Kyverno name, secpol key, and whether autogen made controller rules of it. */
export interface ExceptionTarget {
  readonly original: string;
  readonly key: string;
  readonly autogen: boolean;
  /** The kinds the rule judges (with autogen: Pod and the controllers). */
  readonly kinds: readonly string[];
}

const CONTROLLER_KINDS = ['DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet'];

/** The Kyverno rule names that judge objects of `kind` for one imported rule. */
function namesFor(t: ExceptionTarget, kind: string | undefined): string[] {
  if (!t.autogen) return [t.original];
  if (kind === undefined) return [t.original, `autogen-${t.original}`, `autogen-cronjob-${t.original}`];
  if (kind === 'Pod') return [t.original];
  if (kind === 'CronJob') return [`autogen-cronjob-${t.original}`];
  return [`autogen-${t.original}`];
}

interface Filter {
  readonly lines: string[];
  /** Kinds the secpol filter exempts (undefined: every kind). */
  readonly kinds?: readonly string[];
  /** Namespaces with kinds: a rule is exempt only when the kinds cover every kind it judges. */
  readonly namespaceKinds?: readonly string[];
}

export interface ExceptionImport {
  readonly exceptions: ImportedException[];
  /** Exceptions not translated, with the secpol rules they name (which are then not imported either). */
  readonly problems: (MissingRule & { readonly rules: readonly string[] })[];
}

/**
 * The exceptions of `docs` that name Kyverno policy `policy`, for its imported rules `targets`. A second exception
 * that exempts the objects a workload's controllers create (match by the controller's service account in the
 * workload's namespace, conditions on the controller ownerReference naming it) joins the workload's own.
 */
export function importExceptions(policy: string, docs: readonly YamlDoc[], targets: readonly ExceptionTarget[]): ExceptionImport {
  const exceptions: ImportedException[] = [];
  const problems: ExceptionImport['problems'] = [];
  const consumed = new Set<YamlDoc>();
  for (const doc of docs) {
    if (consumed.has(doc)) continue;
    const v = doc.value as Json;
    const name = isMap(v['metadata']) && typeof v['metadata']['name'] === 'string' ? v['metadata']['name'] : 'unnamed';
    const spec = isMap(v['spec']) ? v['spec'] : {};
    const listed = new Set<string>();
    let badNames: number | undefined;
    for (const [i, e] of (Array.isArray(spec['exceptions']) ? spec['exceptions'] : []).entries()) {
      if (!isMap(e) || e['policyName'] !== policy) continue;
      const names = strings(e['ruleNames']);
      if (!names || names.some((n) => /[*?]/.test(n))) badNames = i;
      for (const n of names ?? []) listed.add(n);
    }
    // The rules an untranslated exception names: without it they are not what the original enforces.
    const touched = targets.filter((t) => badNames !== undefined || namesFor(t, undefined).some((n) => listed.has(n))).map((t) => t.key);
    const fail = (reason: string, at: YamlPathStep[]) => problems.push({ original: `PolicyException ${name}`, origin: spanAt(doc, at), reason, rules: touched });
    if (badNames !== undefined) {
      fail('ruleNames that are not a list of rule names', ['spec', 'exceptions', badNames]);
      continue;
    }
    const extra = Object.keys(spec).filter((k) => !['exceptions', 'match', 'conditions', 'background'].includes(k));
    if (extra.length) {
      fail(`spec.${extra[0]}${extra[0] === 'podSecurity' ? ' (exempting Pod Security controls of a podSecurity rule)' : ''}`, ['spec', extra[0]!]);
      continue;
    }
    const expires = expiryOf(spec['conditions']);
    if (expires === undefined) {
      fail('conditions other than one time_before(time_now_utc(), <midnight UTC>) (an exception in force until a date)', ['spec', 'conditions']);
      continue;
    }
    const filters = matchFilters(spec['match']);
    if (typeof filters === 'string') {
      fail(filters, ['spec', 'match']);
      continue;
    }
    for (const f of filters) {
      const r = filterOf(f.resources, f.other);
      if (typeof r === 'string') {
        fail(r, ['spec', 'match']);
        continue;
      }
      let filter = r;
      const workload = r.kinds?.length === 1 && CONTROLLER_KINDS.includes(r.kinds[0]!) ? r : undefined;
      if (workload) {
        // The controller alone: secpol's workloads filter also exempts what its controllers create.
        const companion = docs.find((d) => d !== doc && !consumed.has(d) && ownsFor(d, workload.kinds![0]!, workload.lines[0]!, listed, policy, expires));
        if (!companion) {
          fail(`the exception of the ${workload.kinds![0]} alone, without the pods its controller creates (secpol's workloads filter exempts both; give the exception of those pods too)`, ['spec', 'match']);
          continue;
        }
        consumed.add(companion);
        filter = { lines: r.lines, kinds: [workload.kinds![0]!, ...ownedLevels(workload.kinds![0]!).map((l) => l.kind)] };
      }
      const rules: string[] = [];
      let mixed: string | undefined;
      for (const t of targets) {
        if (filter.namespaceKinds) {
          // A secpol namespace exception exempts every kind the rule judges: the Kyverno one must match them all.
          const judged = t.kinds.filter((k) => filter.namespaceKinds!.includes(k));
          const needed = [...new Set(judged.flatMap((k) => namesFor(t, k)))];
          const hit = needed.filter((n) => listed.has(n));
          if (hit.length === 0) continue;
          if (judged.length === t.kinds.length && hit.length === needed.length) rules.push(t.key);
          else mixed = `it exempts rule ${t.original} for some of the kinds it judges but not others (kinds ${t.kinds.filter((k) => !judged.includes(k)).join(', ') || 'all matched'}; rule names ${needed.filter((n) => !listed.has(n)).join(', ') || 'all listed'})`;
          continue;
        }
        const needed = [...new Set((filter.kinds ?? [undefined]).flatMap((k) => namesFor(t, k)))];
        const hit = needed.filter((n) => listed.has(n));
        if (hit.length === needed.length) rules.push(t.key);
        else if (hit.length) mixed = `it exempts rule ${t.original} for some of the kinds it matches but not others (${needed.filter((n) => !listed.has(n)).join(', ')} not listed)`;
      }
      if (mixed) {
        fail(mixed, ['spec', 'exceptions']);
        continue;
      }
      if (rules.length === 0) continue;
      const base = nameOf(name.startsWith(`${policy}-`) ? name.slice(policy.length + 1) : name, 'exception');
      exceptions.push({ name: filters.length > 1 ? `${base}-${exceptions.length + 1}` : base, filter: filter.lines, rules, reason: `imported from Kyverno PolicyException ${name}`, ...(expires ? { expires } : {}) });
    }
  }
  return { exceptions, problems };
}

/** `conditions` of an exception: none (''), or one `time_before(time_now_utc(), 'D+1T00:00:00Z')` (D); else undefined. */
function expiryOf(conditions: unknown, extraAny = false): string | undefined {
  if (conditions === undefined) return '';
  if (!isMap(conditions)) return undefined;
  const keys = Object.keys(conditions).filter((k) => !(extraAny && k === 'any'));
  if (keys.length === 0 && extraAny) return '';
  if (keys.length !== 1 || keys[0] !== 'all' || !Array.isArray(conditions['all']) || conditions['all'].length !== 1) return undefined;
  const c = conditions['all'][0];
  if (!isMap(c) || c['operator'] !== 'Equals' || c['value'] !== true || typeof c['key'] !== 'string') return undefined;
  const m = /^\{\{\s*time_before\(\s*time_now_utc\(\)\s*,\s*'(\d{4}-\d{2}-\d{2})T00:00:00Z'\s*\)\s*\}\}$/.exec(c['key'].trim());
  if (!m) return undefined;
  const end = new Date(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(end.getTime())) return undefined;
  // secpol's `expires D` holds through D in UTC, so it ends at the instant the condition stops holding.
  return new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10);
}

interface RawFilter {
  readonly resources: Json;
  readonly other: Json;
}

function matchFilters(match: unknown): RawFilter[] | string {
  if (!isMap(match)) return 'an exception without a match block';
  const keys = Object.keys(match);
  if (keys.length !== 1 || (keys[0] !== 'any' && keys[0] !== 'all')) return `the match keys ${keys.join(', ')} (only any, or all of one filter)`;
  const list = match[keys[0]!];
  if (!Array.isArray(list) || list.length === 0 || (keys[0] === 'all' && list.length !== 1)) return 'a match list that is empty, or all of several filters';
  const out: RawFilter[] = [];
  for (const f of list) {
    if (!isMap(f) || !isMap(f['resources'])) return 'a match filter without resources';
    const { resources, ...other } = f;
    out.push({ resources: resources as Json, other });
  }
  return out;
}

/** One resource filter as secpol exception filter lines: namespaces alone, or one workload by kind, namespace, name. */
function filterOf(resources: Json, other: Json): Filter | string {
  if (Object.keys(other).length) return `a match filter with ${Object.keys(other)[0]} (secpol exceptions filter by namespace and workload)`;
  const extra = Object.keys(resources).filter((k) => !['kinds', 'namespaces', 'names'].includes(k));
  if (extra.length) return `match resources.${extra[0]}`;
  const kinds = strings(resources['kinds']);
  const namespaces = strings(resources['namespaces']);
  const names = strings(resources['names']);
  if ([kinds, namespaces, names].some((l, i) => resources[['kinds', 'namespaces', 'names'][i]!] !== undefined && (!l || l.length === 0 || l.some((x) => /[*?]/.test(x))))) return 'kinds, namespaces or names that are not plain lists of names';
  if (!kinds && !names && namespaces) return { lines: [`namespaces ${namespaces.map((n) => literal(n)).join(', ')}`] };
  if (kinds && !names && namespaces) return { lines: [`namespaces ${namespaces.map((n) => literal(n)).join(', ')}`], namespaceKinds: kinds.map((k) => k.split('/').pop()!) };
  if (kinds?.length === 1 && namespaces?.length === 1 && names?.length === 1) {
    const kind = kinds[0]!.split('/').pop()!;
    if (kind !== 'Pod' && !CONTROLLER_KINDS.includes(kind) && kind !== 'CronJob') return `an exception for one ${kind} (secpol exempts workloads: Pods and their controllers)`;
    return { lines: [`workloads ${kind} ${literal(`${namespaces[0]}/${names[0]}`)}`], kinds: [kind] };
  }
  return 'a match other than namespaces alone or one workload by kind, namespace and name';
}

/**
 * Whether `doc` exempts, for the same rules and until the same date, the objects `kind`'s controllers create for
 * the workload `line` names: its filters match the owned kinds in the workload's namespace, requested by the
 * controllers' service accounts, and its conditions read the ownerReferences and name the workload.
 */
function ownsFor(doc: YamlDoc, kind: string, line: string, listed: ReadonlySet<string>, policy: string, expires: string): boolean {
  const v = doc.value as Json;
  if (!isPolicyException(v)) return false;
  const spec = isMap(v['spec']) ? v['spec'] : {};
  const names = new Set<string>();
  for (const e of Array.isArray(spec['exceptions']) ? spec['exceptions'] : []) if (isMap(e) && e['policyName'] === policy) for (const n of strings(e['ruleNames']) ?? []) names.add(n);
  if (names.size !== listed.size || [...names].some((n) => !listed.has(n))) return false;
  if (expiryOf(spec['conditions'], true) !== expires) return false;
  const m = /^workloads \w+ "([^"/]+)\/([^"]+)"$/.exec(line);
  if (!m) return false;
  const [, namespace, name] = m;
  const filters = matchFilters(spec['match']);
  if (typeof filters === 'string') return false;
  const levels = ownedLevels(kind);
  const kinds = new Set(filters.flatMap((f) => strings(f.resources['kinds']) ?? []));
  if (levels.some((l) => !kinds.has(l.kind))) return false;
  for (const f of filters) {
    if (JSON.stringify(f.resources['namespaces']) !== JSON.stringify([namespace])) return false;
    const subjects = Array.isArray(f.other['subjects']) ? f.other['subjects'] : [];
    const accounts = subjects.flatMap((s) => (isMap(s) && s['kind'] === 'ServiceAccount' && s['namespace'] === 'kube-system' && typeof s['name'] === 'string' ? [s['name']] : []));
    if (accounts.length === 0 || accounts.some((a) => !levels.some((l) => l.controller === a))) return false;
  }
  const conditions = JSON.stringify(spec['conditions'] ?? {});
  return conditions.includes('ownerReferences') && conditions.includes(name!);
}

/** The exception as secpol lines (inside the policy block), keeping only rules still imported. */
export function exceptionLines(e: ImportedException, keys: ReadonlySet<string>): string[] {
  const rules = e.rules.filter((r) => keys.has(r));
  // Controls count while a pod-security line is imported (with no `rules` line, controls and no images exempt no rule).
  const controls = [...keys].some((k) => k.startsWith('pod-security-')) ? (e.controls ?? []) : [];
  if (rules.length === 0 && controls.length === 0) return [];
  return [`exception ${e.name} {`, ...e.filter.map((l) => `  ${l}`), ...(controls.length ? [`  controls ${controls.join(', ')}`] : []), ...(rules.length ? [`  rules ${rules.join(', ')}`] : []), `  reason ${literal(e.reason)}`, ...(e.expires ? [`  expires ${e.expires}`] : []), '}'];
}
