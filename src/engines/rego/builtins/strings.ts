/** String builtins (OPA builtins reference: "Strings"). Indexes count Unicode code points, as Go runes. */
import { sprintf } from '../sprintf.js';
import { ObjectValue, SetValue, type Value } from '../values.js';
import { arr, BuiltinError, define, int, obj, str, strings, type Builtin } from './registry.js';

function cutsetPattern(cutset: string): (ch: string) => boolean {
  const chars = new Set(Array.from(cutset));
  return (ch) => chars.has(ch);
}

function trimLeft(s: string, inSet: (ch: string) => boolean): string {
  const cps = Array.from(s);
  let i = 0;
  while (i < cps.length && inSet(cps[i]!)) i++;
  return cps.slice(i).join('');
}

function trimRight(s: string, inSet: (ch: string) => boolean): string {
  const cps = Array.from(s);
  let j = cps.length;
  while (j > 0 && inSet(cps[j - 1]!)) j--;
  return cps.slice(0, j).join('');
}

/** Go's unicode.IsSpace. */
const isSpace = (ch: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);

function indexOfCodePoint(s: string, sub: string, from = 0): number {
  const i = s.indexOf(sub, from);
  return i < 0 ? -1 : Array.from(s.slice(0, i)).length;
}

function concatItems(args: readonly Value[]): string[] {
  const v = args[1]!;
  const items = Array.isArray(v) ? v : v instanceof SetValue ? v.values() : undefined;
  if (items === undefined) throw new BuiltinError('concat: operand 2 must be one of {array, set}');
  return items.map((e) => {
    if (typeof e !== 'string') throw new BuiltinError('concat: operand 2 must contain only strings');
    return e;
  });
}

/** Go's strings.NewReplacer: one left-to-right pass; at each position the first pattern (in argument order) that matches wins. */
function replaceN(patterns: ObjectValue, s: string): string {
  const pairs: [string, string][] = [];
  for (const k of patterns.keys()) {
    const v = patterns.get(k)!;
    if (typeof k !== 'string' || typeof v !== 'string') throw new BuiltinError('strings.replace_n: operand 1 must map strings to strings');
    pairs.push([k, v]);
  }
  let out = '';
  let i = 0;
  while (i < s.length) {
    const hit = pairs.find(([k]) => k !== '' && s.startsWith(k, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else {
      out += s[i];
      i++;
    }
  }
  return out;
}

export const stringBuiltins: readonly Builtin[] = [
  define('concat', 2, (args) => concatItems(args).join(str('concat', args, 0))),
  define('contains', 2, (args) => str('contains', args, 0).includes(str('contains', args, 1))),
  define('startswith', 2, (args) => str('startswith', args, 0).startsWith(str('startswith', args, 1))),
  define('endswith', 2, (args) => str('endswith', args, 0).endsWith(str('endswith', args, 1))),
  define('lower', 1, (args) => str('lower', args, 0).toLowerCase()),
  define('upper', 1, (args) => str('upper', args, 0).toUpperCase()),
  define('indexof', 2, (args) => indexOfCodePoint(str('indexof', args, 0), str('indexof', args, 1))),
  define('indexof_n', 2, (args) => {
    const s = str('indexof_n', args, 0);
    const sub = str('indexof_n', args, 1);
    const out: number[] = [];
    if (sub === '') return out;
    for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) out.push(Array.from(s.slice(0, i)).length);
    return out;
  }),
  define('replace', 3, (args) => str('replace', args, 0).split(str('replace', args, 1)).join(str('replace', args, 2))),
  define('strings.replace_n', 2, (args) => replaceN(obj('strings.replace_n', args, 0), str('strings.replace_n', args, 1))),
  define('split', 2, (args) => {
    const s = str('split', args, 0);
    const d = str('split', args, 1);
    return d === '' ? Array.from(s) : s.split(d);
  }),
  define('substring', 3, (args) => {
    const cps = Array.from(str('substring', args, 0));
    const start = int('substring', args, 1);
    const length = int('substring', args, 2);
    if (start < 0) throw new BuiltinError('substring: negative offset');
    if (start >= cps.length) return '';
    if (length < 0) return cps.slice(start).join('');
    return cps.slice(start, Math.min(cps.length, start + length)).join('');
  }),
  define('trim', 2, (args) => {
    const inSet = cutsetPattern(str('trim', args, 1));
    return trimRight(trimLeft(str('trim', args, 0), inSet), inSet);
  }),
  define('trim_left', 2, (args) => trimLeft(str('trim_left', args, 0), cutsetPattern(str('trim_left', args, 1)))),
  define('trim_right', 2, (args) => trimRight(str('trim_right', args, 0), cutsetPattern(str('trim_right', args, 1)))),
  define('trim_prefix', 2, (args) => {
    const s = str('trim_prefix', args, 0);
    const p = str('trim_prefix', args, 1);
    return s.startsWith(p) ? s.slice(p.length) : s;
  }),
  define('trim_suffix', 2, (args) => {
    const s = str('trim_suffix', args, 0);
    const p = str('trim_suffix', args, 1);
    return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  }),
  define('trim_space', 1, (args) => trimRight(trimLeft(str('trim_space', args, 0), isSpace), isSpace)),
  define('strings.any_prefix_match', 2, (args) => {
    const search = strings('strings.any_prefix_match', args, 0);
    const base = strings('strings.any_prefix_match', args, 1);
    return search.some((s) => base.some((b) => s.startsWith(b)));
  }),
  define('strings.any_suffix_match', 2, (args) => {
    const search = strings('strings.any_suffix_match', args, 0);
    const base = strings('strings.any_suffix_match', args, 1);
    return search.some((s) => base.some((b) => s.endsWith(b)));
  }),
  define('strings.reverse', 1, (args) => Array.from(str('strings.reverse', args, 0)).reverse().join('')),
  define('strings.count', 2, (args) => {
    const s = str('strings.count', args, 0);
    const sub = str('strings.count', args, 1);
    if (sub === '') return Array.from(s).length + 1;
    return s.split(sub).length - 1;
  }),
  define('sprintf', 2, (args) => sprintf(str('sprintf', args, 0), arr('sprintf', args, 1))),
];
