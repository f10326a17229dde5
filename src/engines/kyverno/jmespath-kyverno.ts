/**
 * Kyverno's custom JMESPath filters (https://kyverno.io/docs/writing-policies/jmespath/#custom-filters).
 * Not provided: `x509_decode`, `random`, `time_parse` with Go layouts, `time_to_cron`, `sha256`.
 */
import { parse as parseYamlText } from 'yaml';
import { arithmetic, formatDuration } from './arithmetic.js';
import { normalizeImage } from './images.js';
import { arg, type Fn, JmesPathError } from './jmespath-values.js';
import { parseDuration, parseSemver, semverInRange } from './quantity.js';
import { wildcardMatch } from './wildcard.js';

/** The text of a string-or-number argument, as Kyverno's `ifaceToString`. */
function stringish(fn: string, value: unknown, i: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new JmesPathError(`invalid type in argument ${i + 1} of ${fn}(): expected String or Real`);
}

const regexCache = new Map<string, RegExp>();

/** Go RE2 syntax in a JS RegExp: leading `(?flags)` groups become JS flags. */
function goRegex(source: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}/${source}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    let flags = global ? 'g' : '';
    let body = source;
    const inline = /^\(\?([imsU]+)\)/.exec(body);
    if (inline) {
      body = body.slice(inline[0].length);
      for (const f of inline[1] ?? '') if (f !== 'U' && !flags.includes(f)) flags += f;
    }
    body = body.replace(/\\z/g, '$').replace(/\\A/g, '^');
    try {
      re = new RegExp(body, flags);
    } catch (e) {
      throw new JmesPathError(`error parsing regexp: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (regexCache.size > 2_000) regexCache.clear();
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Expands a Go regexp replacement template (`$1`, `${1}`, `$name`, `$$`). */
function expandTemplate(template: string, groups: readonly string[], named: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_all, whole: string, braced?: string, bare?: string) => {
    if (whole === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return groups[Number(name)] ?? '';
    return named[name] ?? '';
  });
}

function regexReplace(re: RegExp, src: string, repl: string, literal: boolean): string {
  if (literal) return src.replace(re, () => repl);
  return src.replace(re, (...params: unknown[]) => {
    const offsetIndex = params.findIndex((p) => typeof p === 'number');
    const groups = params.slice(0, offsetIndex).map((p) => (typeof p === 'string' ? p : ''));
    const last = params[params.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : {};
    return expandTemplate(repl, groups, named);
  });
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseTime(fn: string, text: string): { ms: number; offsetMin: number } {
  const m = RFC3339.exec(text);
  const ms = m ? Date.parse(text) : Number.NaN;
  if (!m || Number.isNaN(ms)) throw new JmesPathError(`${fn}(): cannot parse ${JSON.stringify(text)} as RFC 3339 time`);
  const zone = m[8] ?? 'Z';
  const offsetMin = /^[Zz]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return { ms, offsetMin };
}

/** Go time.Format(time.RFC3339) at the given UTC offset. */
function formatTime(ms: number, offsetMin = 0): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  if (offsetMin === 0) return `${local}Z`;
  const abs = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function durationArg(fn: string, text: string): number {
  const d = parseDuration(text);
  if (d === undefined) throw new JmesPathError(`${fn}(): invalid duration ${JSON.stringify(text)}`);
  return d;
}

/** Go's filepath.Join on one path: cleans `.`, `..` and repeated slashes. */
function canonicalPath(path: string): string {
  if (path === '') return '';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

const str = (fn: string, a: readonly unknown[], i: number): string => arg<string>(fn, a, i, 'string');

export const kyvernoFunctions: Record<string, Fn> = {
  compare: (a) => {
    const x = str('compare', a, 0);
    const y = str('compare', a, 1);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  equal_fold: (a) => str('equal_fold', a, 0).toLowerCase() === str('equal_fold', a, 1).toLowerCase(),
  replace: (a) => {
    const [s, from, to] = [str('replace', a, 0), str('replace', a, 1), str('replace', a, 2)];
    let n = Math.trunc(arg<number>('replace', a, 3, 'number'));
    if (n < 0) return s.split(from).join(to);
    let out = s;
    let at = 0;
    while (n-- > 0) {
      const i = out.indexOf(from, at);
      if (i === -1) break;
      out = out.slice(0, i) + to + out.slice(i + from.length);
      at = i + to.length + (from === '' ? 1 : 0);
    }
    return out;
  },
  replace_all: (a) => str('replace_all', a, 0).split(str('replace_all', a, 1)).join(str('replace_all', a, 2)),
  to_upper: (a) => str('to_upper', a, 0).toUpperCase(),
  to_lower: (a) => str('to_lower', a, 0).toLowerCase(),
  trim: (a) => {
    const cut = new Set([...str('trim', a, 1)]);
    const chars = [...str('trim', a, 0)];
    let start = 0;
    let end = chars.length;
    while (start < end && cut.has(chars[start] ?? '')) start++;
    while (end > start && cut.has(chars[end - 1] ?? '')) end--;
    return chars.slice(start, end).join('');
  },
  trim_prefix: (a) => {
    const s = str('trim_prefix', a, 0);
    const p = str('trim_prefix', a, 1);
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  split: (a) => {
    const s = str('split', a, 0);
    const sep = str('split', a, 1);
    return sep === '' ? [...s] : s.split(sep);
  },
  regex_replace_all: (a) => regexReplace(goRegex(str('regex_replace_all', a, 0), true), stringish('regex_replace_all', a[1], 1), stringish('regex_replace_all', a[2], 2), false),
  regex_replace_all_literal: (a) =>
    regexReplace(goRegex(str('regex_replace_all_literal', a, 0), true), stringish('regex_replace_all_literal', a[1], 1), stringish('regex_replace_all_literal', a[2], 2), true),
  regex_match: (a) => goRegex(str('regex_match', a, 0)).test(stringish('regex_match', a[1], 1)),
  pattern_match: (a) => wildcardMatch(str('pattern_match', a, 0), stringish('pattern_match', a[1], 1)),
  label_match: (a) => {
    const wanted = arg<Record<string, unknown>>('label_match', a, 0, 'object');
    const labels = arg<Record<string, unknown>>('label_match', a, 1, 'object');
    return Object.entries(wanted).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
  },
  to_boolean: (a) => {
    const s = str('to_boolean', a, 0).toLowerCase();
    if (s === 'true' || s === 'false') return s === 'true';
    throw new JmesPathError(`to_boolean(): lowercase argument must be 'true' or 'false' (provided: '${String(a[0])}')`);
  },
  add: (a) => arithmetic('add', a[0], a[1]),
  subtract: (a) => arithmetic('subtract', a[0], a[1]),
  multiply: (a) => arithmetic('multiply', a[0], a[1]),
  divide: (a) => arithmetic('divide', a[0], a[1]),
  modulo: (a) => arithmetic('modulo', a[0], a[1]),
  sum: (a) => {
    const list = arg<unknown[]>('sum', a, 0, 'array');
    if (list.length === 0) throw new JmesPathError("JMESPath function 'sum': at least one element in the array is required");
    return list.slice(1).reduce((acc, v) => arithmetic('sum', acc, v), list[0]);
  },
  round: (a) => {
    const value = arg<number>('round', a, 0, 'number');
    const digits = arg<number>('round', a, 1, 'number');
    if (!Number.isInteger(digits)) throw new JmesPathError("JMESPath function 'round': expected an integer number of digits");
    if (digits < 0) throw new JmesPathError("JMESPath function 'round': digits must be non-negative");
    const shift = 10 ** digits;
    const scaled = value * shift;
    return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / shift;
  },
  base64_decode: (a) => {
    const s = str('base64_decode', a, 0);
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) throw new JmesPathError('illegal base64 data');
    return Buffer.from(s, 'base64').toString('utf8');
  },
  base64_encode: (a) => Buffer.from(str('base64_encode', a, 0), 'utf8').toString('base64'),
  path_canonicalize: (a) => canonicalPath(str('path_canonicalize', a, 0)),
  truncate: (a) => {
    const length = Math.max(0, Math.trunc(arg<number>('truncate', a, 1, 'number')));
    return [...str('truncate', a, 0)].slice(0, length).join('');
  },
  semver_compare: (a) => {
    const version = parseSemver(str('semver_compare', a, 0)) ?? { major: 0, minor: 0, patch: 0, pre: [] };
    const inRange = semverInRange(version, str('semver_compare', a, 1));
    if (inRange === undefined) throw new JmesPathError(`semver_compare(): invalid range ${JSON.stringify(a[1])}`);
    return inRange;
  },
  parse_json: (a) => {
    try {
      return JSON.parse(str('parse_json', a, 0)) as unknown;
    } catch (e) {
      throw new JmesPathError(`parse_json(): ${e instanceof Error ? e.message : String(e)}`);
    }
  },
  parse_yaml: (a) => {
    try {
      return (parseYamlText(str('parse_yaml', a, 0)) as unknown) ?? null;
    } catch (e) {
      throw new JmesPathError(`parse_yaml(): ${e instanceof Error ? e.message : String(e)}`);
    }
  },
  lookup: (a) => {
    const collection = arg<unknown>('lookup', a, 0, 'object', 'array');
    if (Array.isArray(collection)) {
      const i = arg<number>('lookup', a, 1, 'number');
      if (!Number.isInteger(i)) throw new JmesPathError("JMESPath function 'lookup': argument #2: expected an integer");
      return i < 0 || i >= collection.length ? null : collection[i];
    }
    return (collection as Record<string, unknown>)[arg<string>('lookup', a, 1, 'string')] ?? null;
  },
  items: (a) => {
    const collection = arg<unknown>('items', a, 0, 'object', 'array');
    const keyName = str('items', a, 1);
    const valueName = str('items', a, 2);
    if (Array.isArray(collection)) return collection.map((v, i) => ({ [keyName]: i, [valueName]: v }));
    const object = collection as Record<string, unknown>;
    return Object.keys(object)
      .sort()
      .map((k) => ({ [keyName]: k, [valueName]: object[k] }));
  },
  object_from_lists: (a) => {
    const keys = arg<unknown[]>('object_from_lists', a, 0, 'array');
    const values = arg<unknown[]>('object_from_lists', a, 1, 'array');
    const out: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      out[stringish('object_from_lists', k, 0)] = i < values.length ? values[i] : null;
    });
    return out;
  },
  image_normalize: (a) => {
    const image = str('image_normalize', a, 0);
    const normalized = normalizeImage(image);
    if (normalized === undefined) throw new JmesPathError(`image_normalize(): invalid image reference ${JSON.stringify(image)}`);
    return normalized;
  },
  // Kyverno formats time.Now() (time_now: in the process's zone, UTC in Kyverno's container images) as RFC 3339.
  time_now: (_a, _ref, clock) => formatTime(clock()),
  time_now_utc: (_a, _ref, clock) => formatTime(clock()),
  time_utc: (a) => formatTime(parseTime('time_utc', str('time_utc', a, 0)).ms),
  time_add: (a) => {
    const t = parseTime('time_add', str('time_add', a, 0));
    return formatTime(t.ms + durationArg('time_add', str('time_add', a, 1)) / 1e6, t.offsetMin);
  },
  time_diff: (a) => formatDuration((parseTime('time_diff', str('time_diff', a, 1)).ms - parseTime('time_diff', str('time_diff', a, 0)).ms) * 1e6),
  time_since: (a, _ref, clock) => {
    const layout = str('time_since', a, 0);
    if (layout !== '' && layout !== '2006-01-02T15:04:05Z07:00') throw new JmesPathError('time_since(): only RFC 3339 layouts are supported offline');
    const start = parseTime('time_since', str('time_since', a, 1)).ms;
    const endText = str('time_since', a, 2);
    const end = endText === '' ? clock() : parseTime('time_since', endText).ms;
    return formatDuration((end - start) * 1e6);
  },
  time_before: (a) => parseTime('time_before', str('time_before', a, 0)).ms < parseTime('time_before', str('time_before', a, 1)).ms,
  time_after: (a) => parseTime('time_after', str('time_after', a, 0)).ms > parseTime('time_after', str('time_after', a, 1)).ms,
  time_between: (a) => {
    const t = parseTime('time_between', str('time_between', a, 0)).ms;
    return t > parseTime('time_between', str('time_between', a, 1)).ms && t < parseTime('time_between', str('time_between', a, 2)).ms;
  },
  time_truncate: (a) => {
    const t = parseTime('time_truncate', str('time_truncate', a, 0));
    const stepMs = durationArg('time_truncate', str('time_truncate', a, 1)) / 1e6;
    return formatTime(stepMs <= 0 ? t.ms : t.ms - (((t.ms % stepMs) + stepMs) % stepMs), t.offsetMin);
  },
};

