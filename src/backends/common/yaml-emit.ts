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
      else out.push(`${lead}- ${yamlScalarOrEmpty(item)}`);
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
      } else out.push(`${key} ${yamlScalarOrEmpty(v)}`);
    });
    return;
  }
  out.push(`${first}${yamlScalarText(value)}`);
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
