/**
 * `{{ }}` variable substitution and `$( )` policy references (https://kyverno.io/docs/writing-policies/variables/).
 * A string that is exactly one `{{expr}}` is replaced by the raw JMESPath result (any JSON type); a variable
 * inside a longer string is spliced in as text (JSON for non-strings). `\{{...}}` is an escaped literal.
 */
import { stripAnchor } from './anchors.js';
import { goJson } from './jmespath-functions.js';
import { JmesPathError, search } from './jmespath.js';
import { parseLeaf } from './pattern-value.js';
import { goFormatFloat } from './quantity.js';
import { isObject, type JsonObject } from './types.js';

/** A variable that could not be resolved; the rule reports `error`. */
export class VariableError extends Error {
  override readonly name = 'VariableError';
}

/** The JSON document variables are resolved against, plus the request facts substitution depends on. */
export interface VarContext {
  readonly data: JsonObject;
  readonly deleteRequest: boolean;
  /** What `time_now_utc()` and the other time functions read; the machine's clock when absent. */
  readonly clock?: () => number;
}

const VARIABLE_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const ESCAPED_VARIABLE_RE = /\\\{\{(?:\{[^{}]*\}|[^{}])*\}\}/g;
const REFERENCE_RE = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
const ESCAPED_REFERENCE_RE = /\\\$\(.[^ ]*\)/g;

export function hasVariables(text: string): boolean {
  return text.includes('{{');
}

const needsSubstitution = new WeakMap<object, boolean>();

/** Whether any string or key of a document holds `{{` or `$(`, so substitution can be skipped (cached per object). */
export function documentNeedsSubstitution(doc: unknown): boolean {
  if (typeof doc === 'string') return doc.includes('{{') || doc.includes('$(');
  if (typeof doc !== 'object' || doc === null) return false;
  let needs = needsSubstitution.get(doc);
  if (needs === undefined) {
    needs = Array.isArray(doc)
      ? doc.some(documentNeedsSubstitution)
      : Object.entries(doc).some(([k, v]) => k.includes('{{') || k.includes('$(') || documentNeedsSubstitution(v));
    needsSubstitution.set(doc, needs);
  }
  return needs;
}

/** Evaluates one JMESPath variable against the context. */
export function queryVariable(ctx: VarContext, expression: string): unknown {
  const trimmed = expression.trim();
  if (trimmed === '') throw new VariableError('invalid query (nil)');
  try {
    return search(ctx.data, trimmed, ctx.clock);
  } catch (e) {
    if (e instanceof JmesPathError) throw new VariableError(`failed to resolve ${trimmed}: JMESPath query failed: ${e.message}`);
    throw e;
  }
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goJson(value);
  return goJson(value);
}

/**
 * Substitutes the variables of one string. `at` is the JMESPath of the current pattern position, used for `{{@}}`.
 */
export function substituteString(value: string, ctx: VarContext, at?: string): unknown {
  if (!value.includes('{{')) return value;
  let current = value;
  for (let round = 0; round < 64; round++) {
    const matches = [...current.matchAll(VARIABLE_RE)];
    if (matches.length === 0) break;
    const original = current;
    for (const m of matches) {
      const prefix = m[1] ?? '';
      const variableText = m[2] ?? '';
      let expression = variableText.replaceAll('{{', '').replaceAll('}}', '').trim();
      if (expression === '@' && at !== undefined) expression = at;
      if (ctx.deleteRequest) expression = expression.replaceAll('request.object', 'request.oldObject');
      const resolved = queryVariable(ctx, expression);
      if (original === variableText) return resolved;
      const spliced = prefix + textOf(resolved);
      current = current.replace(prefix + variableText, () => spliced);
    }
    if (round === 63) throw new VariableError(`variable substitution did not terminate for ${JSON.stringify(value)}`);
  }
  return current.replace(ESCAPED_VARIABLE_RE, (v) => v.slice(1));
}

/** Substitutes variables in every string and key of a JSON document; `basePath` roots `{{@}}` in request.object. */
export function substituteDocument(doc: unknown, ctx: VarContext, basePath?: readonly (string | number)[]): unknown {
  return substituteAt(doc, ctx, basePath ? [...basePath] : undefined);
}

function substituteAt(doc: unknown, ctx: VarContext, path: (string | number)[] | undefined): unknown {
  if (typeof doc === 'string') return substituteString(doc, ctx, path ? toJmesPath(path) : undefined);
  if (Array.isArray(doc)) return doc.map((item, i) => substituteAt(item, ctx, path ? [...path, i] : undefined));
  if (isObject(doc)) {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(doc)) {
      const newKey = key.includes('{{') ? substituteString(key, ctx) : key;
      const keyText = typeof newKey === 'string' ? newKey : textOf(newKey);
      out[keyText] = substituteAt(value, ctx, path ? [...path, stripAnchor(key)] : undefined);
    }
    return out;
  }
  return doc;
}

function toJmesPath(path: readonly (string | number)[]): string {
  let out = 'request.object';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `.${part}` : `.${JSON.stringify(part)}`;
  }
  return out;
}

/**
 * Resolves `$(./../path)` references inside a policy document (a pattern): the path is relative to the
 * referencing field, anchors ignored, and an operator prefix (`<`, `>=`, …) is kept in front of the value.
 */
export function resolveReferences(doc: unknown): unknown {
  return resolveAt(doc, doc, []);
}

function resolveAt(root: unknown, node: unknown, path: readonly string[]): unknown {
  if (typeof node === 'string') return node.includes('$(') ? resolveReferenceString(root, node, path) : node;
  if (Array.isArray(node)) return node.map((item, i) => resolveAt(root, item, [...path, String(i)]));
  if (isObject(node)) {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = resolveAt(root, value, [...path, stripAnchor(key)]);
    return out;
  }
  return node;
}

function resolveReferenceString(root: unknown, text: string, path: readonly string[]): string {
  let out = text;
  for (const match of text.matchAll(REFERENCE_RE)) {
    const raw = match[0];
    const initial = raw.startsWith('$(');
    const reference = initial ? raw : raw.slice(1);
    const inner = reference.replace(/^[$()]+|[$()]+$/g, '');
    const leaf = parseLeaf(inner);
    const op = leaf.kind === 'op' ? leaf.op : '';
    const target = joinPath(path, inner.slice(op.length));
    const value = lookupPath(root, target);
    let replacement: string;
    if (op === '' && typeof value === 'string') replacement = value;
    else if (op !== '' && (typeof value === 'string' || typeof value === 'number')) {
      replacement = op + (typeof value === 'number' ? (Number.isInteger(value) ? String(value) : goFormatFloat(value)) : value);
    } else throw new VariableError(`NotResolvedReferenceErr,reference ${reference} not resolved at path /${path.join('/')}`);
    out = out.replace(reference, () => replacement);
  }
  return out.replace(ESCAPED_REFERENCE_RE, (v) => v.slice(1));
}

function joinPath(base: readonly string[], relative: string): string[] {
  const parts = relative.startsWith('/') ? [] : [...base];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(stripAnchor(part));
  }
  return parts;
}

function lookupPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const part of path) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) {
      const key = Object.keys(node).find((k) => stripAnchor(k) === part);
      node = key === undefined ? undefined : node[key];
    } else return undefined;
  }
  return node;
}
