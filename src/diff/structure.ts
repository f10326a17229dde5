import type { LabelSelector, NetworkSet, Omission, Policy, PolicySet, Scope, Subject } from '../ir/index.js';
import { formatLine, type Span } from '../source/index.js';

/** Where a construct is written: `file:line`, and its source text. */
export interface SourceRef {
  readonly at: string;
  readonly text: string;
}

/** One structural change between two versions of a policy file, compared on the IR without spans. */
export interface StructuralChange {
  readonly kind: 'policy' | 'policy-settings' | 'rule' | 'exception' | 'pod-security' | 'network' | 'network-settings' | 'workload' | 'default-deny' | 'dns' | 'flow' | 'quarantine' | 'defaults';
  readonly change: 'added' | 'removed' | 'changed';
  /** The policy or network it belongs to. */
  readonly owner: string;
  /** The construct's name (a rule, an exception, a pod-security mode, a flow's source line). */
  readonly name: string;
  /** For settings: the fields that differ. */
  readonly fields?: readonly string[];
  /** For settings: each differing field (scope fields one by one) with its old and new value. */
  readonly settings?: readonly SettingChange[];
  readonly old?: SourceRef;
  readonly new?: SourceRef;
}

/** A policy or network setting that differs, with both values as written in a report (`(none)` when unset). */
export interface SettingChange {
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

/** The IR as JSON without spans, so moving a rule or editing a comment is no change. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'span' || key.endsWith('Span') ? undefined : v));
}

export function sourceRef(span: Span): SourceRef {
  return { at: formatLine(span), text: span.file.text.slice(span.start, span.end) };
}

function keyed<T>(items: readonly T[], key: (x: T) => string): Map<string, T> {
  return new Map(items.map((x) => [key(x), x]));
}

/** Added, removed and changed members of two keyed lists (new order first, then removed ones). */
function compareLists<T extends { readonly span: Span }>(kind: StructuralChange['kind'], owner: string, olds: readonly T[], news: readonly T[], key: (x: T) => string, out: StructuralChange[]): void {
  const a = keyed(olds, key);
  const b = keyed(news, key);
  for (const [k, n] of b) {
    const o = a.get(k);
    if (!o) out.push({ kind, change: 'added', owner, name: k, new: sourceRef(n.span) });
    else if (canonical(o) !== canonical(n)) out.push({ kind, change: 'changed', owner, name: k, old: sourceRef(o.span), new: sourceRef(n.span) });
  }
  for (const [k, o] of a) if (!b.has(k)) out.push({ kind, change: 'removed', owner, name: k, old: sourceRef(o.span) });
}

/** Lists whose members have no name (flows, default denies): a member is its canonical form; changes are remove + add. */
function compareUnnamed<T extends { readonly span: Span }>(kind: StructuralChange['kind'], owner: string, olds: readonly T[], news: readonly T[], out: StructuralChange[]): void {
  const a = new Set(olds.map(canonical));
  const b = new Set(news.map(canonical));
  const line = (x: T) => x.span.file.lineText(x.span.file.lineColumn(x.span.start).line).trim();
  for (const n of news) if (!a.has(canonical(n))) out.push({ kind, change: 'added', owner, name: line(n), new: sourceRef(n.span) });
  for (const o of olds) if (!b.has(canonical(o))) out.push({ kind, change: 'removed', owner, name: line(o), old: sourceRef(o.span) });
}

function changedFields(o: object, n: object, ignore: readonly string[]): string[] {
  const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => !ignore.includes(k) && k !== 'span' && !k.endsWith('Span'));
  return keys.filter((k) => canonical((o as Record<string, unknown>)[k]) !== canonical((n as Record<string, unknown>)[k])).sort();
}

function word(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : JSON.stringify(s);
}

function subject(s: Subject): string {
  return s.kind === 'pods' ? 'pods' : `${s.group ? `${s.group}/` : ''}${s.version} ${s.resourceKind}`;
}

function selector(s: LabelSelector | undefined): string {
  if (!s) return '(none)';
  const labels = Object.entries(s.matchLabels).map(([k, v]) => `${k} = ${word(v)}`);
  const expressions = s.matchExpressions.map((e) => `${e.key} ${e.operator}${e.values.length ? ` (${e.values.map(word).join(', ')})` : ''}`);
  return [...labels, ...expressions].join(', ') || '(any)';
}

function omission(o: Omission): string {
  return `${o.backends.join(', ')} because ${JSON.stringify(o.reason)}`;
}

/** A setting's value for a report: words bare, other strings quoted, lists comma-separated, `(none)` when unset or empty. */
function settingValue(v: unknown): string {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return '(none)';
  if (typeof v === 'string') return word(v);
  if (Array.isArray(v)) return v.map(settingValue).join(', ');
  return canonical(v);
}

const scopeFields: readonly { key: keyof Scope; show: (s: Scope) => string }[] = [
  { key: 'subjects', show: (s) => s.subjects.map(subject).join(', ') || '(none)' },
  { key: 'namespaces', show: (s) => settingValue(s.namespaces) },
  { key: 'excludedNamespaces', show: (s) => settingValue(s.excludedNamespaces) },
  { key: 'objectSelector', show: (s) => selector(s.objectSelector) },
  { key: 'namespaceSelector', show: (s) => selector(s.namespaceSelector) },
  { key: 'operations', show: (s) => settingValue(s.operations) },
];

/** Old and new values of the differing settings; `scope` is split into its fields. */
function settingChanges(o: object, n: object, fields: readonly string[]): SettingChange[] {
  const out: SettingChange[] = [];
  for (const field of fields) {
    const a = (o as Record<string, unknown>)[field];
    const b = (n as Record<string, unknown>)[field];
    if (field === 'scope') {
      for (const f of scopeFields) {
        const [x, y] = [f.show(a as Scope), f.show(b as Scope)];
        if (canonical((a as Scope)[f.key]) !== canonical((b as Scope)[f.key])) out.push({ field: `scope.${f.key}`, old: x, new: y });
      }
    } else if (field === 'omissions') {
      out.push({ field, old: (a as Omission[]).map(omission).join('; ') || '(none)', new: (b as Omission[]).map(omission).join('; ') || '(none)' });
    } else out.push({ field, old: settingValue(a), new: settingValue(b) });
  }
  return out;
}

function comparePolicy(o: Policy, n: Policy, out: StructuralChange[]): void {
  const fields = changedFields(o, n, ['rules', 'exceptions', 'podSecurity']);
  if (fields.length) out.push({ kind: 'policy-settings', change: 'changed', owner: n.name, name: n.name, fields, settings: settingChanges(o, n, fields), old: sourceRef(o.scope.span), new: sourceRef(n.scope.span) });
  compareLists('rule', n.name, o.rules, n.rules, (r) => r.name, out);
  compareLists('exception', n.name, o.exceptions, n.exceptions, (e) => e.name, out);
  compareLists('pod-security', n.name, o.podSecurity, n.podSecurity, (p) => `pod-security-${p.mode}`, out);
}

function compareNetwork(o: NetworkSet, n: NetworkSet, out: StructuralChange[]): void {
  const fields = changedFields(o, n, ['workloads', 'defaultDeny', 'dns', 'flows', 'quarantines']);
  if (fields.length) out.push({ kind: 'network-settings', change: 'changed', owner: n.name, name: n.name, fields, settings: settingChanges(o, n, fields) });
  compareLists('workload', n.name, o.workloads, n.workloads, (w) => w.name, out);
  compareUnnamed('default-deny', n.name, o.defaultDeny, n.defaultDeny, out);
  compareUnnamed('dns', n.name, o.dns, n.dns, out);
  compareUnnamed('flow', n.name, o.flows, n.flows, out);
  compareUnnamed('quarantine', n.name, o.quarantines, n.quarantines, out);
}

/** Every structural change from `before` to `after`: policies and networks matched by name, their members by name or content. */
export function structuralChanges(before: PolicySet, after: PolicySet): StructuralChange[] {
  const out: StructuralChange[] = [];
  const op = keyed(before.policies, (p) => p.name);
  const np = keyed(after.policies, (p) => p.name);
  for (const [name, n] of np) {
    const o = op.get(name);
    if (!o) out.push({ kind: 'policy', change: 'added', owner: name, name, new: sourceRef(n.span) });
    else if (canonical(o) !== canonical(n)) comparePolicy(o, n, out);
  }
  for (const [name, o] of op) if (!np.has(name)) out.push({ kind: 'policy', change: 'removed', owner: name, name, old: sourceRef(o.span) });
  const on = keyed(before.networks, (x) => x.name);
  const nn = keyed(after.networks, (x) => x.name);
  for (const [name, n] of nn) {
    const o = on.get(name);
    if (!o) out.push({ kind: 'network', change: 'added', owner: name, name, new: sourceRef(n.span) });
    else if (canonical(o) !== canonical(n)) compareNetwork(o, n, out);
  }
  for (const [name, o] of on) if (!nn.has(name)) out.push({ kind: 'network', change: 'removed', owner: name, name, old: sourceRef(o.span) });
  // Defaults blocks (docs/language/defaults.md) as a whole: what a namespace gets is one statement.
  const od = keyed(before.defaults ?? [], (x) => x.name);
  const nd = keyed(after.defaults ?? [], (x) => x.name);
  for (const [name, n] of nd) {
    const o = od.get(name);
    if (!o) out.push({ kind: 'defaults', change: 'added', owner: name, name, new: sourceRef(n.span) });
    else if (canonical(o) !== canonical(n)) out.push({ kind: 'defaults', change: 'changed', owner: name, name, old: sourceRef(o.span), new: sourceRef(n.span) });
  }
  for (const [name, o] of od) if (!nd.has(name)) out.push({ kind: 'defaults', change: 'removed', owner: name, name, old: sourceRef(o.span) });
  return out;
}
