/**
 * Pattern keys wrapped in anchors (https://kyverno.io/docs/writing-policies/validate/#anchors):
 * `(k)` conditional, `<(k)` global, `=(k)` equality, `^(k)` existence, `X(k)` negation, `+(k)` add-if-not-present.
 */

export type AnchorKind = 'conditional' | 'global' | 'equality' | 'existence' | 'negation' | 'addIfNotPresent';

export interface Anchor {
  readonly kind: AnchorKind;
  readonly key: string;
}

const ANCHOR_RE = /^([+<=X^])?\((.+)\)$/;
const MODIFIERS: Record<string, AnchorKind> = {
  '': 'conditional',
  '<': 'global',
  '=': 'equality',
  '^': 'existence',
  X: 'negation',
  '+': 'addIfNotPresent',
};
const PREFIX: Record<AnchorKind, string> = {
  conditional: '',
  global: '<',
  equality: '=',
  existence: '^',
  negation: 'X',
  addIfNotPresent: '+',
};

const cache = new Map<string, Anchor | null>();

/** The anchor a pattern key carries, or undefined for a plain key. */
export function parseAnchor(rawKey: string): Anchor | undefined {
  const cached = cache.get(rawKey);
  if (cached !== undefined) return cached ?? undefined;
  const m = ANCHOR_RE.exec(rawKey.trim());
  const kind = m ? MODIFIERS[m[1] ?? ''] : undefined;
  const anchor = m && kind ? { kind, key: m[2] ?? '' } : undefined;
  if (cache.size > 10_000) cache.clear();
  cache.set(rawKey, anchor ?? null);
  return anchor;
}

export function formatAnchor(kind: AnchorKind, key: string): string {
  return `${PREFIX[kind]}(${key})`;
}

/** The key without its anchor, as used when resolving `$(...)` references. */
export function stripAnchor(rawKey: string): string {
  return parseAnchor(rawKey)?.key ?? rawKey;
}

/** Whether a pattern subtree holds any conditional/existence/equality/negation/global anchor. */
export function hasNestedAnchors(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(hasNestedAnchors);
  if (typeof pattern === 'object' && pattern !== null) {
    for (const [key, value] of Object.entries(pattern)) {
      const anchor = parseAnchor(key);
      if (anchor && anchor.kind !== 'addIfNotPresent') return true;
      if (hasNestedAnchors(value)) return true;
    }
  }
  return false;
}

/** Whether a pattern subtree uses `+()`, which only mutate rules accept. */
export function hasAddIfNotPresent(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(hasAddIfNotPresent);
  if (typeof pattern === 'object' && pattern !== null) {
    for (const [key, value] of Object.entries(pattern)) {
      if (parseAnchor(key)?.kind === 'addIfNotPresent' || hasAddIfNotPresent(value)) return true;
    }
  }
  return false;
}
