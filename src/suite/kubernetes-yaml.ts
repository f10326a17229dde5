import YAML, { isAlias, isMap, isScalar, isSeq, type Node, type ScalarTag } from 'yaml';

/**
 * Manifests read as Kubernetes reads them. kubectl and the API server turn YAML into JSON with sigs.k8s.io/yaml
 * (YAMLToJSON), which decodes with its fork of go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2, resolve.go) into
 * interface{} and converts keys to strings (yaml.go, convertToJSONableObject). That is YAML 1.1 with go-yaml's own
 * resolution, which is neither the yaml library's YAML 1.2 core schema (`0400` is 400 there, `yes` a string) nor
 * its YAML 1.1 schema (sexagesimal `1:30` is 90 there, a string in go-yaml; `0o17` a string there, 15 in go-yaml).
 * What was checked against what: docs/security.md, "Manifests are read as Kubernetes reads them".
 */

/** A plain scalar's value under go-yaml v2's resolve(): null, a boolean, a number, or the text itself. */
export type GoYamlScalar = null | boolean | number | string;

const nulls = new Set(['', '~', 'null', 'Null', 'NULL']);
const trues = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const falses = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
/** In go-yaml's resolve map, but JSON has no such numbers: json.Marshal fails and so does kubectl. */
const nonFinite = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);

/** resolve.go's yamlStyleFloat. */
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
function underscoreOk(text: string): boolean {
  let s = text;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1]!)) {
    i = 2;
    saw = '0';
    hex = /[xX]/.test(s[1]!);
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseFloat on a decimal literal (digits, one dot, exponent, underscores per underscoreOK); ±Inf is an error. */
function parseGoFloat(s: string): number | undefined {
  if (!/^[-+]?(?:[0-9_]*\.?[0-9_]*)(?:[eE][-+]?[0-9][0-9_]*)?$/.test(s) || !/[0-9]/.test(s.replace(/[eE].*$/, ''))) return undefined;
  if (s.includes('_') && !underscoreOk(s)) return undefined;
  const n = Number(s.replace(/_/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** strconv.ParseUint(s, base, 64), or `range` when the digits are valid but too large; undefined on a syntax error. */
function parseGoUint(s: string, base: number): bigint | 'range' | undefined {
  let digits = s;
  let radix = base;
  if (base === 0) {
    radix = 10;
    if (s[0] === '0') {
      const p = s[1]?.toLowerCase();
      if (s.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
        radix = p === 'b' ? 2 : p === 'o' ? 8 : 16;
        digits = s.slice(2);
      } else {
        radix = 8;
        digits = s.slice(1);
        if (digits === '') return 0n;
      }
    }
  }
  if (digits === '') return undefined;
  let v = 0n;
  for (const c of digits.toLowerCase()) {
    const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : 99;
    if (d >= radix) return undefined;
    v = v * BigInt(radix) + BigInt(d);
  }
  return v > 0xffffffffffffffffn ? 'range' : v;
}

/** strconv.ParseInt(s, base, 64): an optional sign, then ParseUint, within int64. */
function parseGoInt(s: string, base: number): bigint | 'range' | undefined {
  const negative = s[0] === '-';
  const u = parseGoUint(s[0] === '-' || s[0] === '+' ? s.slice(1) : s, base);
  if (u === undefined || u === 'range') return u;
  if (negative ? u > 0x8000000000000000n : u > 0x7fffffffffffffffn) return 'range';
  return negative ? -u : u;
}

/** math/big's SetString(s, 0): any size, sign, base prefix. */
function parseBigInt(s: string): bigint | undefined {
  const negative = s[0] === '-';
  const body = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
  let v: bigint | 'range' | undefined;
  try {
    // ParseUint's grammar without its limit: reuse it digit by digit through BigInt.
    v = /^0[bB]/.test(body) ? BigInt(`0b${body.slice(2)}`) : /^0[oO]/.test(body) ? BigInt(`0o${body.slice(2)}`) : /^0[xX]/.test(body) ? BigInt(`0x${body.slice(2)}`) : /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : /^[0-9]+$/.test(body) ? BigInt(body) : undefined;
  } catch {
    v = undefined;
  }
  if (typeof v !== 'bigint') return undefined;
  return negative ? -v : v;
}

/** A number go-yaml resolved, and whether it is a Go float (ints and floats name map keys differently). */
interface GoNumber {
  readonly value: number;
  readonly float: boolean;
}

/** go-yaml v2 resolve() for a number-like scalar (first character a digit or sign); undefined means a string. */
function resolveNumber(text: string): GoNumber | undefined {
  const int = (v: bigint): GoNumber => ({ value: Number(v), float: false });
  const plain = text.replace(/_/g, '');
  const signed = parseGoInt(plain, 0);
  if (typeof signed === 'bigint') return int(signed);
  const uint = parseGoUint(plain, 0);
  if (typeof uint === 'bigint') return int(uint);
  if (yamlStyleFloat.test(plain)) {
    const f = parseGoFloat(plain);
    if (f !== undefined) return { value: f, float: true };
  }
  if (plain.startsWith('0b')) {
    const v = parseGoInt(plain.slice(2), 2);
    if (typeof v === 'bigint') return int(v);
    const w = parseGoUint(plain.slice(2), 2);
    if (typeof w === 'bigint') return int(w);
  } else if (plain.startsWith('-0b')) {
    const v = parseGoInt(`-${plain.slice(3)}`, 2);
    if (typeof v === 'bigint') return int(v);
  }
  if (uint === 'range') {
    const big = parseBigInt(plain);
    if (big !== undefined) return int(big);
  }
  return undefined;
}

/**
 * go-yaml v2's resolve() for an untagged plain scalar, as Kubernetes receives it. Timestamps stay strings
 * (decode.go sets the original text when the target is interface{}); `.inf` and `.nan` resolve to numbers JSON
 * cannot hold, reported by the caller.
 */
export function resolveGoYamlScalar(text: string): GoYamlScalar {
  const v = resolve(text);
  return typeof v === 'object' && v !== null ? v.value : v;
}

function resolve(text: string): GoYamlScalar | GoNumber {
  const first = text === '' ? 'N' : text[0]!;
  const hint = /[-+]/.test(first) ? 'S' : /[0-9]/.test(first) ? 'D' : /[yYnNtTfFoO~]/.test(first) ? 'M' : first === '.' ? '.' : '';
  if (text === '' || hint !== '') {
    if (nulls.has(text)) return null;
    if (trues.has(text)) return true;
    if (falses.has(text)) return false;
    if (nonFinite.has(text)) return { value: /nan/i.test(text) ? Number.NaN : text.startsWith('-') ? -Infinity : Infinity, float: true };
  }
  if (hint === '.') {
    const f = parseGoFloat(text);
    return f === undefined ? text : { value: f, float: true };
  }
  if (hint === 'D' || hint === 'S') return resolveNumber(text) ?? text;
  return text;
}

/** A RegExp whose test() asks go-yaml's resolver: the yaml library picks a tag by calling `tag.test.test(value)`. */
class ResolvesTo extends RegExp {
  constructor(private readonly kind: 'null' | 'boolean' | 'number') {
    super('');
  }
  override test(value: string): boolean {
    const v = resolveGoYamlScalar(value);
    return this.kind === 'null' ? v === null : typeof v === this.kind;
  }
}

const notJson = (v: number): string => `${Number.isNaN(v) ? 'NaN' : 'infinity'} is not a JSON number: Kubernetes cannot read this manifest (sigs.k8s.io/yaml fails on it)`;

const goYamlTags: ScalarTag[] = [
  // An explicit tag resolves the text as go-yaml would untagged and fails when the kind differs (resolve.go's defer).
  {
    tag: 'tag:yaml.org,2002:null',
    default: true,
    test: new ResolvesTo('null'),
    resolve: (s, onError) => {
      if (resolveGoYamlScalar(s) !== null) onError(`cannot decode ${JSON.stringify(s)} as a !!null`);
      return null;
    },
  },
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    test: new ResolvesTo('boolean'),
    resolve: (s, onError) => {
      const v = resolveGoYamlScalar(s);
      if (typeof v !== 'boolean') onError(`cannot decode ${JSON.stringify(s)} as a !!bool`);
      return v === true;
    },
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: new ResolvesTo('number'),
    resolve: (s, onError) => {
      const v = resolveGoYamlScalar(s);
      if (typeof v !== 'number') {
        onError(`cannot decode ${JSON.stringify(s)} as a !!float`);
        return s;
      }
      if (!Number.isFinite(v)) onError(notJson(v));
      return v;
    },
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: false,
    resolve: (s, onError) => {
      const v = resolveGoYamlScalar(s);
      if (typeof v !== 'number' || !Number.isInteger(v)) onError(`cannot decode ${JSON.stringify(s)} as an !!int`);
      return v;
    },
  },
];

/** Options for the yaml library: YAML 1.1 syntax, go-yaml's scalar resolution, merge keys. */
export const kubernetesYamlOptions = { version: '1.1', schema: 'failsafe', customTags: goYamlTags, merge: true, prettyErrors: false, uniqueKeys: true } as const;

/** A problem converting a document to JSON, at a source offset. */
export interface JsonProblem {
  readonly offset: number;
  readonly message: string;
}

/** At most this many aliases are expanded per document ("billion laughs"). */
export const maxAliasExpansions = 100;

/**
 * strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml names a float map key: the shortest digits that
 * read back as the same float32, in %e form when the exponent is below -4 or at least 6 (ftoa.go: "if precision
 * was the shortest possible, use precision 6 for this decision"), with at least two exponent digits.
 */
export function goFloat32Key(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  const x = Math.fround(f);
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = x.toExponential(8);
  for (let p = 1; p <= 9; p++) {
    const candidate = x.toExponential(p - 1);
    if (Math.fround(Number(candidate)) === x) {
      digits = candidate;
      break;
    }
  }
  const [mantissa = '', expText = '0'] = digits.split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(Number(digits));
}

/** convertToJSONableObject's key conversion; undefined for a key JSON cannot have (null, a collection). */
function keyString(node: unknown, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    const source = isScalar(node) && typeof node.source === 'string' ? resolve(node.source) : undefined;
    const float = typeof source === 'object' && source !== null ? source.float : !Number.isInteger(value);
    return float ? goFloat32Key(value) : String(value);
  }
  return undefined;
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * The JSON value Kubernetes gets from a parsed document: map keys as sigs.k8s.io/yaml names them (booleans
 * `true`/`false`, numbers in decimal; a null key is an error), merge keys as go-yaml v2 applies them (in order,
 * overriding keys set before them; a list of maps from last to first), aliases expanded at most
 * maxAliasExpansions times.
 */
export function toKubernetesJson(doc: YAML.Document.Parsed): { value: unknown; problems: JsonProblem[] } {
  const problems: JsonProblem[] = [];
  let aliases = 0;
  const at = (node: unknown): number => (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      if (++aliases > maxAliasExpansions) throw Object.assign(new Error(`more than ${maxAliasExpansions} alias expansions`), { offset: at(node) });
      return convert(node.resolve(doc));
    }
    if (isScalar(node)) return typeof node.value === 'symbol' ? '<<' : node.value;
    if (isSeq(node)) return node.items.map(convert);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (isScalar(k) && typeof k.value === 'symbol') {
          mergeInto(out, pair.value);
          continue;
        }
        const key = keyString(k, convert(k));
        if (key === undefined) {
          problems.push({ offset: at(k), message: 'a map key that is null or a collection: JSON keys are strings (sigs.k8s.io/yaml fails on it)' });
          continue;
        }
        setKey(out, key, convert(pair.value));
      }
      return out;
    }
    return null;
  };
  const mergeInto = (out: Record<string, unknown>, source: unknown): void => {
    const target = isAlias(source) ? source.resolve(doc) : source;
    const maps = isSeq(target) ? [...target.items].reverse() : [source];
    for (const m of maps) {
      const resolved = isAlias(m) ? m.resolve(doc) : m;
      if (!isMap(resolved)) {
        problems.push({ offset: at(m), message: 'map merge requires map or sequence of maps as the value' });
        continue;
      }
      const value = convert(m) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) setKey(out, k, v);
    }
  };
  try {
    return { value: convert(doc.contents), problems };
  } catch (e) {
    const offset = (e as { offset?: number }).offset ?? 0;
    return { value: null, problems: [...problems, { offset, message: (e as Error).message }] };
  }
}
