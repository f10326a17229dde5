import Handlebars from 'handlebars';
import { yamlBlockText, yamlScalarText } from './yaml-emit.js';

/**
 * The one Handlebars environment of every backend. Templates only splice view-model values through
 * these helpers, each escaping for its context; HTML escaping is off (it would corrupt YAML and Rego).
 *   {{yaml v}}          a YAML scalar (plain when safe, else double-quoted; never a block scalar)
 *   {{yamlBlock v n}}   a YAML mapping or sequence, indented by n spaces (starts on its own line)
 *   {{rego v}}          a Rego string literal (JSON escapes are Rego escapes)
 *   {{regoJson v}}      any JSON value as a Rego term (objects, arrays, strings, numbers)
 *   {{comment v}}       text for a `#` comment: line breaks and control characters become spaces
 */
const env = Handlebars.create();

export function regoString(value: string): string {
  return JSON.stringify(value);
}

export function commentText(value: unknown): string {
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

// YAML through yaml-emit.ts: a string is plain only when YAML 1.1 and 1.2 both read it back as that string.
env.registerHelper('yaml', (v: unknown) => yamlScalarText(v));
env.registerHelper('yamlBlock', (v: unknown, indent: unknown) => yamlBlockText(v, typeof indent === 'number' ? indent : 0));
env.registerHelper('rego', (v: unknown) => regoString(String(v)));
env.registerHelper('regoJson', (v: unknown) => JSON.stringify(v));
env.registerHelper('comment', (v: unknown) => commentText(v));

export type Template<T> = (view: T) => string;

/** Compiles a template once; `strict` makes a missing view-model field an error instead of empty text. */
export function compileTemplate<T>(source: string): Template<T> {
  const template = env.compile(source, { noEscape: true, strict: true });
  return (view: T) => template(view);
}
