/**
 * Generation probes: the fields and values the ORIGINAL artifact reads, found by walking its YAML independently of
 * the translation, as extra rules of a policy used only to generate requests. Without them a translation that
 * forgets a field would never meet an object that sets it, and `--verify` could not see the difference.
 */
import { containerSchema, findKnownKind, podSchema, type FieldSchema } from '../check/fields/index.js';
import type { ImportedPolicy } from './model.js';
import { fieldType, resolveKind } from './kinds.js';
import { literal, pathText } from './text.js';
import * as jmespathLib from 'jmespath';

const jmespath = jmespathLib as unknown as { compile(expression: string): unknown };

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ANCHOR = /^([<=X^+]?)\((.+)\)$/;

interface Leaf {
  readonly domain?: string;
  readonly path: readonly string[];
  readonly values: readonly unknown[];
}

const containerLists: Readonly<Record<string, string>> = { containers: 'app container', initContainers: 'init container', ephemeralContainers: 'ephemeral container' };

/** Rule lines (`forbid …`) that mention every field and value of the original's Pod rules. */
export function probeRules(p: ImportedPolicy): string[][] {
  if (p.original.engine !== 'kyverno') return (p.probes ?? []).map((lines) => [...lines]);
  const leaves: Leaf[] = [];
  for (const doc of p.original.documents) {
    const rules = (doc as { spec?: { rules?: unknown } }).spec?.rules;
    for (const r of Array.isArray(rules) ? rules : []) {
      const v = isMap(r) && isMap(r['validate']) ? r['validate'] : {};
      const patterns = [v['pattern'], ...(Array.isArray(v['anyPattern']) ? v['anyPattern'] : [])];
      for (const pat of patterns) if (isMap(pat)) walk(pat, [], undefined, leaves);
      collectDeny(JSON.stringify(v['deny'] ?? null), leaves);
      for (const text of variables([r])) collectJmesPath(text, leaves);
    }
  }
  // Requests are generated for the kinds the imported rules apply to (pods unless every rule names other kinds).
  const scopes = [...new Set(p.rules.map((r) => r.lines[0] ?? '').filter((l) => l.startsWith('applies to ')))];
  const appliesTo = scopes.length === 1 && scopes[0] !== 'applies to pods' && scopes[0] !== 'applies to "v1" Pod' ? scopes[0]! : 'applies to pods';
  const kind = /^applies to "([^"]+)" (\w+)/.exec(appliesTo);
  const [group, version] = kind ? (kind[1]!.includes('/') ? kind[1]!.split('/') : ['', kind[1]!]) : ['', ''];
  const rootSchema: FieldSchema = (kind ? findKnownKind(group ?? '', version ?? '', kind[2]!)?.schema : undefined) ?? podSchema;
  const out: string[][] = [];
  for (const leaf of leaves) {
    if (leaf.domain && appliesTo !== 'applies to pods') continue;
    const schema: FieldSchema = leaf.domain ? containerSchema : rootSchema;
    const s = fieldType(schema, leaf.path);
    if (!s) continue;
    const path = pathText(leaf.path);
    const enumerated = enums[leaf.path.slice(-2).join('.')] ?? enums[leaf.path[leaf.path.length - 1] ?? ''] ?? [];
    const values = s.type === 'string-list' ? leaf.values.filter((v): v is string => typeof v === 'string').map((v) => `${path} contains ${literal(v)}`) : leaf.values.flatMap((v) => literalsFor(v, s.type)).concat(enumerated.map((e) => literal(e))).map((v) => `${path} = ${v}`);
    const tests = values.length ? values : [`${path} exists`];
    for (const t of tests) out.push([appliesTo, `forbid ${leaf.domain ? `any ${leaf.domain} has ${t}` : t}`]);
  }
  return [...out, ...kindProbes(p)];
}

/** The pod controllers `applies to pods` judges besides Pods (Kyverno autogen's defaults). */
const POD_KINDS = ['Pod', 'CronJob', 'DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet'];

/**
 * One probe per kind the original's rules match that no imported rule applies to, so that requests of that kind are
 * drawn: without them a translation that leaves a kind out is judged only on the kinds it keeps.
 */
function kindProbes(p: ImportedPolicy): string[][] {
  if (p.original.engine !== 'kyverno') return [];
  const covered = new Set<string>();
  for (const r of p.rules) {
    for (const line of r.lines.filter((l) => l.startsWith('applies to '))) {
      const subject = line.slice('applies to '.length);
      if (subject === 'pods') POD_KINDS.forEach((k) => covered.add(k === 'Pod' ? 'v1/Pod' : k));
      const m = /^"([^"]+)" (.+)$/.exec(subject);
      if (m) for (const k of m[2]!.split(', ')) covered.add(k === 'Pod' ? `${m[1]}/Pod` : k);
    }
  }
  const wanted = new Map<string, string[]>();
  for (const doc of p.original.documents) {
    const rules = (doc as { spec?: { rules?: unknown } }).spec?.rules;
    for (const r of Array.isArray(rules) ? rules : []) {
      if (!isMap(r) || !isMap(r['validate'])) continue;
      const match = isMap(r['match']) ? r['match'] : {};
      const filters = [match, ...(['any', 'all'] as const).flatMap((k) => (Array.isArray(match[k]) ? (match[k] as unknown[]) : []))];
      for (const f of filters) {
        const kinds = isMap(f) && isMap(f['resources']) && Array.isArray(f['resources']['kinds']) ? (f['resources']['kinds'] as unknown[]) : [];
        for (const text of kinds) {
          const k = typeof text === 'string' && !text.includes('*') ? resolveKind(text) : undefined;
          if (!k || covered.has(k.kind === 'Pod' ? `${k.apiVersion}/Pod` : k.kind)) continue;
          if (!findKnownKind(k.apiVersion.includes('/') ? k.apiVersion.split('/')[0]! : '', k.apiVersion.split('/').pop()!, k.kind)) continue;
          wanted.set(k.apiVersion, [...new Set([...(wanted.get(k.apiVersion) ?? []), k.kind])]);
        }
      }
    }
  }
  return [...wanted.entries()].map(([v, kinds]) => [`applies to ${literal(v)} ${kinds.join(', ')}`, 'forbid metadata.name exists']);
}

function walk(pattern: Json, prefix: string[], domain: string | undefined, out: Leaf[]): void {
  for (const [rawKey, value] of Object.entries(pattern)) {
    const key = ANCHOR.exec(rawKey.trim())?.[2] ?? rawKey;
    if (/[*?]/.test(key)) continue;
    const path = [...prefix, key];
    if (isMap(value)) walk(value, path, domain, out);
    else if (Array.isArray(value)) {
      const list = !domain && path.length === 2 && path[0] === 'spec' ? containerLists[key] : undefined;
      for (const item of value) if (isMap(item)) list ? walk(item, [], list, out) : walk(item, [...path], domain, out);
      if (!list) out.push({ ...(domain ? { domain } : {}), path, values: [] });
    } else out.push({ ...(domain ? { domain } : {}), path, values: [value] });
  }
}

/** Deny keys over the containers (`…[].a.b[]`): the path below the container, with every value of the conditions. */
function collectDeny(text: string, out: Leaf[]): void {
  for (const m of text.matchAll(/containers\]\[\]\.([A-Za-z0-9_.[\]]+)/g)) {
    const steps = m[1]!.split('.').map((s) => s.replace(/\[\]$/, ''));
    const values = [...text.matchAll(/"value":(\[[^\]]*\]|"[^"]*"|-?\d+)/g)].flatMap((v) => {
      const parsed = JSON.parse(v[1]!) as unknown;
      return Array.isArray(parsed) ? parsed : [parsed];
    });
    const ports = steps[0] === 'ports' ? steps.slice(1) : undefined;
    out.push({ domain: 'container', path: ports ? ['ports'] : steps, values: ports ? [] : values });
  }
}

/**
 * The values the API server accepts for enumerated fields the original may allow-list (Kubernetes API reference:
 * SeccompProfile.type, AppArmorProfile.type, SecurityContext.procMount): a value outside the allow-list must be one
 * of these, or the request never reaches admission.
 */
const enums: Readonly<Record<string, readonly string[]>> = {
  'seccompProfile.type': ['RuntimeDefault', 'Localhost', 'Unconfined'],
  'appArmorProfile.type': ['RuntimeDefault', 'Localhost', 'Unconfined'],
  procMount: ['Default', 'Unmasked'],
};

function literalsFor(value: unknown, type: FieldSchema['type']): string[] {
  if (type === 'boolean') return ['true', 'false'];
  if (type === 'integer' || type === 'number') {
    const nums = String(value).match(/-?\d+/g) ?? [];
    return [...new Set(nums.flatMap((n) => [n, String(Number(n) + 1)]))];
  }
  if (type === 'string') {
    const alts = typeof value === 'string' ? value.split('|').map((a) => a.trim().replace(/^!/, '').replace(/[*?]/g, 'x')).filter((a) => a && a !== 'null') : [];
    return [...alts.map((a) => literal(a)), literal('other')];
  }
  return [];
}

/** Every `{{ }}` expression and foreach `list` in a rule (deny, preconditions, foreach entries), as JMESPath text. */
function variables(v: unknown): string[] {
  if (typeof v === 'string') return [...v.matchAll(/\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!);
  if (Array.isArray(v)) return v.flatMap(variables);
  if (!isMap(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => (k === 'message' ? [] : k === 'list' && typeof x === 'string' ? [x, ...variables(x)] : variables(x)));
}

interface JNode {
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
  readonly children?: readonly JNode[];
}

/**
 * A field compared with literals in a JMESPath condition (`==`, `!=`, ordering, `contains(LIST, x)`): the field
 * below `request.object`, or below a foreach `element` or a filter's element (read as a container's field).
 */
function collectJmesPath(text: string, out: Leaf[]): void {
  let ast: JNode;
  try {
    ast = jmespath.compile(text.trim()) as JNode;
  } catch {
    return;
  }
  const pathOf = (n: JNode | undefined): string[] | undefined => {
    if (!n) return undefined;
    if (n.type === 'IndexExpression' && n.children?.[0]?.type === 'MultiSelectList' && n.children[0].children?.length === 1) return pathOf(n.children[0].children[0]);
    if (n.type === 'Field') return [String(n.name)];
    if (n.type === 'Subexpression') {
      const parts = (n.children ?? []).map(pathOf);
      return parts.every((p) => p) ? parts.flatMap((p) => p!) : undefined;
    }
    return undefined;
  };
  const add = (path: string[] | undefined, values: unknown[]) => {
    if (!path || path.length === 0) return;
    if (path[0] === 'request' && path[1] === 'object') out.push({ path: path.slice(2), values });
    else out.push({ domain: 'container', path: path[0] === 'element' ? path.slice(1) : path, values });
  };
  const visit = (n: JNode): void => {
    const [a, b] = n.children ?? [];
    if (n.type === 'Comparator' && a && b) {
      if (b.type === 'Literal') add(pathOf(a), [b.value]);
      else if (a.type === 'Literal') add(pathOf(b), [a.value]);
    }
    if (n.type === 'Function' && n.name === 'contains' && a?.type === 'Literal' && Array.isArray(a.value) && b) add(pathOf(b), a.value);
    for (const c of n.children ?? []) visit(c);
  };
  visit(ast);
}
