/**
 * Kyverno's wildcard matching: `*` is any run of characters, `?` exactly one, everything else literal
 * (https://kyverno.io/docs/writing-policies/validate/#wildcards). Compiled patterns are cached.
 */

const MAX_CACHE = 20_000;
const compiled = new Map<string, RegExp>();

export function containsWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

function compile(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re === undefined) {
    let source = '^';
    for (const ch of pattern) {
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else source += /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
    }
    re = new RegExp(`${source}$`, 'u');
    if (compiled.size >= MAX_CACHE) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** True when `value` matches `pattern`. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === value || pattern === '*') return true;
  if (!containsWildcard(pattern)) return false;
  return compile(pattern).test(value);
}

/** True when any of `patterns` matches `value`. */
export function anyWildcardMatch(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => wildcardMatch(p, value));
}
