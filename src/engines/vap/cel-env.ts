import { Environment } from '@marcbachmann/cel-js';
import { checkKubernetesTypes, TypeCheckError, type CelJsNode } from './typecheck.js';

/**
 * The CEL environment of the offline ValidatingAdmissionPolicy engine: @marcbachmann/cel-js with the variables
 * Kubernetes declares for a VAP (object, oldObject, request, params, namespaceObject, variables, all dyn) and
 * the Kubernetes extension functions secpol's output uses, shimmed here:
 *
 *   isQuantity(string) bool                 Kubernetes quantity syntax (see parseQuantity)
 *   quantity(string) Quantity               errors on text that is not a quantity, like Kubernetes
 *   Quantity.compareTo(Quantity) int        -1, 0 or 1, by exact value (resource.Quantity.Cmp)
 *   Quantity.isGreaterThan / isLessThan(Quantity) bool, Quantity.asApproximateFloat() double
 *   Quantity.add / sub(Quantity or int) Quantity   exact sums (resource.Quantity.Add/Sub; an int is a decimal quantity)
 *
 *   string.matches(string) bool            as cel-js's, after a leading RE2 flag group ((?i), (?ms), …) became
 *                                           RegExp flags (re2Matches below; cel-js hands the group to RegExp)
 *
 * Known differences from the Kubernetes CEL runtime (docs/backends/vap.md): `matches` uses a JavaScript
 * RegExp without the `u` flag (UTF-16 code units rather than RE2's code points; RE2-only syntax is rejected), and
 * cel-js has no cost estimator: cost.ts is this engine's own, following cel-go's model (docs/engines/vap-cost.md).
 */
/** A quantity: its text, its float64 value, and its exact value n/d (d > 0) for arithmetic and comparison. */
export class Quantity {
  constructor(
    readonly text: string,
    readonly value: number,
    readonly exact: { readonly n: bigint; readonly d: bigint } = exactOf(text),
  ) {}
}

const exactSuffix: Readonly<Record<string, readonly [bigint, bigint]>> = {
  '': [1n, 1n], n: [1n, 10n ** 9n], u: [1n, 10n ** 6n], m: [1n, 1000n], k: [10n ** 3n, 1n], M: [10n ** 6n, 1n], G: [10n ** 9n, 1n],
  T: [10n ** 12n, 1n], P: [10n ** 15n, 1n], E: [10n ** 18n, 1n], Ki: [2n ** 10n, 1n], Mi: [2n ** 20n, 1n], Gi: [2n ** 30n, 1n],
  Ti: [2n ** 40n, 1n], Pi: [2n ** 50n, 1n], Ei: [2n ** 60n, 1n],
};

/**
 * The exact value of quantity text. resource.ParseQuantity keeps values to nano-units and rounds finer digits up
 * (away from zero) to the next nano-unit; this does the same.
 */
function exactOf(text: string): { n: bigint; d: bigint } {
  const m = quantityPattern.exec(text);
  if (!m) return { n: 0n, d: 1n };
  const [, number = '0', suffix = ''] = m;
  const neg = number.startsWith('-');
  const digits = number.replace(/^[+-]/, '');
  const [whole = '', frac = ''] = digits.split('.');
  let n = BigInt(`${whole}${frac}` || '0');
  let d = 10n ** BigInt(frac.length);
  if (/^[eE][+-]?\d+$/.test(suffix)) {
    const e = Number(suffix.slice(1));
    if (e >= 0) n *= 10n ** BigInt(e);
    else d *= 10n ** BigInt(-e);
  } else {
    const [sn, sd] = exactSuffix[suffix] ?? [1n, 1n];
    n *= sn;
    d *= sd;
  }
  const nano = 10n ** 9n;
  if ((n * nano) % d !== 0n) {
    n = (n * nano) / d + 1n;
    d = nano;
  }
  return { n: neg ? -n : n, d };
}

function sum(a: Quantity, b: Quantity | bigint, sign: 1n | -1n): Quantity {
  const x = a.exact;
  const y = typeof b === 'bigint' ? { n: b, d: 1n } : b.exact;
  const exact = { n: x.n * y.d + sign * y.n * x.d, d: x.d * y.d };
  return new Quantity(`${a.text}${sign > 0n ? '+' : '-'}${typeof b === 'bigint' ? b : b.text}`, Number(exact.n) / Number(exact.d), exact);
}

const suffixes: Readonly<Record<string, number>> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** k8s.io/apimachinery resource.ParseQuantity's grammar: a signed decimal and an optional binary, decimal or exponent suffix. */
export function parseQuantity(text: string): number | undefined {
  const m = quantityPattern.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (/^[eE][+-]?\d+$/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  // suffix.go's n (10^-9) and u (10^-6), as divisions: 100u is the double nearest 0.0001.
  if (suffix === 'n' || suffix === 'u') return n / (suffix === 'n' ? 1e9 : 1e6);
  const f = suffixes[suffix];
  return f === undefined ? undefined : n * f;
}

function quantityOf(text: string): Quantity {
  const v = parseQuantity(text);
  if (v === undefined) throw new Error(`quantities must match the regular expression: ${JSON.stringify(text)}`);
  return new Quantity(text, v);
}

const cmp = (a: Quantity, b: Quantity): bigint => {
  const l = a.exact.n * b.exact.d;
  const r = b.exact.n * a.exact.d;
  return l < r ? -1n : l > r ? 1n : 0n;
};

function createEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true });
  for (const name of ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables']) env.registerVariable(name, 'dyn');
  env.registerType('Quantity', Quantity);
  env.registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined);
  env.registerFunction('quantity(string): Quantity', (s: string) => quantityOf(s));
  env.registerFunction('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => cmp(a, b));
  env.registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => cmp(a, b) > 0n);
  env.registerFunction('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => cmp(a, b) < 0n);
  env.registerFunction('Quantity.asApproximateFloat(): double', (a: Quantity) => a.value);
  env.registerFunction('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => sum(a, b, 1n));
  env.registerFunction('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => sum(a, b, 1n));
  env.registerFunction('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => sum(a, b, -1n));
  env.registerFunction('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => sum(a, b, -1n));
  env.registerFunction('string.re2Matches(string): bool', re2Matches);
  env.registerFunction('k8sHas(dyn, string): bool', presence);
  return env;
}

/**
 * `has(x.f)` as cel-go decides it on JSON values (interpreter/attributes.go, `refQualify` with a presence test): on a
 * map, whether the key is there; on a list, an error (a list is qualified by an index, and a field name is not one);
 * on anything else (null, a string, a number), false. cel-js answers false on a list too.
 */
function presence(value: unknown, key: string): boolean {
  if (Array.isArray(value)) throw new Error(`unsupported index type: has() of field "${key}" on a list`);
  if (value instanceof Map) return value.has(key);
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key);
}

/** RE2's leading flag group as RegExp flags (U, ungreedy, has none and stays an error, as do later groups). */
function re2Matches(text: string, pattern: string): boolean {
  const lead = /^\(\?([ims]+)\)/.exec(pattern);
  try {
    return new RegExp(lead ? pattern.slice(lead[0].length) : pattern, lead ? [...new Set(lead[1])].join('') : '').test(text);
  } catch {
    throw new Error(`Invalid regular expression: ${pattern}`);
  }
}

type AstNode = { readonly op: string; readonly args: unknown; readonly start: number; readonly end: number };
const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as AstNode).op === 'string';

/**
 * The expression with each `.matches(` call renamed `.re2Matches(` (cel-js lets no function be replaced), found
 * through the parsed AST so that string literals and other identifiers are never touched.
 */
function withRe2Matches(text: string, ast: unknown): string {
  const at: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isNode(v)) return;
    if (v.op === 'rcall' && Array.isArray(v.args) && v.args[0] === 'matches' && isNode(v.args[1])) {
      const name = text.lastIndexOf('matches', isNode((v.args[2] as unknown[])[0]) ? ((v.args[2] as AstNode[])[0] as AstNode).start : v.end);
      if (name >= v.args[1].end) at.push(name);
    }
    walk(v.args);
  };
  walk(ast);
  let out = text;
  for (const i of at.sort((a, b) => b - a)) out = `${out.slice(0, i)}re2Matches${out.slice(i + 'matches'.length)}`;
  return out;
}

/**
 * The expression with each `has(x.f)` written `k8sHas(x, "f")` (cel-go's presence test, above), found through the
 * parsed AST; a `has` inside another's operand is left as it is.
 */
function withK8sHas(text: string, ast: unknown): string {
  const spans: { start: number; end: number; operand: string; field: string }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isNode(v)) return;
    const args = v.args as unknown[];
    const selected = v.op === 'call' && Array.isArray(args) && args[0] === 'has' && Array.isArray(args[1]) ? (args[1] as unknown[])[0] : undefined;
    if (isNode(selected) && selected.op === '.' && Array.isArray(selected.args) && isNode(selected.args[0]) && typeof selected.args[1] === 'string') {
      const operand = selected.args[0];
      spans.push({ start: v.start, end: v.end, operand: text.slice(operand.start, operand.end), field: selected.args[1] });
      return;
    }
    walk(v.args);
  };
  walk(ast);
  let out = text;
  for (const s of spans.sort((a, b) => b.start - a.start)) out = `${out.slice(0, s.start)}k8sHas(${s.operand}, ${JSON.stringify(s.field)})${out.slice(s.end)}`;
  return out;
}

export const celEnvironment = createEnvironment();

/** A parsed expression, evaluated against a context of the declared variables; `ast` for the cost estimator. */
export type CompiledExpression = ((context: Record<string, unknown>) => unknown) & { readonly ast: ParsedAst };
type ParsedAst = ReturnType<Environment['parse']>['ast'];

/**
 * Parses and type-checks an expression as the API server does when a ValidatingAdmissionPolicy is written
 * (a type error, such as a mixed-type list literal or `!` applied to a string, rejects the policy), and checks
 * that its result type can be `expected` (dyn passes: it is checked when evaluated). cel-js's checker runs first,
 * then the cel-go rules it does not apply (typecheck.ts: type values are `type(T)`, as in Kubernetes).
 */
export function compileExpression(text: string, expected?: 'bool' | 'string'): CompiledExpression {
  const parsed = celEnvironment.parse(text);
  const checked = parsed.check();
  if (!checked.valid) throw new Error(`type error: ${checked.error?.message.split('\n')[0] ?? 'invalid expression'}`);
  try {
    checkKubernetesTypes(parsed.ast as unknown as CelJsNode);
  } catch (e) {
    if (e instanceof TypeCheckError) throw new Error(`type error: ${e.message}`);
    throw e;
  }
  const type = String(checked.type);
  if (expected && type !== expected && type !== 'dyn') throw new Error(`type error: the expression is ${type}, ${expected} is required`);
  const runText = text.includes('has(') ? withK8sHas(text, parsed.ast) : text;
  const runParsed = runText === text ? parsed : celEnvironment.parse(runText);
  const run = runText.includes('matches') ? celEnvironment.parse(withRe2Matches(runText, runParsed.ast)) : runParsed;
  return Object.assign((context: Record<string, unknown>) => run(context), { ast: parsed.ast });
}

/**
 * A JSON value as Kubernetes hands it to CEL: integral numbers are CEL `int` (BigInt), other numbers `double`,
 * objects maps, arrays lists. Copies, so the caller's object is never shared with the evaluator.
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty for a "__proto__" key (a valid ConfigMap data key), which assignment would take as the
      // prototype; plain assignment otherwise, which makes the same property and is ~7 times faster (an object built
      // by defineProperty alone is also slower to read): converting objects was the VAP engine's largest cost in
      // `secpol verify` (docs/performance.md, session 6; test/engines/vap/to-cel.prop.test.ts).
      if (k === '__proto__') Object.defineProperty(out, k, { value: toCel(v), enumerable: true, writable: true, configurable: true });
      else out[k] = toCel(v);
    }
    return out;
  }
  return value;
}
