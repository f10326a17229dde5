/**
 * A small block-style YAML writer for JSON values, used for every emitted object. It replaces the yaml library's
 * stringify on this path because that cost ~0.3 ms per rule (3 s of a 10,000-rule Kyverno compile), and because
 * Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml), where plain `yes`, `on`, `n` or `1_000` are not
 * strings: a string is written plain only when it reads back as the same string under YAML 1.1 and 1.2, else as
 * a JSON string (a valid double-quoted scalar in both), with the characters YAML forbids escaped.
 * test/backends/common/yaml-emit.prop.test.ts reads the output back with the yaml library in both versions.
 */

/** Letters first (so never a number, date or special float), then only characters with no YAML meaning. */
const plainSafe = /^[A-Za-z_][A-Za-z0-9_ .,/()'+=@-]*$/;
/** Words YAML 1.1 or 1.2 resolves to booleans or null, in any case. */
const reserved = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

/** Characters YAML forbids or treats as line breaks even inside double quotes. */
function escapeUnsafe(json: string): string {
  return json.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The yaml library's YAML 1.1 float pattern also accepts an exponent alone (`E0`); never write that plain. */
const exponentLike = /^[eE][-+]?[0-9]/;

export function yamlString(text: string): string {
  if (plainSafe.test(text) && !text.endsWith(' ') && !reserved.has(text.toLowerCase()) && !exponentLike.test(text)) return text;
  return escapeUnsafe(JSON.stringify(text));
}

/**
 * Lines of at most this many characters where a long string allows it: a reviewer reads an expression of a
 * few hundred characters over several lines, and a change to one part of it is a one-line diff.
 */
export const FOLD_WIDTH = 120;

/**
 * A long string as a double-quoted scalar folded over several lines with escaped line breaks (a space, `\`, then
 * the line break): YAML drops an escaped line break and the next line's indentation, keeping the space written
 * before the backslash, so the value is exactly the one-line string (YAML 1.2 §7.3.1, and libyaml's scanner, which
 * go-yaml and therefore Kubernetes and the engines use). It breaks only at a space followed by a non-space, since
 * leading spaces of a continuation line are not content. `first` is the width already used on the first line.
 */
export function foldedString(text: string, continuation: string, first: number): string | undefined {
  if (first + text.length + 2 <= FOLD_WIDTH) return undefined;
  const json = escapeUnsafe(JSON.stringify(text));
  const out: string[] = [];
  let start = 0;
  let budget = FOLD_WIDTH - first;
  while (json.length - start > budget) {
    let cut = -1;
    for (let i = start + 1; i < json.length - 1 && i - start < budget; i++) {
      if (json.charAt(i) === ' ' && json.charAt(i + 1) !== ' ' && json.charAt(i - 1) !== ' ') cut = i;
    }
    if (cut < 0) {
      // No space within the width: the first one after it, else the rest stays on one line.
      for (let i = start + budget; i < json.length - 1; i++) {
        if (json.charAt(i) === ' ' && json.charAt(i + 1) !== ' ' && json.charAt(i - 1) !== ' ') {
          cut = i;
          break;
        }
      }
      if (cut < 0) break;
    }
    out.push(`${json.slice(start, cut + 1)}\\`);
    start = cut + 1;
    budget = FOLD_WIDTH - continuation.length;
  }
  if (out.length === 0) return undefined;
  out.push(json.slice(start));
  return out.join(`\n${continuation}`);
}

/** A scalar (string, finite number, boolean, null). */
export function yamlScalarText(value: unknown): string {
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`invariant: non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean' || value === null) return String(value);
  throw new Error(`invariant: not a YAML scalar: ${typeof value}`);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Written as a block on the following lines; empty collections are written inline (`{}`, `[]`). */
const isNonEmptyCollection = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : isMap(v) && Object.keys(v).length > 0);

/** Lines of a value at `pad` indentation, the first without its indentation (it follows a key or `- `). */
function lines(value: unknown, pad: string, out: string[], first: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${first}[]`);
      return;
    }
    value.forEach((item, i) => {
      const lead = i === 0 ? first : pad;
      if (isNonEmptyCollection(item)) lines(item, `${pad}  `, out, `${lead}- `);
      else out.push(`${lead}- ${foldedOrScalar(item, `${pad}  `, lead.length + 2)}`);
    });
    return;
  }
  if (isMap(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push(`${first}{}`);
      return;
    }
    entries.forEach(([k, v], i) => {
      const key = `${i === 0 ? first : pad}${yamlString(k)}:`;
      if (isNonEmptyCollection(v)) {
        out.push(key);
        lines(v, `${pad}  `, out, `${pad}  `);
      } else out.push(`${key} ${foldedOrScalar(v, `${pad}  `, key.length + 1)}`);
    });
    return;
  }
  out.push(`${first}${yamlScalarText(value)}`);
}

function foldedOrScalar(v: unknown, continuation: string, first: number): string {
  return (typeof v === 'string' && foldedString(v, continuation, first)) || yamlScalarOrEmpty(v);
}

function yamlScalarOrEmpty(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (isMap(v)) return '{}';
  return yamlScalarText(v);
}

/** A block mapping or sequence, every line indented by `indent` spaces (sequences under a key are indented too). */
export function yamlBlockText(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  lines(value, pad, out, pad);
  return out.join('\n');
}
