/**
 * JMESPath as Kyverno runs it (https://kyverno.io/docs/writing-policies/jmespath/). Expressions are parsed by
 * the `jmespath` library (the grammar); this module walks the library's AST because the library has no hook
 * for Kyverno's custom functions. Like Kyverno's go-jmespath fork, a field missing from an object is an error
 * (`Unknown key "x" in path`) unless a projection, filter, multi-select or `||` absorbs it.
 * Compiled ASTs are cached per expression text.
 */
import * as jmespathLib from 'jmespath';
import { callFunction, ExpressionRef, JmesPathError } from './jmespath-functions.js';
import type { Clock } from './jmespath-values.js';

export { ExpressionRef, JmesPathError };

export interface AstNode {
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
  readonly children?: readonly unknown[];
  jmespathType?: string;
}

const lib = jmespathLib as unknown as {
  compile(expression: string): AstNode;
  strictDeepEqual(a: unknown, b: unknown): boolean;
};

const MAX_CACHE = 5_000;
const compiled = new Map<string, AstNode | JmesPathError>();

export function compileExpression(expression: string): AstNode {
  let node = compiled.get(expression);
  if (node === undefined) {
    try {
      node = lib.compile(expression);
    } catch (e) {
      node = new JmesPathError(`invalid JMESPath expression ${JSON.stringify(expression)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (compiled.size >= MAX_CACHE) compiled.clear();
    compiled.set(expression, node);
  }
  if (node instanceof JmesPathError) throw node;
  return node;
}

/**
 * Evaluates `expression` against `data`; throws JmesPathError. `clock` is what the time functions read (Kyverno
 * reads the machine's clock, Go's time.Now(), at each call).
 */
export function search(data: unknown, expression: string, clock: Clock = Date.now): unknown {
  const node = compileExpression(expression);
  const outer = activeClock;
  activeClock = clock;
  try {
    const result = visit(node, data);
    if (result === MISSING) throw new JmesPathError(`Unknown key "${missingKey}" in path`);
    return result;
  } finally {
    activeClock = outer;
  }
}

/** The clock of the search in progress (evaluation is synchronous, so one search runs at a time). */
let activeClock: Clock = Date.now;

const MISSING: unique symbol = Symbol('missing');
type Value = unknown;
let missingKey = '';

export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExpressionRef);
}

function child(node: AstNode, i: number): AstNode {
  return node.children?.[i] as AstNode;
}

const absorb = (v: Value): Value => (v === MISSING ? null : v);

/** Evaluates an expression reference for one element, as the built-in functions need. */
function applyRef(ref: ExpressionRef, value: unknown): unknown {
  return absorb(visit(ref.node as AstNode, value));
}

function visit(node: AstNode, value: Value): Value {
  switch (node.type) {
    case 'Field': {
      if (!isPlainObject(value)) return null;
      const name = node.name ?? '';
      if (!Object.hasOwn(value, name)) {
        missingKey = name;
        return MISSING;
      }
      return value[name] ?? null;
    }
    case 'Subexpression':
    case 'IndexExpression': {
      const left = visit(child(node, 0), value);
      if (left === MISSING) return MISSING;
      return visit(child(node, 1), left);
    }
    case 'Index': {
      if (!Array.isArray(value)) return null;
      const index = Number(node.value);
      return value[index < 0 ? value.length + index : index] ?? null;
    }
    case 'Slice':
      return Array.isArray(value) ? slice(value, (node.children ?? []) as (number | null)[]) : null;
    case 'Projection': {
      const base = visit(child(node, 0), value);
      if (base === MISSING) return MISSING;
      if (!Array.isArray(base)) return null;
      return collect(base, child(node, 1));
    }
    case 'ValueProjection': {
      const base = visit(child(node, 0), value);
      if (base === MISSING) return MISSING;
      if (!isPlainObject(base)) return null;
      return collect(Object.values(base), child(node, 1));
    }
    case 'FilterProjection': {
      const base = visit(child(node, 0), value);
      if (base === MISSING) return MISSING;
      if (!Array.isArray(base)) return null;
      const kept = base.filter((element) => isTruthy(absorb(visit(child(node, 2), element))));
      return collect(kept, child(node, 1));
    }
    case 'Comparator':
      return compare(node.name ?? '', absorb(visit(child(node, 0), value)), absorb(visit(child(node, 1), value)));
    case 'Flatten': {
      const original = visit(child(node, 0), value);
      if (original === MISSING) return MISSING;
      if (!Array.isArray(original)) return null;
      return original.flatMap((element: unknown) => (Array.isArray(element) ? element : [element]));
    }
    case 'Identity':
    case 'Current':
      return value;
    case 'MultiSelectList':
      if (value === null) return null;
      return (node.children ?? []).map((c) => absorb(visit(c as AstNode, value)));
    case 'MultiSelectHash': {
      if (value === null) return null;
      const out: Record<string, unknown> = {};
      for (const pair of (node.children ?? []) as AstNode[]) out[pair.name ?? ''] = absorb(visit(pair.value as AstNode, value));
      return out;
    }
    case 'OrExpression': {
      const left = absorb(visit(child(node, 0), value));
      return isTruthy(left) ? left : visit(child(node, 1), value);
    }
    case 'AndExpression': {
      const left = absorb(visit(child(node, 0), value));
      return isTruthy(left) ? visit(child(node, 1), value) : left;
    }
    case 'NotExpression':
      return !isTruthy(absorb(visit(child(node, 0), value)));
    case 'Literal':
      return node.value;
    case 'Pipe': {
      const left = visit(child(node, 0), value);
      if (left === MISSING) return MISSING;
      return visit(child(node, 1), left);
    }
    case 'Function': {
      const args: unknown[] = [];
      for (const c of (node.children ?? []) as AstNode[]) {
        const arg = visit(c, value);
        if (arg === MISSING) return MISSING;
        args.push(arg);
      }
      return callFunction(node.name ?? '', args, applyRef, activeClock);
    }
    case 'ExpressionReference':
      return new ExpressionRef(child(node, 0));
    default:
      throw new JmesPathError(`unsupported JMESPath node ${node.type}`);
  }
}

function collect(elements: readonly unknown[], rhs: AstNode): unknown[] {
  const out: unknown[] = [];
  for (const element of elements) {
    const current = visit(rhs, element);
    if (current !== null && current !== MISSING && current !== undefined) out.push(current);
  }
  return out;
}

function compare(op: string, a: unknown, b: unknown): boolean | null {
  switch (op) {
    case 'EQ':
      return lib.strictDeepEqual(a, b);
    case 'NE':
      return !lib.strictDeepEqual(a, b);
  }
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  switch (op) {
    case 'GT':
      return a > b;
    case 'GTE':
      return a >= b;
    case 'LT':
      return a < b;
    case 'LTE':
      return a <= b;
    default:
      throw new JmesPathError(`unknown comparator ${op}`);
  }
}

function slice(array: readonly unknown[], params: readonly (number | null)[]): unknown[] {
  const step = params[2] ?? 1;
  if (step === 0) throw new JmesPathError('Invalid slice, step cannot be 0');
  const n = array.length;
  const cap = (v: number): number => (v < 0 ? Math.max(v + n, step < 0 ? -1 : 0) : Math.min(v, step < 0 ? n - 1 : n));
  const start = params[0] === null || params[0] === undefined ? (step < 0 ? n - 1 : 0) : cap(params[0]);
  const stop = params[1] === null || params[1] === undefined ? (step < 0 ? -1 : n) : cap(params[1]);
  const out: unknown[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(array[i]);
  else for (let i = start; i > stop; i += step) out.push(array[i]);
  return out;
}
