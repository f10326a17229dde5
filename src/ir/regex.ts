/**
 * secpol regexes are RE2 (https://github.com/google/re2/wiki/Syntax), the syntax of every engine secpol targets
 * (Kyverno and OPA use Go's regexp, Kubernetes CEL uses RE2). RE2's flag groups have no JavaScript equivalent
 * inside a pattern; one leading group of `i` (case-insensitive), `m` (^ and $ at line breaks) and `s` (. matches
 * \n) is what every engine's offline re-implementation translates into RegExp flags. Everything else that sets
 * flags is refused with the construct named: `(?U)` (ungreedy), a group later in the pattern, a scoped group
 * `(?i:…)`, clearing flags `(?-i)`.
 */
export type Re2Translation =
  | { readonly ok: true; readonly source: string; readonly flags: string }
  | { readonly ok: false; readonly construct: string; readonly reason: string; readonly hint: string };

const leadingHint = 'put one flag group of i, m and s at the very start, e.g. (?i)^nginx or (?is)…';

/** Translates the leading RE2 flag group into JavaScript RegExp flags, or names the flag construct it cannot. */
export function translateRe2Flags(pattern: string): Re2Translation {
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (lead) {
    const letters = lead[1] ?? '';
    const unknown = [...letters].filter((c) => !'imsU'.includes(c));
    if (unknown.length) return { ok: false, construct: lead[0], reason: `flag ${unknown[0]} is not an RE2 flag`, hint: 'RE2 flags are i, m, s and U' };
    if (letters.includes('U')) return { ok: false, construct: lead[0], reason: 'ungreedy mode (U) has no JavaScript equivalent, so the offline engines could not check it', hint: 'write lazy quantifiers (*?, +?, ??) where you need them, and drop U' };
    flags = [...new Set(letters)].sort().join('');
    body = pattern.slice(lead[0].length);
  }
  const inner = findFlagGroup(body);
  if (inner) {
    const scoped = inner.endsWith(':');
    const reason = scoped ? 'a scoped flag group applies flags to part of the pattern, which JavaScript cannot' : inner.includes('-') ? 'clearing flags inside the pattern has no JavaScript equivalent' : 'a flag group after the start of the pattern has no JavaScript equivalent';
    return { ok: false, construct: scoped ? `${inner}…)` : inner, reason, hint: leadingHint };
  }
  return { ok: true, source: body, flags };
}

/** The first `(?flags)` or `(?flags:` outside escapes and character classes (not `(?:`, `(?P<`, lookarounds). */
function findFlagGroup(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const m = /^\(\?([a-zA-Z]*(?:-[a-zA-Z]*)?)([):])/.exec(pattern.slice(i));
      if (m && m[1] !== '' && m[1] !== '-') return m[0];
    }
  }
  return undefined;
}

/** A JavaScript RegExp for a secpol regex the checker accepted (unanchored search, as RE2's MatchString). */
export function re2RegExp(pattern: string): RegExp {
  const t = translateRe2Flags(pattern);
  if (!t.ok) throw new Error(`invariant: unchecked regex flags ${t.construct}`);
  return new RegExp(t.source, `${t.flags}u`);
}
