/**
 * Regular expressions and globs (OPA builtins reference: "Regex", "Glob"). OPA uses Go's RE2 syntax;
 * patterns are translated to JavaScript (`(?i)` → flag, `(?P<n>` → `(?<n>`, `\A`/`\z`, POSIX classes).
 * A pattern JavaScript rejects is a builtin error, so the call is undefined.
 */
import type { Value } from '../values.js';
import { BuiltinError, define, int, str, type Builtin } from './registry.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let source = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) if (f === 'i' || f === 'm' || f === 's') flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX[name];
      if (cls === undefined) return m;
      return neg ? `&&NEG${cls}&&` : cls;
    })
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}');
  if (source.includes('&&NEG')) throw new BuiltinError('negated POSIX classes are not supported');
  return { source, flags };
}

/** Compiles (and caches) a Go regular expression. */
export function compileRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translate(pattern);
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}u`);
  } catch {
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      throw new BuiltinError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, re);
  return re;
}

function globalOf(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
}

/** Escapes a literal outside a character class (under the `u` flag, needless escapes such as \- are errors). */
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Escapes a literal inside a character class, where `-`, `^`, `[`, `]` and `\` are special. */
function escapeClass(s: string): string {
  return s.replace(/[\]\[\\^-]/g, '\\$&');
}

/**
 * gobwas/glob syntax: `*` (no delimiter), `**` (anything), `?`, `[abc]`, `[!abc]`, `[a-z]`, `{a,b}`, `\x`.
 */
export function globToRegex(pattern: string, delimiters: readonly string[]): RegExp {
  const notDelim = delimiters.length ? `[^${delimiters.map(escapeClass).join('')}]` : '[\\s\\S]';
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    switch (c) {
      case '\\':
        i++;
        if (i >= pattern.length) throw new BuiltinError('glob.match: unexpected end of pattern after escape');
        out += escapeRe(pattern[i]!);
        break;
      case '*':
        if (pattern[i + 1] === '*') {
          out += '[\\s\\S]*';
          i++;
        } else {
          out += `${notDelim}*`;
        }
        break;
      case '?':
        out += notDelim;
        break;
      case '[': {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) throw new BuiltinError('glob.match: unterminated character class');
        let body = pattern.slice(i + 1, end);
        const neg = body.startsWith('!');
        if (neg) body = body.slice(1);
        out += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
        break;
      }
      case '{':
        depth++;
        out += '(?:';
        break;
      case '}':
        if (depth === 0) throw new BuiltinError('glob.match: unbalanced }');
        depth--;
        out += ')';
        break;
      case ',':
        out += depth > 0 ? '|' : ',';
        break;
      default:
        out += escapeRe(c);
    }
  }
  if (depth !== 0) throw new BuiltinError('glob.match: unbalanced {');
  return new RegExp(`^(?:${out})$`, 'u');
}

function globDelimiters(v: Value): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw new BuiltinError('glob.match: operand 2 must be null or an array of strings');
  if (v.length === 0) return ['.'];
  return v.map((d) => {
    if (typeof d !== 'string') throw new BuiltinError('glob.match: delimiters must be strings');
    return d;
  });
}

function findN(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (n === 0) return out;
  const g = globalOf(re);
  let m: RegExpExecArray | null;
  while ((m = g.exec(s)) !== null) {
    out.push(m);
    if (m[0] === '') g.lastIndex++;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}

const match = (name: string): Builtin => define(name, 2, (args) => compileRegex(str(name, args, 0)).test(str(name, args, 1)));

export const regexBuiltins: readonly Builtin[] = [
  match('regex.match'),
  match('re_match'),
  define('regex.is_valid', 1, ([p]) => {
    if (typeof p !== 'string') return false;
    try {
      compileRegex(p);
      return true;
    } catch {
      return false;
    }
  }),
  define('regex.split', 2, (args) => str('regex.split', args, 1).split(globalOf(compileRegex(str('regex.split', args, 0))))),
  define('regex.find_n', 3, (args) =>
    findN(compileRegex(str('regex.find_n', args, 0)), str('regex.find_n', args, 1), int('regex.find_n', args, 2)).map((m) => m[0]),
  ),
  define('regex.find_all_string_submatch_n', 3, (args) =>
    findN(
      compileRegex(str('regex.find_all_string_submatch_n', args, 0)),
      str('regex.find_all_string_submatch_n', args, 1),
      int('regex.find_all_string_submatch_n', args, 2),
    ).map((m) => [...m].map((g) => g ?? '')),
  ),
  define('regex.replace', 3, (args) =>
    str('regex.replace', args, 0).replace(globalOf(compileRegex(str('regex.replace', args, 1))), str('regex.replace', args, 2)),
  ),
  define('glob.match', 3, (args) => globToRegex(str('glob.match', args, 0), globDelimiters(args[1]!)).test(str('glob.match', args, 2))),
  define('glob.quote_meta', 1, (args) => str('glob.quote_meta', args, 0).replace(/[*?\\[\]{}]/g, '\\$&')),
];

