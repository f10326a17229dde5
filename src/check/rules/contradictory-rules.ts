import type { Policy, Predicate, Rule, Scalar } from '../../ir/index.js';
import type { Reporter } from '../report.js';

/**
 * SP1007: two rules of one policy that no object can satisfy together, found structurally:
 * `require P` with `forbid P`, or two rules requiring one field to equal different constants.
 * Rules with `when` or their own `applies to` are left out: they may never meet the same object.
 */
export function checkContradictoryRules(r: Reporter, policy: Policy): void {
  const unconditional = policy.rules.filter((x) => !x.when && !x.subjects);
  for (let i = 0; i < unconditional.length; i++) {
    for (let j = i + 1; j < unconditional.length; j++) {
      const a = unconditional[i]!;
      const b = unconditional[j]!;
      const detail = contradiction(a, b);
      if (detail) r.report('SP1007', b.span, { a: a.name, b: b.name, detail }, [{ span: a.span, note: `rule "${a.name}"` }]);
    }
  }
}

/** What must hold for the object to be allowed, as a predicate with polarity. */
function requirement(rule: Rule): { predicate: Predicate; positive: boolean } {
  return { predicate: rule.predicate, positive: rule.effect === 'require' };
}

function contradiction(a: Rule, b: Rule): string | undefined {
  const ra = requirement(a);
  const rb = requirement(b);
  if (ra.positive !== rb.positive && sameShape(ra.predicate, rb.predicate)) return 'one requires exactly what the other forbids';
  const ea = requiredEquality(ra);
  const eb = requiredEquality(rb);
  if (ea && eb && ea.path === eb.path && ea.value !== eb.value) return `${ea.path} cannot be both ${JSON.stringify(ea.value)} and ${JSON.stringify(eb.value)}`;
  return undefined;
}

function requiredEquality(req: { predicate: Predicate; positive: boolean }): { path: string; value: Scalar } | undefined {
  const p = req.predicate;
  if (!req.positive || p.kind !== 'test' || p.test.op !== 'eq') return undefined;
  const path = p.subject.kind === 'field' ? p.subject.path.join('.') : `effective ${p.subject.field}`;
  return { path, value: p.test.value };
}

/** Structural equality ignoring spans. */
function sameShape(x: unknown, y: unknown): boolean {
  return JSON.stringify(x, dropSpans) === JSON.stringify(y, dropSpans);
}

function dropSpans(key: string, value: unknown): unknown {
  return key === 'span' ? undefined : value;
}
