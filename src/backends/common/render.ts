import HandlebarsRuntime from 'handlebars/runtime.js';
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
const env = (HandlebarsRuntime as unknown as { create(): RuntimeEnvironment }).create();

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

/** A template precompiled by Handlebars (`templates.generated.ts`): opaque data for its runtime. */
export type TemplateSpec = object;

interface RuntimeEnvironment {
  registerHelper(name: string, helper: (...args: never[]) => unknown): void;
  template(spec: TemplateSpec): (view: unknown) => string;
}

/** How every template is compiled; `strict` makes a missing view-model field an error instead of empty text. */
export const templateOptions = { noEscape: true, strict: true } as const;

/** A precompiled template (src/backends/common/precompile.ts) bound to this environment's helpers. */
export function loadTemplate<T>(spec: TemplateSpec): Template<T> {
  const template = env.template(spec);
  return (view: T) => template(view);
}
