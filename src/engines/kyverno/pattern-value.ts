/**
 * Scalar pattern values (https://kyverno.io/docs/writing-policies/validate/#operators): `|` or, `&` and,
 * `>`, `>=`, `<`, `<=`, `!`, ranges `a-b` and `a!-b`, wildcards, quantities and durations.
 * Comparison order per operand: Go duration, then Kubernetes quantity, then (only for = and !) wildcard string.
 */
import { compareRational, goFormatFloatE, parseDuration, parseGoFloat, parseQuantity } from './quantity.js';
import { wildcardMatch } from './wildcard.js';

type Op = '' | '>=' | '<=' | '>' | '<' | '!';
type Leaf =
  | { readonly kind: 'op'; readonly op: Op; readonly operand: string }
  | { readonly kind: 'range'; readonly lo: string; readonly hi: string; readonly negate: boolean };
/** Alternatives (`|`) of conjunctions (`&`). */
type ParsedPattern = readonly (readonly Leaf[])[];

const NOT_IN_RANGE = /^(\d+(?:\.\d+)?[^-]*)!-(\d+(?:\.\d+)?[^-]*)$/;
const IN_RANGE = /^(\d+(?:\.\d+)?[^-]*)-(\d+(?:\.\d+)?[^-]*)$/;
const PREFIXES: readonly Op[] = ['>=', '<=', '>', '<', '!'];

const parsedCache = new Map<string, ParsedPattern>();

function trimSpaces(s: string): string {
  return s.replace(/^ +| +$/g, '');
}

/** Kyverno's operator detection on one `|`/`&` operand. */
export function parseLeaf(text: string): Leaf {
  if (text.length >= 2) {
    for (const op of PREFIXES) {
      if (text.startsWith(op)) return { kind: 'op', op, operand: text.slice(op.length).trim() };
    }
    const notIn = NOT_IN_RANGE.exec(text);
    if (notIn) return { kind: 'range', lo: notIn[1] ?? '', hi: notIn[2] ?? '', negate: true };
    const inRange = IN_RANGE.exec(text);
    if (inRange) return { kind: 'range', lo: inRange[1] ?? '', hi: inRange[2] ?? '', negate: false };
  }
  return { kind: 'op', op: '', operand: text.trim() };
}

function parsePattern(pattern: string): ParsedPattern {
  let parsed = parsedCache.get(pattern);
  if (parsed === undefined) {
    parsed = pattern.split('|').map((alt) => trimSpaces(alt).split('&').map((c) => parseLeaf(trimSpaces(c))));
    if (parsedCache.size > 20_000) parsedCache.clear();
    parsedCache.set(pattern, parsed);
  }
  return parsed;
}

/** Go's convertNumberToString: nil is "0", integers print plainly, floats with six decimals. */
function numberText(value: unknown): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  return undefined;
}

function compareByOp(c: number, op: Op): boolean {
  switch (op) {
    case '':
      return c === 0;
    case '!':
      return c !== 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
  }
}

function compareLeaf(value: unknown, op: Op, operand: string): boolean {
  const patternDuration = parseDuration(operand);
  if (patternDuration !== undefined) {
    const text = numberText(value);
    const valueDuration = text === undefined ? undefined : parseDuration(text);
    if (valueDuration !== undefined) return compareByOp(Math.sign(valueDuration - patternDuration), op);
  }
  const patternQuantity = parseQuantity(operand);
  if (patternQuantity !== undefined) {
    const text = numberText(value);
    const valueQuantity = text === undefined ? undefined : parseQuantity(text);
    if (valueQuantity !== undefined) return compareByOp(compareRational(valueQuantity, patternQuantity), op);
  }
  if (op !== '' && op !== '!') return false;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : goFormatFloatE(value);
  else if (typeof value === 'boolean') text = String(value);
  else return false;
  const matched = wildcardMatch(operand, text);
  return op === '!' ? !matched : matched;
}

function matchLeaf(value: unknown, leaf: Leaf): boolean {
  if (leaf.kind === 'op') return compareLeaf(value, leaf.op, leaf.operand);
  if (leaf.negate) return compareLeaf(value, '<', leaf.lo) || compareLeaf(value, '>', leaf.hi);
  return compareLeaf(value, '>=', leaf.lo) && compareLeaf(value, '<=', leaf.hi);
}

/** Kyverno's `pattern.Validate`: does a scalar resource value satisfy a scalar pattern value? */
export function matchValue(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return typeof value === 'boolean' && value === pattern;
  if (typeof pattern === 'number') {
    if (typeof value === 'number') return value === pattern;
    if (typeof value === 'string') return parseGoFloat(value) === pattern;
    return false;
  }
  if (pattern === null || pattern === undefined) {
    if (value === null || value === undefined) return true;
    return value === 0 || value === '' || value === false;
  }
  if (typeof pattern === 'string') {
    if (typeof value === 'string' && value === pattern) return true;
    return parsePattern(pattern).some((all) => all.every((leaf) => matchLeaf(value, leaf)));
  }
  return false;
}
