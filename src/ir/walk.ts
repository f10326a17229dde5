import type { Predicate, Quantified, FieldTest } from './ir.js';

/** Raised by exhaustive switches over closed unions when an impossible kind appears. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`invariant: unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Every field test and quantifier in a predicate, depth first, with the quantifiers enclosing it. */
export function* walkPredicate(p: Predicate, enclosing: readonly Quantified[] = []): Generator<{ node: Predicate; enclosing: readonly Quantified[] }> {
  yield { node: p, enclosing };
  switch (p.kind) {
    case 'and':
    case 'or':
      for (const o of p.operands) yield* walkPredicate(o, enclosing);
      return;
    case 'not':
      yield* walkPredicate(p.operand, enclosing);
      return;
    case 'quantified':
      yield* walkPredicate(p.body, [...enclosing, p]);
      return;
    case 'referenced':
    case 'in-cluster':
      // The body reads another object: no quantifier of the referring object encloses it.
      yield* walkPredicate(p.body, []);
      return;
    case 'unique':
    case 'unchanged':
    case 'relation':
    case 'test':
      return;
    default:
      assertNever(p, 'predicate');
  }
}

export function fieldTests(p: Predicate): FieldTest[] {
  const out: FieldTest[] = [];
  for (const { node } of walkPredicate(p)) if (node.kind === 'test') out.push(node);
  return out;
}
