/** Text forms of values: how OPA prints a term (used by sprintf `%v`, messages and errors). */
import { ObjectValue, SetValue, type Value } from './values.js';

/** Integers print without a fraction or exponent, however large; other numbers in their shortest form. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
  return String(n);
}

/** Go's strconv.Quote: double quotes, backslash escapes, `\x` for other control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0xfffd || (c >= 0xd800 && c <= 0xdfff)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** OPA's term syntax: `["a", 1]`, `{"k": true}`, `{1, 2}`, `set()`. */
export function formatValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatNumber(v);
    case 'string':
      return goQuote(v);
    default:
      if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
      if (v instanceof ObjectValue) return `{${v.keys().map((k) => `${formatValue(k)}: ${formatValue(v.get(k)!)}`).join(', ')}}`;
      if (v instanceof SetValue) return v.size === 0 ? 'set()' : `{${v.values().map(formatValue).join(', ')}}`;
      return String(v);
  }
}
