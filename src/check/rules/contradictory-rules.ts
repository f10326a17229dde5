import type { Policy, Predicate, Rule, Scalar } from '../../ir/index.js';
import type { Reporter } from '../report.js';

/**
 * SP1007: two rules of one policy that no object can satisfy together, found structurally:
 * `require P` with `forbid P`, or two rules requiring one field to equal different constants.
 * Rules with `when` or their own `applies to` are left out: they may never meet the same object.
 * Linear in the number of rules: each rule is keyed once and looked up in maps (policies may hold thousands).
 */
export function checkContradictoryRules(r: Reporter, policy: Policy): void {
  const byShape = new Map<string, Rule>();
  const byEquality = new Map<string, { rule: Rule; value: Scalar }>();
  for (const rule of policy.rules) {
    if (rule.when || rule.subjects) continue;
    const shape = shapeKey(rule.predicate);
    const opposite = byShape.get(`${rule.effect === 'require' ? 'forbid' : 'require'}:${shape}`);
    if (opposite) report(r, opposite, rule, 'one requires exactly what the other forbids');
    byShape.set(`${rule.effect}:${shape}`, byShape.get(`${rule.effect}:${shape}`) ?? rule);
    const eq = requiredEquality(rule);
    if (!eq) continue;
    const seen = byEquality.get(eq.path);
    if (seen && seen.value !== eq.value) report(r, seen.rule, rule, `${eq.path} cannot be both ${JSON.stringify(seen.value)} and ${JSON.stringify(eq.value)}`);
    if (!seen) byEquality.set(eq.path, { rule, value: eq.value });
  }
}

function report(r: Reporter, first: Rule, second: Rule, detail: string): void {
  r.report('SP1007', second.span, { a: first.name, b: second.name, detail }, [{ span: first.span, note: `rule "${first.name}"` }]);
}

function requiredEquality(rule: Rule): { path: string; value: Scalar } | undefined {
  const p = rule.predicate;
  if (rule.effect !== 'require' || p.kind !== 'test' || p.test.op !== 'eq') return undefined;
  const path = p.subject.kind === 'field' ? p.subject.path.join('.') : `effective ${p.subject.field}`;
  return { path, value: p.test.value };
}

/** Structural identity of a predicate, ignoring spans. */
function shapeKey(p: Predicate): string {
  return JSON.stringify(p, (key, value: unknown) => (key === 'span' ? undefined : value));
}
