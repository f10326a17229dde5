import { assertNever, podControllers, type MessageTemplate, type Predicate, type Rule, type Subject } from '../ir/index.js';
import type { Manifest } from './load-manifests.js';

type Path = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const key of path) {
    if (typeof key === 'number') cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isRecord(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur === null ? undefined : cur;
}

/** Where the rule's view of the object starts: the pod template of a controller under `applies to pods` (semantics §1). */
function viewPrefix(subjects: readonly Subject[], m: Manifest): Path | undefined {
  for (const s of subjects) {
    if (s.kind === 'pods') {
      if (m.apiVersion === 'v1' && m.kind === 'Pod') return [];
      const c = podControllers.find((x) => `${x.group}/${x.version}` === m.apiVersion && x.kind === m.kind);
      if (c) return c.template;
    } else if (m.apiVersion === (s.group ? `${s.group}/${s.version}` : s.version) && m.kind === s.resourceKind) return [];
  }
  return undefined;
}

/** The first field a predicate reads, relative to its scope (for a nested quantifier, its first list). */
function firstField(p: Predicate): { primary: Path; fallback?: Path } | undefined {
  switch (p.kind) {
    case 'test':
      return p.subject.kind === 'field' ? { primary: p.subject.path } : { primary: p.subject.containerPath, fallback: p.subject.podPath };
    case 'and':
    case 'or':
      for (const o of p.operands) {
        const f = firstField(o);
        if (f) return f;
      }
      return undefined;
    case 'not':
      return firstField(p.operand);
    case 'quantified': {
      const hop = p.domain.chains[0]?.[0];
      return hop ? { primary: hop } : undefined;
    }
    case 'referenced':
      // The body reads another object; in this document, the referring field is what decides.
      return { primary: p.reference.path };
    case 'unique':
    case 'unchanged':
      return { primary: p.path };
    case 'relation':
      return { primary: p.subject.path };
    case 'in-cluster':
      // Other objects decide; nothing in this document is.
      return undefined;
    default:
      return assertNever(p, 'predicate');
  }
}

/** The elements of a quantifier's domain with their paths in the document (mirrors eval's domainElements). */
function elementsOf(chains: readonly (readonly (readonly string[])[])[], view: unknown, base: Path): { value: unknown; path: Path }[] {
  const out: { value: unknown; path: Path }[] = [];
  for (const chain of chains) {
    let current: { value: unknown; path: Path }[] = [{ value: view, path: base }];
    for (const hop of chain) {
      current = current.flatMap((c) => {
        const list = valueAt(c.value, hop);
        return Array.isArray(list) ? list.map((value: unknown, i) => ({ value, path: [...c.path, ...hop, i] })) : [];
      });
    }
    out.push(...current);
  }
  return out;
}

function render(template: MessageTemplate, element: unknown): string {
  return template.parts
    .map((p) => {
      if (p.kind === 'text') return p.text;
      const v = valueAt(element, p.path);
      return v === undefined ? '<missing>' : typeof v === 'string' ? v : JSON.stringify(v);
    })
    .join('');
}

/**
 * The position of the field that makes a rule fail on a manifest. For a rule over a list (`any container has …`)
 * the offending element is the one whose fields fill the reference message's placeholders; within it (or the
 * object) the first field the predicate reads, or the nearest enclosing node that exists; else the object itself.
 */
export function locateFinding(m: Manifest, ruleSubjects: readonly Subject[], rule: Rule | undefined, referenceMessage: string | undefined): Position {
  const objectStart = { line: m.line, column: m.column };
  if (!rule) return objectStart;
  const prefix = viewPrefix(ruleSubjects, m);
  if (!prefix) return objectStart;
  const view = valueAt(m.object, prefix);
  let scopePath: Path = [...m.path, ...prefix];
  const scopeBase = scopePath;
  let body = rule.predicate;
  const top = rule.predicate;
  if (top.kind === 'quantified') {
    const elements = elementsOf(top.domain.chains, view, scopePath);
    const field = firstField(top.body);
    const chosen =
      (rule.message && referenceMessage !== undefined ? elements.find((e) => render(rule.message!, e.value) === referenceMessage) : undefined) ??
      (field ? elements.find((e) => valueAt(e.value, field.primary) !== undefined) : undefined) ??
      elements[0];
    if (chosen) {
      scopePath = chosen.path;
      body = top.body;
    }
  }
  const field = firstField(body);
  const candidates: Path[] = [];
  if (field) {
    for (let n = field.primary.length; n > 0; n--) candidates.push([...scopePath, ...field.primary.slice(0, n)]);
    if (field.fallback) candidates.push([...scopeBase, ...field.fallback]);
  }
  candidates.push(scopePath);
  for (const path of candidates) {
    const node = (path.length ? m.doc.doc.getIn(path, true) : m.doc.doc.contents) as { range?: [number, number, number] } | null | undefined;
    if (node?.range) {
      // A key's value: point at the key's line (the value of a block mapping starts on the next line).
      const pair = path.length ? keyPosition(m, path) : undefined;
      return pair ?? m.doc.file.lineColumn(node.range[0]);
    }
  }
  return objectStart;
}

/** The position of the key of the last path segment, when it is a mapping key. */
function keyPosition(m: Manifest, path: Path): Position | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  const parent = (path.length > 1 ? m.doc.doc.getIn(path.slice(0, -1), true) : m.doc.doc.contents) as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null | undefined;
  const pair = parent?.items?.find((p) => p.key?.value === last);
  return pair?.key?.range ? m.doc.file.lineColumn(pair.key.range[0]) : undefined;
}
