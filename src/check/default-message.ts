import type { MessageTemplate, Predicate } from '../ir/index.js';
import { predicateText, type AssertionAst } from '../syntax/index.js';
import { resolvePath } from './fields/index.js';
import { typedPart, type PredicateScope } from './lower-predicate.js';

/**
 * The message of a rule written without `message` (issue 16 item 5): a developer reading a denial learns which
 * element breaks which rule and what it must (not) have, in the rule's own words, e.g.
 * `container {name} must have effective runAsNonRoot = true (rule run-as-non-root)`. The element is the one the
 * semantics names (the first that alone makes the rule fail: `forbid any`, `require every`, `require no`); for
 * other rules the message states the rule's condition. Backends render it as any written message.
 */

const nouns: Record<Extract<Predicate, { kind: 'quantified' }>['domain']['kind'], string> = {
  container: 'container',
  volume: 'volume',
  port: 'port',
  env: 'environment variable',
  'rbac-rule': 'RBAC rule',
  subject: 'subject',
  item: 'item',
};

/** Conditions longer than this are cut: the whole rule is one `secpol explain` away. */
const MAX_CONDITION = 160;

function cut(text: string): string {
  return text.length > MAX_CONDITION ? `${text.slice(0, MAX_CONDITION - 1)}…` : text;
}

export function defaultMessage(ruleName: string, assertion: AssertionAst, predicate: Predicate, elementScope: PredicateScope | undefined): MessageTemplate {
  const span = assertion.span;
  const top = assertion.predicate;
  const forbid = assertion.verb === 'forbid';
  if (top.kind === 'quantified' && predicate.kind === 'quantified') {
    const mustNot = forbid ? top.quantifier === 'any' : top.quantifier === 'no';
    const must = !forbid && top.quantifier === 'every';
    if (mustNot || must) {
      const named = elementScope !== undefined && elementScope.schemas.length > 0 && elementScope.schemas.every(({ schema }) => resolvePath(schema, ['name']).ok);
      const noun = nouns[predicate.domain.kind];
      const tail = ` ${mustNot ? 'must not have' : 'must have'} ${cut(predicateText(top.body))} (rule ${ruleName})`;
      return { span, parts: named ? [{ kind: 'text', text: `${noun} ` }, typedPart(elementScope, ['name']), { kind: 'text', text: tail }] : [{ kind: 'text', text: `a ${noun}${tail}` }] };
    }
  }
  return { span, parts: [{ kind: 'text', text: `rule ${ruleName} ${forbid ? 'forbids' : 'requires'} ${cut(predicateText(top))}` }] };
}
