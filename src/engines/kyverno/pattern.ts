/**
 * Overlay pattern validation (https://kyverno.io/docs/writing-policies/validate/#patterns): a resource
 * satisfies a pattern when every pattern field matches, with anchors changing how keys are visited.
 * Outcomes follow Kyverno's engine: a failing conditional `()` or global `<()` anchor makes the rule `skip`,
 * a matched negation `X()` anchor makes it `fail`, and any other mismatch `fail`s, except that it becomes an
 * `error` when some conditional/existence/negation anchor key of the pattern never occurred in the resource.
 */
import { type AnchorKind, formatAnchor, hasNestedAnchors, parseAnchor } from './anchors.js';
import { matchValue } from './pattern-value.js';
import { isObject, type JsonObject } from './types.js';
import { containsWildcard, wildcardMatch } from './wildcard.js';

const CONDITIONAL = 1;
const GLOBAL = 2;
const NEGATION = 4;

interface Failure {
  readonly path: string;
  readonly message: string;
  /** Bit set of the anchor errors this failure carries (Kyverno classifies errors by their wrapped text). */
  readonly flags: number;
}

export type PatternOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'skip'; readonly message: string }
  | { readonly kind: 'fail'; readonly path: string; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/** For each conditional/existence/negation anchor key: was it ever present in the resource? */
type AnchorPresence = Map<string, boolean>;

const isSkip = (f: Failure): boolean => (f.flags & (CONDITIONAL | GLOBAL)) !== 0;

/** Validates `resource` against `pattern` from the root, as Kyverno's `MatchPattern`. */
export function matchPattern(resource: unknown, pattern: unknown): PatternOutcome {
  const presence: AnchorPresence = new Map();
  const failure = validateElement(resource, pattern, '/', presence);
  if (!failure) return { kind: 'pass' };
  if (isSkip(failure)) return { kind: 'skip', message: failure.message };
  if ((failure.flags & NEGATION) === 0 && [...presence.values()].some((seen) => !seen)) {
    return { kind: 'error', message: failure.message };
  }
  if (failure.path === '') return { kind: 'error', message: failure.message };
  return { kind: 'fail', path: failure.path, message: failure.message };
}

function goType(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'object') return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function fail(path: string, message: string, flags = 0): Failure {
  return { path, message, flags };
}

function validateElement(resource: unknown, pattern: unknown, path: string, presence: AnchorPresence): Failure | undefined {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return fail(path, `pattern and resource have different structures. Path: ${path}. Expected ${goType(pattern)}, found ${goType(resource)}`);
    }
    recordAnchorPresence(pattern, resource, presence);
    return validateMap(resource, pattern, path, presence);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return fail(path, `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`);
    }
    return validateArray(resource, pattern, path, presence);
  }
  if (pattern === null || pattern === undefined || ['string', 'number', 'boolean'].includes(typeof pattern)) {
    const values = Array.isArray(resource) ? resource : [resource];
    for (const value of values) {
      if (!matchValue(value, pattern)) {
        return fail(path, `resource value '${show(resource)}' does not match '${show(pattern)}' at path ${path}`);
      }
    }
    return undefined;
  }
  return fail(path, `failed at '${path}', pattern contains unknown type`);
}

function recordAnchorPresence(pattern: JsonObject, resource: JsonObject, presence: AnchorPresence): void {
  for (const key of Object.keys(pattern)) {
    const anchor = parseAnchor(key);
    if (!anchor || !(anchor.kind === 'conditional' || anchor.kind === 'existence' || anchor.kind === 'negation')) continue;
    if (presence.get(key) === true) continue;
    presence.set(key, Object.hasOwn(resource, anchor.key));
  }
}

const HANDLED_FIRST: ReadonlySet<AnchorKind> = new Set(['conditional', 'existence', 'equality', 'negation']);

interface KeyOrder {
  readonly anchors: readonly string[];
  readonly others: readonly string[];
}
const keyOrders = new WeakMap<JsonObject, KeyOrder>();

/** Anchors first (sorted); then global anchors and keys with nested anchors (reverse-sorted), then the rest (sorted). */
function keyOrder(pattern: JsonObject): KeyOrder {
  let order = keyOrders.get(pattern);
  if (order === undefined) {
    const keys = Object.keys(pattern).sort();
    const anchors: string[] = [];
    const front: string[] = [];
    const back: string[] = [];
    for (const key of keys) {
      const anchor = parseAnchor(key);
      if (anchor && HANDLED_FIRST.has(anchor.kind)) anchors.push(key);
      else if (anchor?.kind === 'global' || hasNestedAnchors(pattern[key])) front.unshift(key);
      else back.push(key);
    }
    order = { anchors, others: [...front, ...back] };
    keyOrders.set(pattern, order);
  }
  return order;
}

function validateMap(resource: JsonObject, rawPattern: JsonObject, path: string, presence: AnchorPresence): Failure | undefined {
  const pattern = expandMetadataWildcards(rawPattern, resource);
  const order = keyOrder(pattern);
  for (const key of order.anchors) {
    const failure = handleKey(key, pattern[key], resource, path, presence);
    if (failure) return failure;
  }
  for (const key of order.others) {
    const failure = handleKey(key, pattern[key], resource, path, presence);
    if (failure) return failure;
  }
  return undefined;
}

function handleKey(rawKey: string, pattern: unknown, resource: JsonObject, path: string, presence: AnchorPresence): Failure | undefined {
  const anchor = parseAnchor(rawKey);
  if (!anchor || anchor.kind === 'addIfNotPresent') {
    const value = resource[rawKey];
    if (pattern === '*') {
      return value === null || value === undefined ? fail(path, `${path}/${rawKey} not found`) : undefined;
    }
    return validateElement(value ?? null, pattern, `${path}${rawKey}/`, presence);
  }
  const present = Object.hasOwn(resource, anchor.key);
  const value = resource[anchor.key] ?? null;
  const current = `${path}${anchor.key}/`;
  switch (anchor.kind) {
    case 'conditional': {
      if (!present) return fail(current, "conditional anchor mismatch: conditional anchor key doesn't exist in the resource", CONDITIONAL);
      const inner = validateElement(value, pattern, current, presence);
      return inner && fail(inner.path, `conditional anchor mismatch: ${inner.message}`, inner.flags | CONDITIONAL);
    }
    case 'global': {
      if (!present) return undefined;
      const inner = validateElement(value, pattern, current, presence);
      return inner && fail(inner.path, `global anchor mismatch: ${inner.message}`, inner.flags | GLOBAL);
    }
    case 'equality':
      return present ? validateElement(value, pattern, current, presence) : undefined;
    case 'negation':
      return present ? fail(current, `negation anchor matched in resource: ${current} is not allowed`, NEGATION) : undefined;
    case 'existence':
      return present ? validateExistence(value, pattern, current, presence) : undefined;
  }
}

/** `^(key)`: for every map in the pattern list, at least one element of the resource list must match it. */
function validateExistence(value: unknown, pattern: unknown, path: string, presence: AnchorPresence): Failure | undefined {
  if (!Array.isArray(value)) {
    return fail(path, `invalid resource type ${goType(value)}: Existence ^ () anchor can be used only on list/array type resource`);
  }
  if (!Array.isArray(pattern)) {
    return fail(path, `invalid pattern type ${goType(pattern)}: Pattern has to be of list to compare against resource`);
  }
  for (const item of pattern) {
    if (!isObject(item)) {
      return fail(path, `invalid pattern type ${goType(pattern)}: Pattern has to be of type map to compare against items in resource`);
    }
    const found = value.some((element, i) => !validateElement(element, item, `${path}${i}/`, presence));
    if (!found) return fail(path, `existence anchor validation failed at path ${path}`);
  }
  return undefined;
}

function validateArray(resource: readonly unknown[], pattern: readonly unknown[], path: string, presence: AnchorPresence): Failure | undefined {
  if (pattern.length === 0) return fail(path, 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) return validateArrayOfMaps(resource, first, path, presence);
  if (!Array.isArray(first)) return validateElement(resource, first, path, presence);
  if (resource.length < pattern.length) {
    return fail('', `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`);
  }
  const skipped: Failure[] = [];
  let applied = 0;
  for (let i = 0; i < pattern.length; i++) {
    const failure = validateElement(resource[i], pattern[i], `${path}${i}/`, presence);
    if (!failure) applied++;
    else if (isSkip(failure)) skipped.push(failure);
    else return failure;
  }
  return applied === 0 ? combineSkips(path, skipped) : undefined;
}

/** Each element must match the (first) pattern map; elements whose conditional anchors fail are skipped. */
function validateArrayOfMaps(resource: readonly unknown[], pattern: JsonObject, path: string, presence: AnchorPresence): Failure | undefined {
  const skipped: Failure[] = [];
  let applied = 0;
  for (let i = 0; i < resource.length; i++) {
    const failure = validateElement(resource[i], pattern, `${path}${i}/`, presence);
    if (!failure) applied++;
    else if (isSkip(failure)) skipped.push(failure);
    else return failure;
  }
  return applied === 0 ? combineSkips(path, skipped) : undefined;
}

function combineSkips(path: string, skipped: readonly Failure[]): Failure | undefined {
  if (skipped.length === 0) return undefined;
  return fail(path, skipped.map((s) => s.message).join('; '), skipped.reduce((flags, s) => flags | s.flags, 0));
}

/**
 * Wildcard keys under `metadata.labels` / `metadata.annotations` stand for the matching resource keys.
 * Kyverno substitutes one matching key (Go map order); this engine expands every matching key.
 */
function expandMetadataWildcards(pattern: JsonObject, resource: JsonObject): JsonObject {
  const metaKey = Object.keys(pattern).find((k) => k === 'metadata' || parseAnchor(k)?.key === 'metadata');
  if (metaKey === undefined) return pattern;
  const patternMeta = pattern[metaKey];
  const resourceMeta = resource['metadata'];
  if (!isObject(patternMeta) || !isObject(resourceMeta)) return pattern;
  let expandedMeta: JsonObject | undefined;
  for (const tag of ['labels', 'annotations']) {
    const tagKey = Object.keys(patternMeta).find((k) => k === tag || parseAnchor(k)?.key === tag);
    if (tagKey === undefined) continue;
    const patternTag = patternMeta[tagKey];
    const resourceTag = resourceMeta[tag];
    if (!isObject(patternTag) || !isObject(resourceTag)) continue;
    if (!Object.keys(patternTag).some(containsWildcard)) continue;
    const expanded: JsonObject = {};
    for (const [key, value] of Object.entries(patternTag)) {
      const anchor = parseAnchor(key);
      const bare = anchor ? anchor.key : key;
      if (!containsWildcard(bare)) {
        expanded[key] = value;
        continue;
      }
      const matches = Object.keys(resourceTag).filter((k) => wildcardMatch(bare, k));
      if (matches.length === 0) expanded[key] = value;
      for (const match of matches) expanded[anchor ? formatAnchor(anchor.kind, match) : match] = value;
    }
    expandedMeta = { ...(expandedMeta ?? patternMeta), [tagKey]: expanded };
  }
  return expandedMeta ? { ...pattern, [metaKey]: expandedMeta } : pattern;
}
