/**
 * Rego values. Scalars and arrays are plain JS values; objects (whose keys may be any value) and sets
 * have their own classes. Numbers are IEEE doubles (OPA uses arbitrary precision; see docs/engines/rego.md).
 * Values are immutable once built.
 */

export type Value = null | boolean | number | string | readonly Value[] | ObjectValue | SetValue;

export class ObjectValue {
  /** String-keyed entries: the JSON case, kept apart so lookups need no canonical key. */
  readonly str = new Map<string, Value>();
  /** Entries with non-string keys, by canonical key. */
  other: Map<string, readonly [Value, Value]> | null = null;
  private sortedKeys: Value[] | undefined;
  private canonical: string | undefined;

  static of(entries: Iterable<readonly [Value, Value]>): ObjectValue {
    const o = new ObjectValue();
    for (const [k, v] of entries) o.put(k, v);
    return o;
  }

  /** Adds or replaces an entry; only while the object is being built. */
  put(key: Value, value: Value): void {
    if (typeof key === 'string') this.str.set(key, value);
    else (this.other ??= new Map()).set(canon(key), [key, value]);
  }

  get(key: Value): Value | undefined {
    if (typeof key === 'string') return this.str.get(key);
    return this.other?.get(canon(key))?.[1];
  }

  get size(): number {
    return this.str.size + (this.other?.size ?? 0);
  }

  /** Keys in Rego order (OPA iterates objects by sorted key). */
  keys(): readonly Value[] {
    if (this.sortedKeys === undefined) {
      const keys: Value[] = [...this.str.keys()];
      if (this.other) for (const [k] of this.other.values()) keys.push(k);
      keys.sort(compare);
      this.sortedKeys = keys;
    }
    return this.sortedKeys;
  }

  canon(): string {
    if (this.canonical === undefined) {
      const parts: string[] = [];
      for (const k of this.keys()) parts.push(`${canon(k)}:${canon(this.get(k)!)}`);
      this.canonical = `{${parts.join(',')}}`;
    }
    return this.canonical;
  }
}

export class SetValue {
  readonly items = new Map<string, Value>();
  private sorted: Value[] | undefined;
  private canonical: string | undefined;

  static of(values: Iterable<Value>): SetValue {
    const s = new SetValue();
    for (const v of values) s.add(v);
    return s;
  }

  /** Only while the set is being built. */
  add(v: Value): void {
    this.items.set(canon(v), v);
  }

  has(v: Value): boolean {
    return this.items.has(canon(v));
  }

  get size(): number {
    return this.items.size;
  }

  /** Elements in Rego order. */
  values(): readonly Value[] {
    if (this.sorted === undefined) this.sorted = [...this.items.values()].sort(compare);
    return this.sorted;
  }

  canon(): string {
    if (this.canonical === undefined) this.canonical = `<${[...this.items.keys()].sort().join(',')}>`;
    return this.canonical;
  }
}

export function isArray(v: Value | undefined): v is readonly Value[] {
  return Array.isArray(v);
}

/** A string that identifies a value up to Rego equality (1 and 1.0 are the same number). */
export function canon(v: Value): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return `#${v === 0 ? 0 : v}`;
    case 'boolean':
      return v ? 't' : 'f';
    default:
      if (v === null) return 'n';
      if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
      return (v as ObjectValue | SetValue).canon();
  }
}

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof ObjectValue) {
    if (!(b instanceof ObjectValue) || a.size !== b.size) return false;
    for (const [k, v] of a.str) {
      const w = b.str.get(k);
      if (w === undefined || !equals(v, w)) return false;
    }
    if (a.other) {
      for (const [k, v] of a.other.values()) {
        const w = b.get(k);
        if (w === undefined || !equals(v, w)) return false;
      }
    }
    return true;
  }
  if (a instanceof SetValue) {
    if (!(b instanceof SetValue) || a.size !== b.size) return false;
    for (const k of a.items.keys()) if (!b.items.has(k)) return false;
    return true;
  }
  return false;
}

function rank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
    default:
      if (Array.isArray(v)) return 6;
      return v instanceof ObjectValue ? 7 : 8;
  }
}

/** Go compares strings by UTF-8 bytes, which orders like code points. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** OPA's total order: null < booleans < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a ? 1 : -1;
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return compareStrings(a as string, b as string);
    case 6: {
      const x = a as readonly Value[];
      const y = b as readonly Value[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length === 0 ? 0 : x.length < y.length ? -1 : 1;
    }
    case 7: {
      const x = a as ObjectValue;
      const y = b as ObjectValue;
      const kx = x.keys();
      const ky = y.keys();
      const n = Math.min(kx.length, ky.length);
      for (let i = 0; i < n; i++) {
        const c = compare(kx[i]!, ky[i]!);
        if (c !== 0) return c;
        const d = compare(x.get(kx[i]!)!, y.get(ky[i]!)!);
        if (d !== 0) return d;
      }
      return kx.length === ky.length ? 0 : kx.length < ky.length ? -1 : 1;
    }
    default: {
      const x = (a as SetValue).values();
      const y = (b as SetValue).values();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
  }
}

export function typeName(v: Value): 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set' {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      if (Array.isArray(v)) return 'array';
      return v instanceof ObjectValue ? 'object' : 'set';
  }
}

/**
 * Converts JSON-like data (what YAML/JSON parsers return) into a Rego value. `undefined` members are
 * dropped; a {@link RegoSet} becomes a set; non-finite numbers and other exotic values are rejected.
 */
export function fromJS(x: unknown): Value {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      if (!Number.isFinite(x)) throw new TypeError(`cannot represent ${x} as a Rego number`);
      return x;
    case 'bigint':
      return Number(x);
    case 'object': {
      if (x === null) return null;
      if (Array.isArray(x)) return x.map((e) => fromJS(e === undefined ? null : e));
      if (x instanceof ObjectValue || x instanceof SetValue) return x;
      if (x instanceof RegoSet) return SetValue.of(x.items.map(fromJS));
      if (x instanceof Date) return x.toISOString();
      const o = new ObjectValue();
      for (const [k, v] of Object.entries(x)) if (v !== undefined) o.str.set(k, fromJS(v));
      return o;
    }
    default:
      throw new TypeError(`cannot represent a ${typeof x} as a Rego value`);
  }
}

/** A Rego set in results: elements in Rego order; serialises to a JSON array, as OPA does. */
export class RegoSet {
  constructor(readonly items: readonly RegoValue[]) {}

  toJSON(): readonly RegoValue[] {
    return this.items;
  }
}

/** A Rego value as returned to callers: plain JSON, except sets. */
export type RegoValue = null | boolean | number | string | readonly RegoValue[] | { readonly [key: string]: RegoValue } | RegoSet;

/** Internal value to caller value. Non-string object keys become their JSON text, as OPA marshals them. */
export function toRegoValue(v: Value): RegoValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toRegoValue);
  if (v instanceof SetValue) return new RegoSet(v.values().map(toRegoValue));
  const o = v as ObjectValue;
  const out: Record<string, RegoValue> = {};
  for (const k of o.keys()) {
    const key = typeof k === 'string' ? k : JSON.stringify(toJSON(toRegoValue(k)));
    ownProperty(out, key, toRegoValue(o.get(k)!));
  }
  return out;
}

/** Plain JSON: sets become arrays (in Rego order). */
export function toJSON(v: RegoValue | Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((e) => toJSON(e as RegoValue));
  if (v instanceof RegoSet) return v.items.map(toJSON);
  if (v instanceof SetValue || v instanceof ObjectValue) return toJSON(toRegoValue(v));
  const out: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(v as Record<string, RegoValue>)) ownProperty(out, k, toJSON(e));
  return out;
}

/**
 * Sets an own property: assigning to a "__proto__" key (valid in a ConfigMap's data) would set the prototype, so that
 * key is defined; any other key is assigned, which makes the same property several times faster (verify, session 6).
 */
function ownProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
