/** Tiny front-door harness for Rego tests: modules in, JSON out. */
import { compileModules, evaluate, parseModule, toJSON, type EvaluateOptions } from '../../../src/engines/rego/index.js';

/** Dedents a template literal so Rego sources can be written indented. */
export function rego(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Compiles the modules and evaluates `query`; returns the JSON form of the result, or `undefined`. */
export function query(modules: string | readonly string[], q: string, opts: EvaluateOptions = {}): unknown {
  const mods = (typeof modules === 'string' ? [modules] : modules).map((m, i) => parseModule(m, `m${i}.rego`));
  const r = evaluate(compileModules(mods), q, opts);
  return r.defined ? toJSON(r.value!) : undefined;
}

/** The value of one expression, evaluated as the complete rule `x` of a scratch package. */
export function value(expr: string, opts: EvaluateOptions = {}): unknown {
  return query(`package scratch\nresult_value := ${expr}\n`, 'data.scratch.result_value', opts);
}

/** Whether a body (literals separated by `;` or newlines) has a solution. */
export function holds(body: string, opts: EvaluateOptions = {}): boolean {
  return query(`package scratch\nok { ${body} }\n`, 'data.scratch.ok', opts) === true;
}
