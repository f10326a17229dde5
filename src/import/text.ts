import type { Pred } from './model.js';

/** A secpol string literal: JSON escapes are a subset of secpol's (`\"`, `\\`, `\n`, `\t`, `\uXXXX`). */
export function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return String(value);
}

const bare = /^[A-Za-z_][A-Za-z0-9_]*$/;
const reserved = new Set(['not', 'any', 'every', 'no', 'effective', 'and', 'or', 'in', 'has', 'is', 'exists', 'matches', 'contains', 'true', 'false']);

/** A path in secpol syntax: plain steps joined by `.`, any other key as `["…"]`. */
export function pathText(steps: readonly string[]): string {
  return steps.map((s, i) => (bare.test(s) && !reserved.has(s) ? `${i ? '.' : ''}${s}` : `[${literal(s)}]`)).join('');
}

/** p/q as an exact decimal (`1.5`, `2`), or undefined when q has a prime factor other than 2 and 5. */
export function decimalOf(p: bigint, q: bigint): string | undefined {
  for (let digits = 0, scale = 1n; digits <= 30; digits++, scale *= 10n) {
    if (scale % q !== 0n) continue;
    const text = (p * (scale / q)).toString().padStart(digits + 1, '0');
    const whole = text.slice(0, text.length - digits);
    const fraction = text.slice(text.length - digits).replace(/0+$/, '');
    return fraction ? `${whole}.${fraction}` : whole;
  }
  return undefined;
}

/** A secpol name from a foreign one: lower-case letters, digits and single `-`; never empty. */
export function nameOf(text: string, fallback = 'imported'): string {
  const n = text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/-+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return /^[a-z_]/.test(n) ? n : n ? `p-${n}` : fallback;
}

export const test = (text: string): Pred => ({ kind: 'test', text });
export const TRUE: Pred = { kind: 'true' };

export function and(operands: readonly Pred[]): Pred {
  const flat = operands.flatMap((o) => (o.kind === 'and' ? o.operands : o.kind === 'true' ? [] : [o]));
  return flat.length === 0 ? TRUE : flat.length === 1 ? flat[0]! : { kind: 'and', operands: flat };
}

export function or(operands: readonly Pred[]): Pred {
  if (operands.some((o) => o.kind === 'true')) return TRUE;
  const flat = operands.flatMap((o) => (o.kind === 'or' ? o.operands : [o]));
  return flat.length === 1 ? flat[0]! : { kind: 'or', operands: flat };
}

export const not = (operand: Pred): Pred => ({ kind: 'not', operand });

export function quantified(quantifier: 'any' | 'every' | 'no', domain: string, body: Pred): Pred {
  if (body.kind === 'true' && quantifier === 'every') return TRUE;
  return { kind: 'quantified', quantifier, domain, body };
}

/** Renders with parentheses wherever secpol's precedence (or > and > not > test/quantifier) needs them. */
export function renderPredicate(p: Pred): string {
  switch (p.kind) {
    case 'true':
      throw new Error('a predicate that is always true has no text');
    case 'test':
      return p.text;
    case 'and':
      return p.operands.map((o) => (o.kind === 'or' ? `(${renderPredicate(o)})` : renderPredicate(o))).join(' and ');
    case 'or':
      return p.operands.map(renderPredicate).join(' or ');
    case 'not':
      return `not ${atom(p.operand)}`;
    case 'quantified':
      // The body of a quantifier is one test or quantifier; anything else is parenthesised.
      return `${p.quantifier} ${p.domain} has ${p.body.kind === 'test' || p.body.kind === 'quantified' ? renderPredicate(p.body) : `(${renderPredicate(p.body)})`}`;
  }
}

function atom(p: Pred): string {
  return p.kind === 'test' || p.kind === 'quantified' ? renderPredicate(p) : `(${renderPredicate(p)})`;
}
