import { commentText, regoString } from '../common/render.js';

/**
 * Rego text building blocks shared by the rule compiler (rego.ts), the Pod Security checks (pss.ts), the
 * fixed helpers (library.ts) and the module assembler (module.ts). Every value from a policy enters Rego
 * through `regoLiteral`/`regoTerm`, and every comment through `comment`.
 */

/**
 * A Rego string literal. JSON escapes are Rego escapes (render.ts's `{{rego}}`); on top of that the characters
 * YAML forbids in a block scalar (DEL, C1 controls, U+2028/2029, BOM) are escaped, since the module is embedded
 * in the ConstraintTemplate as a literal block.
 */
export function regoLiteral(text: string): string {
  return escapeForYaml(regoString(text));
}

/** Any JSON value as a Rego term (objects, arrays, strings, numbers, booleans, null). */
export function regoTerm(value: unknown): string {
  return escapeForYaml(term(value));
}

/** JSON on one line with a space after each comma and colon, as `opa fmt` prints collections. */
function term(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(term).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${term(v)}`).join(', ')}}`;
  return JSON.stringify(value) ?? 'null';
}

function escapeForYaml(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for a `#` comment: one line, and nothing YAML forbids (lone surrogates and BOM too, beyond `{{comment}}`). */
export function comment(text: string): string {
  return commentText(text).replace(/[\ud800-\udfff\ufeff]/gu, ' ');
}

/** A path as a Rego array of strings: `["spec", "containers"]`. */
export function regoPath(path: readonly string[]): string {
  return `[${path.map(regoLiteral).join(', ')}]`;
}

/** Indents every non-empty line of a (possibly multi-line) Rego fragment by `tabs` tabs. */
export function indent(text: string, tabs = 1): string {
  const pad = '\t'.repeat(tabs);
  return text
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}

/** A rule or function with a body of literals: `head if {\n\tlit\n}`. */
export function ruleText(head: string, body: readonly string[]): string {
  return `${head} if {\n${body.map((l) => indent(l)).join('\n')}\n}`;
}
