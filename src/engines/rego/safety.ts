/**
 * Safety and expression ordering (OPA policy reference, "Safety"; policy language, "Comprehensions":
 * "OPA will reorder expressions in the outer body so that variables referred to in the comprehension are
 * bound"). A body is scheduled by repeatedly taking the first remaining expression whose inputs are bound;
 * if none can run, the first unbound variable of the first remaining expression is unsafe.
 */
import type { CBody, CLiteral, CTerm, CWith } from './compiled.js';
import type { Loc } from './errors.js';

/** A body expression before ordering. `eq` is `=` (or `:=` when `assign`); its direction is chosen here. */
export type PLit =
  | { readonly k: 'term'; readonly term: CTerm; readonly loc: Loc }
  | { readonly k: 'eq'; readonly a: CTerm; readonly b: CTerm; readonly assign: boolean; readonly loc: Loc }
  /** `pre`: `$hN = ref` expressions OPA moves out of the negation; they run just before it (negation.ts). */
  | { readonly k: 'not'; readonly pre: readonly PLit[]; readonly inner: PLit; readonly loc: Loc }
  | { readonly k: 'someIn'; readonly key?: CTerm; readonly value: CTerm; readonly domain: CTerm; readonly loc: Loc }
  | {
      readonly k: 'every';
      readonly key?: number;
      readonly value: number;
      readonly domain: CTerm;
      readonly body: CBody;
      readonly free: readonly number[];
      readonly loc: Loc;
    }
  | { readonly k: 'with'; readonly inner: PLit; readonly mods: readonly CWith[]; readonly loc: Loc }
  | { readonly k: 'true'; readonly loc: Loc };

export class UnsafeVarError extends Error {
  constructor(
    readonly varName: string,
    readonly loc: Loc,
  ) {
    super(`var ${varName} is unsafe`);
  }
}

type Bound = ReadonlySet<number>;

function plus(bound: Bound, more: ReadonlySet<number>): Set<number> {
  const out = new Set(bound);
  for (const s of more) out.add(s);
  return out;
}

/**
 * The variables evaluating `t` binds (by iterating references), or null if it reads a variable that is
 * not bound yet.
 */
export function termSafe(t: CTerm, bound: Bound): Set<number> | null {
  const binds = new Set<number>();
  const ok = (sub: CTerm): boolean => {
    const r = termSafe(sub, binds.size ? plus(bound, binds) : bound);
    if (r === null) return false;
    for (const s of r) binds.add(s);
    return true;
  };
  switch (t.k) {
    case 'val':
    case 'input':
      return binds;
    case 'local':
      return bound.has(t.slot) ? binds : null;
    case 'ref':
      if (t.head.k === 'term' && !ok(t.head.term)) return null;
      for (const index of t.path) {
        const now = plus(bound, binds);
        if (index.vars.some((s) => !now.has(s))) {
          const p = patternVars(index.term, now);
          if (p === null) return null;
          for (const s of p) binds.add(s);
        } else if (!ok(index.term)) {
          return null;
        }
      }
      return binds;
    case 'call':
      for (const a of t.args) if (!ok(a)) return null;
      if (t.out) {
        const p = patternVars(t.out, plus(bound, binds));
        if (p === null) return null;
        for (const s of p) binds.add(s);
      }
      return binds;
    case 'array':
    case 'set':
      for (const e of t.items) if (!ok(e)) return null;
      return binds;
    case 'object':
      for (const [k, v] of t.entries) if (!ok(k) || !ok(v)) return null;
      return binds;
    case 'compr':
      return t.free.every((s) => bound.has(s)) ? binds : null;
  }
}

/** Variables a unification binds when `t` is matched against a value, or null if `t` cannot be matched yet. */
export function patternVars(t: CTerm, bound: Bound): Set<number> | null {
  switch (t.k) {
    case 'local':
      return bound.has(t.slot) ? new Set() : new Set([t.slot]);
    case 'array': {
      const out = new Set<number>();
      for (const e of t.items) {
        const p = patternVars(e, bound);
        if (p === null) return null;
        for (const s of p) out.add(s);
      }
      return out;
    }
    case 'object': {
      const out = new Set<number>();
      for (const [k, v] of t.entries) {
        const kk = termSafe(k, bound);
        if (kk === null || kk.size > 0) return null;
        const p = patternVars(v, bound);
        if (p === null) return null;
        for (const s of p) out.add(s);
      }
      return out;
    }
    default:
      return termSafe(t, bound);
  }
}

/** Local slots a term reads (a comprehension reads its free variables). */
export function slotsIn(t: CTerm, out: Set<number>): Set<number> {
  switch (t.k) {
    case 'local':
      out.add(t.slot);
      break;
    case 'ref':
      if (t.head.k === 'term') slotsIn(t.head.term, out);
      for (const i of t.path) slotsIn(i.term, out);
      break;
    case 'call':
      for (const a of t.args) slotsIn(a, out);
      if (t.out) slotsIn(t.out, out);
      break;
    case 'array':
    case 'set':
      for (const e of t.items) slotsIn(e, out);
      break;
    case 'object':
      for (const [k, v] of t.entries) {
        slotsIn(k, out);
        slotsIn(v, out);
      }
      break;
    case 'compr':
      for (const s of t.free) out.add(s);
      break;
    default:
      break;
  }
  return out;
}

export function slotsInLit(l: PLit, out: Set<number>): Set<number> {
  switch (l.k) {
    case 'term':
      return slotsIn(l.term, out);
    case 'eq':
      slotsIn(l.a, out);
      return slotsIn(l.b, out);
    case 'not':
      for (const p of l.pre) slotsInLit(p, out);
      return slotsInLit(l.inner, out);
    case 'someIn':
      if (l.key) slotsIn(l.key, out);
      slotsIn(l.value, out);
      return slotsIn(l.domain, out);
    case 'every':
      slotsIn(l.domain, out);
      for (const s of l.free) out.add(s);
      return out;
    case 'with':
      for (const m of l.mods) if ('value' in m) slotsIn(m.value, out);
      return slotsInLit(l.inner, out);
    case 'true':
      return out;
  }
}

/** Names of slots, for messages. */
export type SlotNames = (slot: number) => string;

interface Scheduled {
  readonly lit: CLiteral;
  readonly binds: Set<number>;
}

function analyze(l: PLit, bound: Bound, shared: ReadonlySet<number>): Scheduled | null {
  switch (l.k) {
    case 'true':
      return { lit: l, binds: new Set() };
    case 'term': {
      const b = termSafe(l.term, bound);
      return b === null ? null : { lit: l, binds: b };
    }
    case 'eq': {
      const attempt = (from: CTerm, to: CTerm): Scheduled | null => {
        const fb = termSafe(from, bound);
        if (fb === null) return null;
        const tb = patternVars(to, plus(bound, fb));
        if (tb === null) return null;
        return { lit: { k: 'unify', from, to, loc: l.loc }, binds: plus(fb, tb) };
      };
      if (l.assign) return attempt(l.b, l.a);
      return attempt(l.a, l.b) ?? attempt(l.b, l.a);
    }
    case 'not': {
      // OPA: a negated expression has no outputs, so every variable in it must be bound by the others.
      // The moved-out `$hN = ref` parts bind only their `$hN`, which only the negation reads.
      const moved = new Set<number>();
      for (const p of l.pre) if (p.k === 'eq' && p.a.k === 'local') moved.add(p.a.slot);
      for (const s of slotsInLit(l, new Set())) if (!bound.has(s) && !moved.has(s)) return null;
      const pre: CLiteral[] = [];
      let now: Set<number> = new Set(bound);
      for (const p of l.pre) {
        const r = analyze(p, now, shared);
        if (r === null) return null;
        pre.push(r.lit);
        now = plus(now, r.binds);
      }
      const inner = analyze(l.inner, now, shared);
      if (inner === null) return null;
      const lit: CLiteral = pre.length > 0 ? { k: 'not', pre, inner: inner.lit, loc: l.loc } : { k: 'not', inner: inner.lit, loc: l.loc };
      return { lit, binds: new Set() };
    }
    case 'someIn': {
      const db = termSafe(l.domain, bound);
      if (db === null) return null;
      const now = plus(bound, db);
      const kb = l.key ? patternVars(l.key, now) : new Set<number>();
      const vb = patternVars(l.value, now);
      if (kb === null || vb === null) return null;
      const lit: CLiteral = l.key
        ? { k: 'someIn', key: l.key, value: l.value, domain: l.domain, loc: l.loc }
        : { k: 'someIn', value: l.value, domain: l.domain, loc: l.loc };
      return { lit, binds: plus(plus(db, kb), vb) };
    }
    case 'every': {
      const db = termSafe(l.domain, bound);
      if (db === null || !l.free.every((s) => bound.has(s))) return null;
      const lit: CLiteral =
        l.key === undefined
          ? { k: 'every', value: l.value, domain: l.domain, body: l.body, loc: l.loc }
          : { k: 'every', key: l.key, value: l.value, domain: l.domain, body: l.body, loc: l.loc };
      return { lit, binds: db };
    }
    case 'with': {
      for (const m of l.mods) {
        if ('value' in m && termSafe(m.value, bound) === null) return null;
      }
      const inner = analyze(l.inner, bound, shared);
      return inner === null ? null : { lit: { k: 'with', inner: inner.lit, mods: l.mods, loc: l.loc }, binds: inner.binds };
    }
  }
}

/** The first unbound slot `l` reads, for the unsafe-variable message. */
function firstUnbound(l: PLit, bound: Bound, names: SlotNames): number | undefined {
  for (const s of slotsInLit(l, new Set())) if (!bound.has(s) && !names(s).startsWith('$h')) return s;
  return undefined;
}

/**
 * Orders `lits` so each runs once its inputs are bound. `bound0` are the slots bound on entry;
 * `outside` are slots also read outside this body (head, arguments, other expressions' closures).
 * Throws {@link UnsafeVarError}.
 */
export function schedule(
  lits: readonly PLit[],
  bound0: Bound,
  outside: ReadonlySet<number>,
  names: SlotNames,
): { body: CLiteral[]; bound: Set<number> } {
  const counts = new Map<number, number>();
  for (const l of lits) for (const s of slotsInLit(l, new Set())) counts.set(s, (counts.get(s) ?? 0) + 1);
  const shared = new Set<number>(bound0);
  for (const s of outside) shared.add(s);
  for (const [s, n] of counts) if (n > 1) shared.add(s);
  const remaining = [...lits];
  const bound = new Set(bound0);
  const body: CLiteral[] = [];
  while (remaining.length > 0) {
    let picked = -1;
    for (let i = 0; i < remaining.length; i++) {
      const r = analyze(remaining[i]!, bound, shared);
      if (r !== null) {
        body.push(r.lit);
        for (const s of r.binds) bound.add(s);
        picked = i;
        break;
      }
    }
    if (picked < 0) {
      const first = remaining[0]!;
      const slot = firstUnbound(first, bound, names);
      throw new UnsafeVarError(slot === undefined ? '?' : names(slot), first.loc);
    }
    remaining.splice(picked, 1);
  }
  return { body, bound };
}
