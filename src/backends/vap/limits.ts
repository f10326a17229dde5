import { binaryLevel, CelLexer, fail, parseCel, T } from './cel-parse.js';

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

/** The node as text without positions, to recognise the same sub-expression twice. */
const keyOf = (x: unknown): string => (Array.isArray(x) ? `[${x.map(keyOf).join(',')}]` : isNode(x) ? `${x.op}(${keyOf(x.args)})` : JSON.stringify(typeof x === 'bigint' ? String(x) : x) ?? '');
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as Node).op === 'string';

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
 * The estimate of one sub-expression, with the little of its shape its parent's price depends on: what it is
 * (`op`: an identifier, a field selection, a call…), the identifier or function `name`, for a selection the cost of
 * its operand (`has(x.f)` charges x only), and `places`: for `type(X)` with one argument where X is in the text, for
 * a `type(X) == list` test or a conjunction of tests where each X tested to be a list is (start and end pairs).
 */
class Part implements Estimate {
  constructor(
    readonly op: string,
    readonly cost: number,
    readonly text: number,
    readonly items: number,
    readonly name: string,
    readonly base: number,
    readonly places: readonly number[] | undefined,
  ) {}
}

const part = (op: string, cost: number, text: number, items: number) => new Part(op, cost, text, items, '', 0, undefined);

/**
 * An upper bound of the CEL cost of `text` on objects within `bounds`. `variables` gives the sizes of the
 * variables the text reads (their own cost is charged separately, once per policy evaluation).
 */
export function worstCaseCost(text: string, bounds: SizeBounds, variables: ReadonlyMap<string, Estimate> = new Map()): Estimate {
  const reader = new CostReader(text, bounds, variables);
  const e = reader.expr();
  if (reader.kind !== T.End) fail(text, reader.start, 'trailing text');
  return { cost: e.cost, text: e.text, items: e.items };
}

/**
 * Estimates while it parses (the grammar of cel-parse.ts, whose tree the estimate used to walk): each sub-expression
 * is priced as soon as it is read, from the prices of its parts, so no tree is built. Pricing bottom-up needs only
 * what a macro's first argument binds (the locals of its body) before reading the body, and for `c ? x : …` whether
 * a conjunct of c tests `type(x) == list`, which compares the two places' text (or, if they differ, their trees).
 * test/backends/vap/limits.test.ts checks it gives the tree walk's estimate on every golden VAP expression.
 */
class CostReader extends CelLexer {
  /** The comprehension variables in scope, innermost last. */
  private readonly locals: string[] = [];

  constructor(
    text: string,
    private readonly bounds: SizeBounds,
    private readonly variables: ReadonlyMap<string, Estimate>,
  ) {
    super(text);
  }

  /** A dyn value of the object, at `cost`. */
  private dyn(op: string, cost: number, name = '', base = 0): Part {
    return new Part(op, cost, this.bounds.string, Math.max(this.bounds.list, this.bounds.map), name, base, undefined);
  }

  expr(): Part {
    const condition = this.binary(1);
    if (!this.at('?')) return condition;
    this.next();
    const start = this.start;
    const a = this.expr();
    const end = this.prevEnd;
    this.expect(':');
    const b = this.expr();
    // `type(x) == list … ? x : …`: x is a list here, so it has at most `list` items (not a map's entries).
    const items = condition.op !== 'call' && this.testsList(condition.places, start, end) ? Math.min(a.items, this.bounds.list) : a.items;
    return part('?:', condition.cost + Math.max(a.cost, b.cost), Math.max(a.text, b.text), Math.max(items, b.items));
  }

  /** Whether a conjunct tests `type(X) == list` (at `tests`) with X the same expression as the text from `start` to `end`. */
  private testsList(tests: readonly number[] | undefined, start: number, end: number): boolean {
    if (!tests) return false;
    const valueText = this.text.slice(start, end);
    let valueKey: string | undefined;
    for (let i = 0; i < tests.length; i += 2) {
      const x = this.text.slice(tests[i], tests[i + 1]);
      if (x === valueText) return true;
      valueKey ??= keyOf(parseCel(valueText));
      if (keyOf(parseCel(x)) === valueKey) return true;
    }
    return false;
  }

  /** Binary operators of `minLevel` and tighter, left-associative (the levels of cel-parse.ts). */
  private binary(minLevel: number): Part {
    let left = this.unary();
    for (;;) {
      if (this.kind !== T.Punct) return left;
      const op = this.value as string;
      const level = binaryLevel[op];
      if (level === undefined || level < minLevel) return left;
      this.next();
      left = this.combine(op, left, this.binary(level + 1));
    }
  }

  private combine(op: string, a: Part, b: Part): Part {
    switch (op) {
      case '&&': {
        const x = a.op === 'call' ? undefined : a.places;
        const y = b.op === 'call' ? undefined : b.places;
        return new Part(op, a.cost + b.cost, 1, 0, '', 0, x && y ? [...x, ...y] : (x ?? y));
      }
      case '||':
        return part(op, a.cost + b.cost, 1, 0);
      case '+':
        return part(op, a.cost + b.cost + tenth(a.text + b.text), a.text + b.text, a.items + b.items);
      case '-':
      case '*':
        // Number arithmetic (field-relative comparisons, vap/cel.ts `relation`): one call, as cel-go's default.
        return part(op, a.cost + b.cost + 1, 1, 0);
      case 'in':
        return part(op, a.cost + b.cost + Math.max(1, b.items), 1, 0);
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const tested = op === '==' && a.op === 'call' && a.name === 'type' && b.op === 'id' && b.name === 'list' ? a.places : undefined;
        return new Part(op, a.cost + b.cost + tenth(Math.min(a.text, b.text)), 1, 0, '', 0, tested);
      }
      default:
        throw new Error(`invariant: unexpected CEL node ${op} in the VAP backend's own output`);
    }
  }

  private unary(): Part {
    if (this.at('!') || this.at('-')) {
      const op = this.value === '!' ? '!_' : '-_';
      this.next();
      return part(op, this.unary().cost + 1, 1, 0);
    }
    return this.member();
  }

  private member(): Part {
    let node = this.primary();
    for (;;) {
      if (this.at('.')) {
        this.next();
        if (this.kind !== T.Ident) fail(this.text, this.start, 'expected a field name');
        const name = this.value as string;
        this.next();
        if (this.at('(')) {
          this.next();
          node = this.memberCall(name, node);
          continue;
        }
        const known = node.op === 'id' && node.name === 'variables' && !this.locals.includes('variables') ? this.variables.get(name) : undefined;
        node = known ? new Part('.', 2, known.text, known.items, '', node.cost, undefined) : this.dyn('.', node.cost + 1, '', node.cost);
      } else if (this.at('[')) {
        this.next();
        const index = this.expr();
        this.expect(']');
        node = this.dyn('[]', node.cost + index.cost + 1);
      } else return node;
    }
  }

  /** `target.name(…)` after its "(": a macro binds its first argument in the others. */
  private memberCall(name: string, target: Part): Part {
    const macro = macroCost[name];
    const args: Part[] = [];
    let bound = false;
    while (!this.at(')')) {
      if (args.length === 1 && macro && args[0]!.op === 'id') {
        this.locals.push(args[0]!.name);
        bound = true;
      }
      args.push(this.expr());
      if (!this.at(',')) break;
      this.next();
    }
    if (bound) this.locals.pop();
    this.expect(')');
    if (bound && args.length >= 2) {
      let body = 0;
      for (let i = 1; i < args.length; i++) body += args[i]!.cost;
      return part('rcall', target.cost + macro!.fixed + target.items * (macro!.perElement + body), 0, target.items);
    }
    let cost = target.cost;
    for (const a of args) cost += a.cost;
    switch (name) {
      case 'matches':
        return part('rcall', cost + tenth(target.text + 1) * Math.ceil(0.25 * argument(args[0], name).text), 1, 0);
      case 'startsWith':
      case 'endsWith':
        return part('rcall', cost + tenth(argument(args[0], name).text), 1, 0);
      case 'join':
        return part('rcall', cost + tenth(target.items * this.bounds.string), target.items * this.bounds.string, 0);
      case 'substring':
        return part('rcall', cost + tenth(target.text), target.text, 0);
      default:
        return this.dyn('rcall', cost + 1);
    }
  }

  private primary(): Part {
    const value = this.value;
    switch (this.kind) {
      case T.Value:
        this.next();
        return part('value', 0, typeof value === 'string' ? codePoints(value) : 1, 0);
      case T.Ident: {
        const name = value as string;
        this.next();
        if (!this.at('(')) {
          // A type value (`map`, `int`…) is no string: comparing it costs 1, as cel-go's runtime cost tracker charges.
          return typeIdentifiers.has(name) && !this.locals.includes(name) ? new Part('id', 1, 1, 0, name, 0, undefined) : this.dyn('id', 1, name);
        }
        this.next();
        return this.call(name);
      }
      case T.Punct:
        this.next();
        if (value === '(') {
          const inner = this.expr();
          this.expect(')');
          return inner;
        }
        if (value === '[') {
          let cost = 10;
          let items = 0;
          while (!this.at(']')) {
            cost += this.expr().cost;
            items++;
            if (!this.at(',')) break;
            this.next();
          }
          this.expect(']');
          return part('list', cost, 0, items);
        }
        if (value === '{') {
          let cost = 30;
          let items = 0;
          while (!this.at('}')) {
            cost += this.expr().cost;
            this.expect(':');
            cost += this.expr().cost;
            items++;
            if (!this.at(',')) break;
            this.next();
          }
          this.expect('}');
          return part('map', cost, 0, items);
        }
        return fail(this.text, this.start, `unexpected ${String(value)}`);
      default:
        return fail(this.text, this.start, 'unexpected end');
    }
  }

  /** `name(…)` after its "(". For `type(X)`, `places` holds where X is. */
  private call(name: string): Part {
    const args: Part[] = [];
    let start = -1;
    let end = -1;
    while (!this.at(')')) {
      start = this.start;
      args.push(this.expr());
      end = this.prevEnd;
      if (!this.at(',')) break;
      this.next();
    }
    this.expect(')');
    let sum = 0;
    for (const a of args) sum += a.cost;
    const first = args[0];
    // has(x.f): the presence test itself is free (Kubernetes sets PresenceTestHasCost(false)), x is not.
    if (name === 'has' && first?.op === '.') return new Part('call', first.base, 1, 0, name, 0, undefined);
    switch (name) {
      case 'has':
        return new Part('call', sum, 1, 0, name, 0, undefined);
      case 'type':
        return new Part('call', sum + 1, 1, 0, name, 0, args.length === 1 ? [start, end] : undefined);
      case 'size':
      case 'int':
      case 'uint':
      case 'double':
      case 'bool':
        return new Part('call', sum + 1, 1, 0, name, 0, undefined);
      case 'dyn': {
        const a = argument(first, name);
        return new Part('call', sum, a.text, a.items, name, 0, undefined);
      }
      case 'string':
      case 'quantity':
      case 'isQuantity': {
        const a = argument(first, name);
        return new Part('call', sum + tenth(a.text), a.text, 0, name, 0, undefined);
      }
      default:
        return this.dyn('call', sum + 1, name);
    }
  }
}

function argument(part: Part | undefined, name: string): Part {
  if (!part) throw new Error(`invariant: ${name}() without an argument in the VAP backend's own output`);
  return part;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      n++;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
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
    const size = codePoints(text);
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
