/**
 * What a negated expression really evaluates, after OPA's compiler has rewritten it.
 *
 * OPA does not evaluate `not <expr>` as written. Three compiler stages run on every rule body first
 * (OPA `ast/compile.go`, stage list of `NewCompiler`; checked against OPA 0.70 / v1.5 by the rego-probes
 * corpus):
 *
 * 1. `RewriteExprTerms` (`expandExpr`/`expandExprTerm`): every call nested inside an operand
 *    (`not f(x) >= 1000`, `not startswith(lower(s), "a")`, also inside refs, arrays, objects and sets) is
 *    moved into a NEW, non-negated expression `__localN__ = f(x)` placed before the negated one. Safety is
 *    checked after this stage, so these expressions may bind variables.
 * 2. `RewriteEquals`: `a == b` becomes the unification `a = b`.
 * 3. `RewriteDynamicTerms` (`rewriteDynamics`): in a call expression (anything but `=`), every operand
 *    that is a reference (`lab["k"]`, `input.x`, a rule name) or a comprehension is moved into a non-negated
 *    `__localN__ = ref` before the expression; in `=` (so also a former `==`) only the dynamic segments of a
 *    reference (`x[y.z]`) and references nested in array/object/set operands move; a reference operand stays.
 *
 * The consequence users meet: an undefined value inside those moved parts makes the whole BODY undefined
 * instead of making the negation true. `not lab["k"] in ["x"]`, `not num(x) >= 1000`,
 * `not object.get(input, "k", null) == 1` (with `input` undefined) are undefined when the value is, while
 * `not lab["k"] == "x"` is true. This module computes the two groups of moved expressions for one negated
 * expression; clause.ts evaluates group 1 as ordinary expressions and group 2 just outside the negation.
 */
import type { Expr, Term, VarTerm } from './ast.js';
import type { Loc } from './errors.js';

export interface NegationParts {
  /** Stage 1: `$hN = call(...)`, ordinary body expressions (scheduled, may bind variables). */
  readonly calls: readonly Expr[];
  /** Stage 3: `$hN = ref`, evaluated just before the negation, outside it; their variables must already be bound. */
  readonly dynamics: readonly Expr[];
  /** What remains negated. */
  readonly expr: Expr;
}

export interface NegationNames {
  /** Whether a bare variable name denotes a reference (a rule, an import, `input`, `data`) rather than a local. */
  readonly isRef: (name: string) => boolean;
  /** A fresh variable no user can write. */
  readonly fresh: (loc: Loc) => VarTerm;
}

const isComprehension = (t: Term): boolean => t.kind === 'arrayCompr' || t.kind === 'setCompr' || t.kind === 'objectCompr';

/** Splits a negated expression the way OPA's compiler does before it is evaluated. */
export function splitNegation(expr: Expr, names: NegationNames): NegationParts {
  const calls: Expr[] = [];
  const dynamics: Expr[] = [];
  const hoist = (into: Expr[], t: Term): VarTerm => {
    const v = names.fresh(t.loc);
    into.push({ kind: 'unify', lhs: v, rhs: t, loc: t.loc });
    return v;
  };

  // Stage 1: nested calls, innermost first; comprehension bodies are rewritten when they are compiled.
  const expandCalls = (t: Term): Term => {
    switch (t.kind) {
      case 'call':
        return hoist(calls, { ...t, args: t.args.map(expandCalls) });
      case 'ref':
        return { ...t, head: expandCalls(t.head), path: t.path.map(expandCalls) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(expandCalls) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [expandCalls(k), expandCalls(v)] as const) };
      default:
        return t;
    }
  };

  // Stage 3, `rewriteDynamicsOne`: a reference or comprehension operand moves out whole.
  const dynOne = (t: Term): Term => {
    switch (t.kind) {
      case 'ref':
        return hoist(dynamics, { ...t, path: t.path.map(dynOne) });
      case 'var':
        return names.isRef(t.name) ? hoist(dynamics, t) : t;
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(dynOne) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [dynOne(k), dynOne(v)] as const) };
      case 'arrayCompr':
      case 'setCompr':
      case 'objectCompr':
        return hoist(dynamics, t);
      default:
        return t;
    }
  };

  // Stage 3, `rewriteDynamicsInTerm`: a reference stays, only its dynamic segments move.
  const dynInTerm = (t: Term): Term => {
    if (t.kind === 'ref') return { ...t, path: t.path.map(dynOne) };
    if (t.kind === 'var' && names.isRef(t.name)) return t;
    if (isComprehension(t)) return t;
    return dynOne(t);
  };

  switch (expr.kind) {
    case 'term': {
      const term = expr.term;
      if (term.kind === 'call') {
        const args = term.args.map(expandCalls);
        const isEquality = term.fn.length === 1 && term.fn[0] === 'equal' && args.length === 2;
        const rest = isEquality ? args.map(dynInTerm) : args.map(dynOne);
        return { calls, dynamics, expr: { ...expr, term: { ...term, args: rest } } };
      }
      return { calls, dynamics, expr: { ...expr, term: dynInTerm(expandCalls(term)) } };
    }
    case 'unify': {
      const lhs = expandCalls(expr.lhs);
      const rhs = expandCalls(expr.rhs);
      return { calls, dynamics, expr: { ...expr, lhs: dynInTerm(lhs), rhs: dynInTerm(rhs) } };
    }
    default:
      return { calls, dynamics, expr };
  }
}
