/**
 * Which local variables the type checker may give a static type: those whose type OPA's checker certainly
 * assigns from their `:=` and keeps.
 *
 * OPA types a variable where its type checker first meets it in the body ORDERED FOR SAFETY (`ast/check.go`
 * `unify1`: an untyped variable takes the type it is unified with) and later widens a variable met inside an
 * array, object or set literal that is unified in union mode (`unify1` with `union = true` puts
 * `types.Or(old, new)`). The safety order (`reorderBodyForSafety`, `outputVarsForExpr` in `ast/compile.go`) may
 * move an expression that can bind `x` before `x := rhs`. So `x := rhs` fixes the type of `x` only if no other
 * expression of the body can bind `x` and `x` never sits inside a composite literal:
 *
 * - binding positions (OPA's output variables): any index of a reference (`a[x]`), an operand of `=`, the
 *   output argument of a call (`split(s, "/", x)`); `==` is a call at safety time, so `x == 1` does not bind;
 * - composite literals anywhere in the body, its closures and the rule head, except the literal that is the
 *   whole right-hand side of a `:=` (`y := [x]` unifies with an untyped `y` and widens nothing).
 *
 * Everything else is conservatively `any`; the checker then never reports an error OPA might not.
 */
import type { Body, Literal, Term } from './ast.js';

const isComposite = (t: Term): boolean => t.kind === 'array' || t.kind === 'set' || t.kind === 'object';

/** Calls' arities, to find output arguments; undefined for a name that is not a function. */
export type ArityOf = (t: Term & { kind: 'call' }) => number | undefined;

/** Names declared by a plain `x := rhs` in `body` whose type is certainly the type of `rhs`. */
export function certainVars(body: Body, head: readonly (Term | undefined)[], arity: ArityOf): Set<string> {
  const candidates = new Set<string>();
  for (const l of body) {
    if (l.expr.kind === 'assign' && l.expr.lhs.kind === 'var' && !l.expr.lhs.name.startsWith('$')) candidates.add(l.expr.lhs.name);
  }
  if (candidates.size === 0) return candidates;
  const excluded = new Set<string>();
  for (const l of body) bindingVars(l, arity, excluded);
  compositeVars(body, head, excluded);
  for (const name of excluded) candidates.delete(name);
  return candidates;
}

/** Every variable name in `t`, not entering closures. */
function varsIn(t: Term | undefined, out: Set<string>): void {
  if (!t) return;
  switch (t.kind) {
    case 'var':
      out.add(t.name);
      break;
    case 'ref':
      varsIn(t.head, out);
      t.path.forEach((p) => varsIn(p, out));
      break;
    case 'call':
      t.args.forEach((a) => varsIn(a, out));
      break;
    case 'array':
    case 'set':
      t.items.forEach((i) => varsIn(i, out));
      break;
    case 'object':
      for (const [k, v] of t.entries) {
        varsIn(k, out);
        varsIn(v, out);
      }
      break;
    default:
      break;
  }
}

/** Variables in binding positions of one literal (negated ones too: OPA moves their nested calls out). */
function bindingVars(l: Literal, arity: ArityOf, out: Set<string>): void {
  const visit = (t: Term | undefined): void => {
    if (!t) return;
    switch (t.kind) {
      case 'ref':
        visit(t.head);
        for (const p of t.path) {
          varsIn(p, out);
          visit(p);
        }
        break;
      case 'call': {
        const n = arity(t);
        t.args.forEach((a, i) => (n !== undefined && i >= n ? varsIn(a, out) : visit(a)));
        break;
      }
      case 'array':
      case 'set':
        t.items.forEach(visit);
        break;
      case 'object':
        for (const [k, v] of t.entries) {
          visit(k);
          visit(v);
        }
        break;
      default:
        break;
    }
  };
  const e = l.expr;
  switch (e.kind) {
    case 'term':
      visit(e.term);
      break;
    case 'unify':
      varsIn(e.lhs, out);
      varsIn(e.rhs, out);
      visit(e.lhs);
      visit(e.rhs);
      break;
    case 'assign':
      visit(e.rhs);
      break;
    case 'someIn':
      visit(e.domain);
      break;
    case 'every':
      visit(e.domain);
      break;
    case 'some':
      break;
  }
  for (const w of l.withs) visit(w.value);
}

/** Variables met inside a composite literal anywhere under `body` (closures included) or in the head. */
function compositeVars(body: Body, head: readonly (Term | undefined)[], out: Set<string>): void {
  const visit = (t: Term | undefined, inside: boolean, exempt: boolean): void => {
    if (!t) return;
    const composite = isComposite(t);
    const within = inside || composite;
    const free = exempt && (composite || !inside);
    switch (t.kind) {
      case 'var':
        if (inside && !exempt) out.add(t.name);
        break;
      case 'ref':
        visit(t.head, within, false);
        t.path.forEach((p) => visit(p, within, false));
        break;
      case 'call':
        t.args.forEach((a) => visit(a, within, false));
        break;
      case 'array':
      case 'set':
        t.items.forEach((i) => visit(i, within, free));
        break;
      case 'object':
        for (const [k, v] of t.entries) {
          visit(k, within, free);
          visit(v, within, free);
        }
        break;
      case 'arrayCompr':
      case 'setCompr':
        visit(t.head, within, false);
        walkBody(t.body);
        break;
      case 'objectCompr':
        visit(t.key, within, false);
        visit(t.value, within, false);
        walkBody(t.body);
        break;
      default:
        break;
    }
  };
  const walkBody = (b: Body): void => {
    for (const l of b) {
      const e = l.expr;
      switch (e.kind) {
        case 'term':
          visit(e.term, false, false);
          break;
        case 'unify':
          visit(e.lhs, false, false);
          visit(e.rhs, false, false);
          break;
        case 'assign':
          visit(e.lhs, false, false);
          visit(e.rhs, false, true);
          break;
        case 'someIn':
          visit(e.key, false, false);
          visit(e.value, false, false);
          visit(e.domain, false, false);
          break;
        case 'every':
          visit(e.domain, false, false);
          walkBody(e.body);
          break;
        case 'some':
          break;
      }
      for (const w of l.withs) visit(w.value, false, false);
    }
  };
  walkBody(body);
  head.forEach((h) => visit(h, false, false));
}
