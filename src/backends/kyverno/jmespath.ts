import type { Scalar } from '../../ir/index.js';

/**
 * JMESPath text for Kyverno `{{ }}` expressions. Every user value reaches an expression only through these
 * helpers, and never as a `{`, `}`, `` ` ``, `'`, `"`, `\` or `$` character: Kyverno finds variables with a regex
 * over the raw text (`{{ … }}`, nested lookups included) before JMESPath parses it, so a brace from user data
 * could open or close a variable. Dots are escaped too in any text containing `request`, so neither autogen's
 * textual rewrite of `request.object.spec` nor the DELETE rewrite of `request.object` can reach user data.
 * https://kyverno.io/docs/policy-types/cluster-policy/variables/ (nested lookups, escaping)
 */

const PLAIN = /^[A-Za-z0-9 _/:@+=,*?.-]$/;

function escapedChars(text: string): string {
  const dotSafe = !text.includes('request');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (PLAIN.test(ch) && (ch !== '.' || dotSafe)) out += ch;
    else out += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** A JSON string whose text only holds safe characters (the rest as `\uXXXX`, astral characters as surrogate pairs). */
export function jsonString(text: string): string {
  return `"${escapedChars(text)}"`;
}

function jsonScalar(v: Scalar): string {
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number') return JSON.stringify(v);
  return v ? 'true' : 'false';
}

/** A literal: a raw string `'…'` when the text is plain, else a JSON literal. */
export function literal(v: Scalar): string {
  if (typeof v === 'string' && /^[A-Za-z0-9 _/:@+=,*?.<>-]*$/.test(v) && !v.includes('request')) return `'${v}'`;
  return `\`${jsonScalar(v)}\``;
}

export function listLiteral(values: readonly Scalar[]): string {
  return `\`[${values.map(jsonScalar).join(', ')}]\``;
}

export const NULL = '`null`';

/** One path step: a bare identifier, or a quoted one (always quoted for `request`, so autogen never sees it). */
export function identifier(segment: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) && segment !== 'request' ? segment : jsonString(segment);
}

export function pathText(path: readonly string[]): string {
  return path.map(identifier).join('.');
}

/** `base.path`, where base is `request.object` (or `request."object"`) or empty for the current element. */
export function joinPath(base: string, path: readonly string[]): string {
  const rest = pathText(path);
  if (!base) return rest || '@';
  return rest ? `${base}.${rest}` : base;
}

/**
 * The value at a path, or null when any step is absent: a one-element multi-select list absorbs Kyverno's
 * "Unknown key" error for a missing field, which would otherwise make the rule report `error`.
 */
export function valueAt(base: string, path: readonly string[]): string {
  return `[${joinPath(base, path)}][0]`;
}

/** A boolean expression for the Kyverno `deny`/precondition key: the JMESPath wrapped in `{{ }}`. */
export function variable(expression: string): string {
  if (/[{}]/.test(expression)) throw new Error(`invariant: a Kyverno expression must not contain braces: ${expression}`);
  return `{{ ${expression} }}`;
}

/**
 * Plain text for a field Kyverno substitutes (messages): every `{{` and `$(` gets a backslash, Kyverno's escape
 * for variables and references. A well-formed `\{{…}}` loses the backslash again after substitution; a lone one stays.
 */
export function kyvernoText(text: string): string {
  return text.replace(/\{(?=\{)/g, '\\{').replace(/\$\(/g, '\\$(');
}
