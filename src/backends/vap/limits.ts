import { parseCel } from './cel-parse.js';

/**
 * The API server's limits on ValidatingAdmissionPolicy CEL, checked when secpol compiles (docs/backends/vap.md,
 * "Limits"). Kubernetes enforces the cost limits at admission, on the actual object (k8s.io/apiserver
 * `pkg/apis/cel/config.go`; `environment/base.go` sets `cel.CostLimit(PerCallLimit)`): an expression that exceeds one
 * errors, and failurePolicy Fail turns that into a denial. So the backend bounds the worst case of its own output
 * on objects within `DESIGN_BOUNDS`, with an upper bound of cel-go's cost model (checker/cost.go, the prices
 * docs/engines/vap-cost.md lists); test/backends/vap/limits.test.ts checks it never undercuts the offline engine's
 * estimate of the same text.
 */
export const PER_CALL_LIMIT = 1_000_000;
/** Per evaluation of a policy: validations, messageExpressions and the variables they read. */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
export const RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS = 2_500_000;
/** cel-go's parser default (`parser.ExpressionSizeCodePointLimit`), which Kubernetes keeps. */
export const EXPRESSION_SIZE_CODE_POINT_LIMIT = 100_000;

/**
 * The objects the check covers: at most `list` items in any list (containers of each kind, ports, env, volumes…),
 * `map` entries in any map, `string` characters in any string. Larger objects may exceed a limit and be denied.
 */
export const DESIGN_BOUNDS = { list: 32, map: 64, string: 256 } as const;
export type SizeBounds = { readonly list: number; readonly map: number; readonly string: number };

interface Node {
  readonly op: string;
  readonly args: unknown;
}
/**
 * A worst-case cost and the value's size, both ways a dyn value may be used: `text` characters if it is a string,
 * `items` if it is a list or map. A dyn value read from the object has the bounds.
 */
export interface Estimate {
  readonly cost: number;
  readonly text: number;
  readonly items: number;
}

const tenth = (n: number) => Math.max(1, Math.ceil(n * 0.1));
const typeIdentifiers = new Set(['bool', 'bytes', 'double', 'int', 'uint', 'string', 'null_type', 'list', 'map', 'type']);
const sum = (es: readonly Estimate[]) => es.reduce((a, e) => a + e.cost, 0);

/** The node as text without positions, to recognise the same sub-expression twice. */
const keyOf = (x: unknown): string => (Array.isArray(x) ? `[${x.map(keyOf).join(',')}]` : isNode(x) ? `${x.op}(${keyOf(x.args)})` : JSON.stringify(typeof x === 'bigint' ? String(x) : x) ?? '');
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as Node).op === 'string';

/**
 * Does `condition` require `type(value) == list` (a conjunct of it)? The cheap tests come first and `value`'s key is
 * built once: keying the whole branch for every conjunct made this a third of the estimate's time.
 */
function testsList(condition: Node, value: Node): boolean {
  let valueKey: string | undefined;
  const visit = (c: Node): boolean => {
    if (c.op === '&&') return (c.args as Node[]).some(visit);
    if (c.op !== '==') return false;
    const [l, r] = c.args as [Node, Node];
    if (l.op !== 'call' || r.op !== 'id' || r.args !== 'list') return false;
    const [name, callArgs] = l.args as [unknown, unknown];
    if (name !== 'type') return false;
    valueKey ??= `[${keyOf(value)}]`;
    return keyOf(callArgs) === valueKey;
  };
  return visit(condition);
}

/** Per element and fixed cost of each macro's expansion (cel-go checker/cost.go, the comprehension's own nodes). */
const macroCost: Readonly<Record<string, { readonly fixed: number; readonly perElement: number }>> = {
  all: { fixed: 1, perElement: 3 },
  exists: { fixed: 1, perElement: 4 },
  exists_one: { fixed: 2, perElement: 2 },
  existsOne: { fixed: 2, perElement: 2 },
  map: { fixed: 11, perElement: 12 },
  filter: { fixed: 11, perElement: 13 },
};

/**
 * An upper bound of the CEL cost of `text` on objects within `bounds`. `variables` gives the sizes of the
 * variables the text reads (their own cost is charged separately, once per policy evaluation).
 */
export function worstCaseCost(text: string, bounds: SizeBounds, variables: ReadonlyMap<string, Estimate> = new Map()): Estimate {
  const ast = parseCel(text);
  return new Estimator(bounds, variables).estimate(ast, new Set());
}

class Estimator {
  constructor(
    private readonly bounds: SizeBounds,
    private readonly variables: ReadonlyMap<string, Estimate>,
  ) {}

  /** A dyn value of the object, at `cost`. */
  private dyn(cost: number): Estimate {
    return { cost, text: this.bounds.string, items: Math.max(this.bounds.list, this.bounds.map) };
  }

  estimate(node: Node, locals: ReadonlySet<string>): Estimate {
    const args = node.args;
    const all = (nodes: readonly Node[]) => nodes.map((n) => this.estimate(n, locals));
    const scalar = (cost: number): Estimate => ({ cost, text: 1, items: 0 });
    switch (node.op) {
      case 'value':
        return typeof args === 'string' ? { cost: 0, text: [...args].length, items: 0 } : scalar(0);
      case 'id':
        // A type value (`map`, `int`…) is no string: comparing it costs 1, as cel-go's runtime cost tracker charges.
        return typeIdentifiers.has(String(args)) && !locals.has(String(args)) ? scalar(1) : this.dyn(1);
      case '.':
      case '.?': {
        const [operand, field] = args as [Node, string];
        const known = operand.op === 'id' && operand.args === 'variables' && !locals.has('variables') ? this.variables.get(field) : undefined;
        if (known) return { ...known, cost: 2 };
        return this.dyn(this.estimate(operand, locals).cost + 1);
      }
      case '[]':
        return this.dyn(sum(all(args as Node[])) + 1);
      case 'list': {
        const elements = all(args as Node[]);
        return { cost: 10 + sum(elements), text: 0, items: elements.length };
      }
      case 'map': {
        const entries = (args as [Node, Node][]).map(([k, v]) => all([k, v]));
        return { cost: 30 + sum(entries.flat()), text: 0, items: entries.length };
      }
      case '&&':
      case '||':
        return scalar(sum(all(args as Node[])));
      case '?:': {
        const [cn, an] = args as Node[];
        const [c, a, b] = all(args as Node[]);
        // `type(x) == list … ? x : …`: x is a list here, so it has at most `list` items (not a map's entries).
        const items = testsList(cn!, an!) ? Math.min(a!.items, this.bounds.list) : a!.items;
        return { cost: c!.cost + Math.max(a!.cost, b!.cost), text: Math.max(a!.text, b!.text), items: Math.max(items, b!.items) };
      }
      case '!_':
      case '-_':
        return scalar(this.estimate(args as Node, locals).cost + 1);
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const [a, b] = all(args as Node[]);
        return scalar(a!.cost + b!.cost + tenth(Math.min(a!.text, b!.text)));
      }
      case '+': {
        const [a, b] = all(args as Node[]);
        return { cost: a!.cost + b!.cost + tenth(a!.text + b!.text), text: a!.text + b!.text, items: a!.items + b!.items };
      }
      case 'in': {
        const [a, b] = all(args as Node[]);
        return scalar(a!.cost + b!.cost + Math.max(1, b!.items));
      }
      case 'call': {
        const [name, callArgs] = args as [string, Node[]];
        // has(x.f): the presence test itself is free (Kubernetes sets PresenceTestHasCost(false)), x is not.
        if (name === 'has' && callArgs[0]?.op === '.') return scalar(this.estimate((callArgs[0].args as [Node])[0], locals).cost);
        const es = all(callArgs);
        if (name === 'has') return scalar(sum(es));
        if (name === 'type' || name === 'size' || name === 'int' || name === 'uint' || name === 'double' || name === 'bool') return scalar(sum(es) + 1);
        if (name === 'dyn') return { ...es[0]!, cost: sum(es) };
        if (name === 'string' || name === 'quantity' || name === 'isQuantity') return { cost: sum(es) + tenth(es[0]!.text), text: es[0]!.text, items: 0 };
        return this.dyn(sum(es) + 1);
      }
      case 'rcall':
        return this.memberCall(args as [string, Node, Node[]], locals);
      default:
        throw new Error(`invariant: unexpected CEL node ${node.op} in the VAP backend's own output`);
    }
  }

  private memberCall([name, receiver, callArgs]: [string, Node, Node[]], locals: ReadonlySet<string>): Estimate {
    const target = this.estimate(receiver, locals);
    const macro = macroCost[name];
    const variable = callArgs[0];
    if (macro && variable?.op === 'id' && callArgs.length >= 2) {
      const inner = new Set(locals).add(String(variable.args));
      const body = sum(callArgs.slice(1).map((n) => this.estimate(n, inner)));
      return { cost: target.cost + macro.fixed + target.items * (macro.perElement + body), text: 0, items: target.items };
    }
    const es = callArgs.map((a) => this.estimate(a, locals));
    const cost = target.cost + sum(es);
    switch (name) {
      case 'matches':
        return { cost: cost + tenth(target.text + 1) * Math.ceil(0.25 * es[0]!.text), text: 1, items: 0 };
      case 'startsWith':
      case 'endsWith':
        return { cost: cost + tenth(es[0]!.text), text: 1, items: 0 };
      case 'join':
        return { cost: cost + tenth(target.items * this.bounds.string), text: target.items * this.bounds.string, items: 0 };
      case 'substring':
        return { cost: cost + tenth(target.text), text: target.text, items: 0 };
      default:
        return this.dyn(cost + 1);
    }
  }
}

/** One limit a policy's expressions may exceed on an object within the bounds. */
export interface LimitFinding {
  /** The validation (index in spec.validations), variable (name) or the match conditions it concerns. */
  readonly at: { readonly validation: number } | { readonly variable: string } | { readonly matchConditions: true } | { readonly policy: true };
  readonly what: string;
  readonly estimate: number;
  readonly limit: number;
}

interface SpecExpressions {
  readonly variables: readonly { readonly name: string; readonly expression: string }[];
  readonly validations: readonly { readonly expression: string; readonly messageExpression?: string }[];
  readonly matchConditions?: readonly { readonly name: string; readonly expression: string }[];
}

/** The limits of one ValidatingAdmissionPolicy's spec exceeded, in the worst case within `bounds`. */
export function limitFindings(spec: SpecExpressions, bounds: SizeBounds = DESIGN_BOUNDS): LimitFinding[] {
  const findings: LimitFinding[] = [];
  const sized = new Map<string, Estimate>();
  const perCall = (at: LimitFinding['at'], what: string, text: string): Estimate => {
    const size = [...text].length;
    if (size > EXPRESSION_SIZE_CODE_POINT_LIMIT) findings.push({ at, what: `${what}: expression size in code points`, estimate: size, limit: EXPRESSION_SIZE_CODE_POINT_LIMIT });
    const e = worstCaseCost(text, bounds, sized);
    if (e.cost > PER_CALL_LIMIT) findings.push({ at, what: `${what}: CEL cost per evaluation`, estimate: e.cost, limit: PER_CALL_LIMIT });
    return e;
  };
  const variableCost = new Map<string, number>();
  for (const v of spec.variables) {
    const e = perCall({ variable: v.name }, `variable ${v.name}`, v.expression);
    variableCost.set(v.name, e.cost);
    sized.set(v.name, e);
  }
  // Every variable charged once is an upper bound: Kubernetes evaluates one only when an expression reads it.
  let budget = [...variableCost.values()].reduce((a, c) => a + c, 0);
  spec.validations.forEach((v, i) => {
    budget += perCall({ validation: i }, 'expression', v.expression).cost;
    if (v.messageExpression !== undefined) budget += perCall({ validation: i }, 'messageExpression', v.messageExpression).cost;
  });
  if (budget > RUNTIME_CEL_COST_BUDGET) findings.push({ at: { policy: true }, what: 'CEL cost per policy evaluation (variables, validations and messageExpressions)', estimate: budget, limit: RUNTIME_CEL_COST_BUDGET });
  const conditions = spec.matchConditions ?? [];
  const read = readVariables(conditions.map((c) => c.expression), spec.variables);
  const total = conditions.reduce((a, c) => a + perCall({ matchConditions: true }, `matchCondition ${c.name}`, c.expression).cost, 0) + [...read].reduce((a, name) => a + (variableCost.get(name) ?? 0), 0);
  if (total > RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS) findings.push({ at: { matchConditions: true }, what: 'CEL cost of the match conditions', estimate: total, limit: RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS });
  return findings;
}

/** The variables `texts` read, directly or through other variables (each is charged once when first read). */
function readVariables(texts: readonly string[], variables: SpecExpressions['variables']): Set<string> {
  const read = new Set<string>();
  const visit = (text: string) => {
    for (const [, name] of text.matchAll(/\bvariables\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (read.has(name!)) continue;
      read.add(name!);
      const v = variables.find((x) => x.name === name);
      if (v) visit(v.expression);
    }
  };
  texts.forEach(visit);
  return read;
}
