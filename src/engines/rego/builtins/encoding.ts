/** Encoding builtins (OPA builtins reference: "Encoding"). Strings are UTF-8 on the wire, as in Go. */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { formatNumber } from '../format.js';
import { fromJS, ObjectValue, SetValue, type Value } from '../values.js';
import { BuiltinError, define, obj, str, type Builtin } from './registry.js';

/** Go's encoding/json: sorted keys, no spaces, HTML-safe escapes. */
export function marshalJSON(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatNumber(v);
    case 'string':
      return JSON.stringify(v)
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
    default:
      if (Array.isArray(v)) return `[${v.map(marshalJSON).join(',')}]`;
      if (v instanceof SetValue) return `[${v.values().map(marshalJSON).join(',')}]`;
      return marshalObject(v as ObjectValue);
  }
}

function marshalObject(o: ObjectValue): string {
  const entries = o.keys().map((k) => [typeof k === 'string' ? k : marshalJSON(k), o.get(k)!] as const);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${entries.map(([k, v]) => `${marshalJSON(k)}:${marshalJSON(v)}`).join(',')}}`;
}

function unmarshalJSON(name: string, s: string): Value {
  try {
    return fromJS(JSON.parse(s));
  } catch (e) {
    throw new BuiltinError(`${name}: ${(e as Error).message}`);
  }
}

function toPlain(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof SetValue) return v.values().map(toPlain);
  const o = v as ObjectValue;
  const out: Record<string, unknown> = {};
  for (const k of o.keys()) out[typeof k === 'string' ? k : marshalJSON(k)] = toPlain(o.get(k)!);
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function decode(name: string, s: string, url: boolean): string {
  const ok = (url ? BASE64URL : BASE64).test(s) && (url || s.length % 4 === 0);
  if (!ok) throw new BuiltinError(`${name}: illegal base64 data`);
  return Buffer.from(s, url ? 'base64url' : 'base64').toString('utf8');
}

export const encodingBuiltins: readonly Builtin[] = [
  define('json.marshal', 1, ([v]) => marshalJSON(v!)),
  define('json.marshal_with_options', 2, ([v, opts]) => {
    const o = opts instanceof ObjectValue ? opts : new ObjectValue();
    const pretty = o.get('pretty') === true || o.get('indent') !== undefined || o.get('prefix') !== undefined;
    if (!pretty) return marshalJSON(v!);
    const indent = typeof o.get('indent') === 'string' ? (o.get('indent') as string) : '\t';
    const prefix = typeof o.get('prefix') === 'string' ? (o.get('prefix') as string) : '';
    return JSON.stringify(JSON.parse(marshalJSON(v!)), null, indent)
      .split('\n')
      .map((l) => prefix + l)
      .join('\n');
  }),
  define('json.unmarshal', 1, (args) => unmarshalJSON('json.unmarshal', str('json.unmarshal', args, 0))),
  define('json.is_valid', 1, ([s]) => {
    if (typeof s !== 'string') return false;
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  }),
  define('yaml.marshal', 1, ([v]) => stringifyYaml(toPlain(v!))),
  define('yaml.unmarshal', 1, (args) => {
    try {
      return fromJS(parseYaml(str('yaml.unmarshal', args, 0)) ?? null);
    } catch (e) {
      throw new BuiltinError(`yaml.unmarshal: ${(e as Error).message}`);
    }
  }),
  define('yaml.is_valid', 1, ([s]) => {
    if (typeof s !== 'string') return false;
    try {
      parseYaml(s);
      return true;
    } catch {
      return false;
    }
  }),
  define('base64.encode', 1, (args) => Buffer.from(str('base64.encode', args, 0), 'utf8').toString('base64')),
  define('base64.decode', 1, (args) => decode('base64.decode', str('base64.decode', args, 0), false)),
  define('base64.is_valid', 1, ([s]) => typeof s === 'string' && BASE64.test(s) && s.length % 4 === 0),
  define('base64url.encode', 1, (args) => {
    const raw = Buffer.from(str('base64url.encode', args, 0), 'utf8').toString('base64url');
    return raw + '='.repeat((4 - (raw.length % 4)) % 4);
  }),
  define('base64url.encode_no_pad', 1, (args) => Buffer.from(str('base64url.encode_no_pad', args, 0), 'utf8').toString('base64url')),
  define('base64url.decode', 1, (args) => decode('base64url.decode', str('base64url.decode', args, 0), true)),
  define('hex.encode', 1, (args) => Buffer.from(str('hex.encode', args, 0), 'utf8').toString('hex')),
  define('hex.decode', 1, (args) => {
    const s = str('hex.decode', args, 0);
    if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new BuiltinError('hex.decode: invalid byte');
    return Buffer.from(s, 'hex').toString('utf8');
  }),
  define('urlquery.encode', 1, (args) => encodeURIComponent(str('urlquery.encode', args, 0)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)),
  define('urlquery.decode', 1, (args) => {
    try {
      return decodeURIComponent(str('urlquery.decode', args, 0).replace(/\+/g, ' '));
    } catch {
      throw new BuiltinError('urlquery.decode: invalid escape');
    }
  }),
  define('urlquery.encode_object', 1, (args) => {
    const o = obj('urlquery.encode_object', args, 0);
    const params = new URLSearchParams();
    for (const k of o.keys()) {
      const v = o.get(k)!;
      const values = typeof v === 'string' ? [v] : Array.isArray(v) ? v : v instanceof SetValue ? v.values() : undefined;
      if (typeof k !== 'string' || values === undefined) throw new BuiltinError('urlquery.encode_object: invalid object');
      for (const e of values) {
        if (typeof e !== 'string') throw new BuiltinError('urlquery.encode_object: values must be strings');
        params.append(k, e);
      }
    }
    params.sort();
    return params.toString();
  }),
];
