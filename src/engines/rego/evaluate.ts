/** The public evaluation entry point: a query over a compiled program with input and base data. */
import { compileQuery, type CompiledQuery, type RegoProgram } from './compile.js';
import { EvalContext, Evaluator } from './eval.js';
import { RegoRuntimeError } from './errors.js';
import { parseQuery } from './parser.js';
import { equals, fromJS, ObjectValue, toRegoValue, type RegoValue, type Value } from './values.js';

/** 2024-01-01T00:00:00Z: what `time.now_ns()` returns unless `nowNs` is given, so results are reproducible. */
export const DEFAULT_NOW_NS = Date.UTC(2024, 0, 1) * 1e6;

export interface EvaluateOptions {
  /** JSON-like input document (`input`); absent means `input` is undefined. */
  readonly input?: unknown;
  /** Base documents under `data` (must be an object). */
  readonly data?: unknown;
  /** The fixed clock for `time.now_ns`. */
  readonly nowNs?: number;
  /** Halt on builtin errors instead of treating the call as undefined (OPA's `--strict-builtin-errors`). */
  readonly strictBuiltinErrors?: boolean;
}

export interface EvaluateResult {
  readonly defined: boolean;
  readonly value?: RegoValue;
}

const queries = new WeakMap<RegoProgram, Map<string, CompiledQuery>>();

function compiledQuery(program: RegoProgram, query: string): CompiledQuery {
  let cache = queries.get(program);
  if (!cache) {
    cache = new Map();
    queries.set(program, cache);
  }
  let q = cache.get(query);
  if (!q) {
    q = compileQuery(program, parseQuery(query));
    cache.set(query, q);
  }
  return q;
}

/** Like {@link evaluate} but returns the internal value (sets as `SetValue`, objects as `ObjectValue`). */
export function evaluateValue(program: RegoProgram, query: string, opts: EvaluateOptions = {}): Value | undefined {
  const q = compiledQuery(program, query);
  const data = opts.data === undefined ? new ObjectValue() : fromJS(opts.data);
  if (!(data instanceof ObjectValue)) throw new TypeError('data must be an object');
  const input = opts.input === undefined ? undefined : fromJS(opts.input);
  const ctx = new EvalContext(input, data, undefined, undefined);
  const ev = new Evaluator(ctx, { nowNs: opts.nowNs ?? DEFAULT_NOW_NS }, opts.strictBuiltinErrors ?? false);
  let result: Value | undefined;
  const f: (Value | undefined)[] = new Array(q.nslots);
  ev.evalBody(q.body, 0, f, () => {
    const v = f[q.result]!;
    if (result !== undefined && !equals(result, v)) {
      throw new RegoRuntimeError('eval_conflict_error', 'query', undefined, `query ${query} has more than one value`);
    }
    result = v;
    return false;
  });
  return result;
}

/**
 * Evaluates `query` (a term such as `data.k8sallowedrepos.violation`, optionally with `with` modifiers). Undefined results give
 * `{ defined: false }`. Throws {@link RegoRuntimeError} for conflicts and other evaluation errors,
 * and RegoSyntaxError / RegoCompileError for a malformed query.
 */
export function evaluate(program: RegoProgram, query: string, opts: EvaluateOptions = {}): EvaluateResult {
  const v = evaluateValue(program, query, opts);
  return v === undefined ? { defined: false } : { defined: true, value: toRegoValue(v) };
}
