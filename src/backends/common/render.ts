import Handlebars from 'handlebars';
import YAML from 'yaml';

/**
 * The one Handlebars environment of every backend. Templates only splice view-model values through
 * these helpers, each escaping for its context; HTML escaping is off (it would corrupt YAML and Rego).
 *   {{yaml v}}          a YAML scalar (plain when safe, else double-quoted; never a block scalar)
 *   {{yamlBlock v n}}   a YAML mapping or sequence, indented by n spaces (starts on its own line)
 *   {{yamlFlow v}}      a YAML flow collection on one line ([a, b] / {k: v})
 *   {{rego v}}          a Rego string literal (JSON escapes are Rego escapes)
 *   {{regoJson v}}      any JSON value as a Rego term (objects, arrays, strings, numbers)
 *   {{comment v}}       text for a `#` comment: line breaks and control characters become spaces
 */
const env = Handlebars.create();

const stringifyOptions = { lineWidth: 0, minContentWidth: 0, blockQuote: false, aliasDuplicateObjects: false, version: '1.2' } as const;

/** Characters YAML forbids or treats as breaks even inside quotes: escape them explicitly. */
function escapeUnsafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function yamlScalar(value: unknown): string {
  if (typeof value === 'string') {
    const plain = YAML.stringify(value, stringifyOptions).trimEnd();
    // The library picks plain or quoted style correctly; force double quotes when it chose anything multi-line.
    if (!plain.includes('\n') && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) return plain;
    return escapeUnsafe(JSON.stringify(value));
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  throw new Error(`invariant: yaml helper got a ${typeof value}`);
}

export function yamlBlock(value: unknown, indent: number): string {
  const text = YAML.stringify(value, { ...stringifyOptions, indentSeq: true }).trimEnd();
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

export function yamlFlow(value: unknown): string {
  const doc = new YAML.Document(value, { version: '1.2' });
  YAML.visit(doc, {
    Map: (_, node) => {
      node.flow = true;
    },
    Seq: (_, node) => {
      node.flow = true;
    },
  });
  return doc.toString({ ...stringifyOptions, flowCollectionPadding: false }).trimEnd();
}

export function regoString(value: string): string {
  return JSON.stringify(value);
}

export function commentText(value: unknown): string {
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

env.registerHelper('yaml', (v: unknown) => yamlScalar(v));
env.registerHelper('yamlBlock', (v: unknown, indent: unknown) => yamlBlock(v, typeof indent === 'number' ? indent : 0));
env.registerHelper('yamlFlow', (v: unknown) => yamlFlow(v));
env.registerHelper('rego', (v: unknown) => regoString(String(v)));
env.registerHelper('regoJson', (v: unknown) => JSON.stringify(v));
env.registerHelper('comment', (v: unknown) => commentText(v));

export type Template<T> = (view: T) => string;

/** Compiles a template once; `strict` makes a missing view-model field an error instead of empty text. */
export function compileTemplate<T>(source: string): Template<T> {
  const template = env.compile(source, { noEscape: true, strict: true });
  return (view: T) => template(view);
}
