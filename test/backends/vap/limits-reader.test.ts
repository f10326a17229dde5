/**
 * The VAP cost check estimates while it parses (src/backends/vap/limits.ts, CostReader) instead of building a tree and
 * walking it. The law: it gives the tree walk's estimate (below, the walk it replaced, over cel-parse.ts's tree) on
 * every expression of the golden VAP output and on generated expressions of the backend's dialect, and it refuses
 * what the walk refused.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { celString } from '../../../src/backends/vap/cel.js';
import { parseCel, type CelNode } from '../../../src/backends/vap/cel-parse.js';
import { DESIGN_BOUNDS, limitFindings, worstCaseCost, type Estimate, type SizeBounds } from '../../../src/backends/vap/limits.js';
import { projectRoot } from '../../helpers/corpora.js';

const tenth = (n: number) => Math.max(1, Math.ceil(n * 0.1));
const typeIdentifiers = new Set(['bool', 'bytes', 'double', 'int', 'uint', 'string', 'null_type', 'list', 'map', 'type']);
const macroCost: Record<string, { fixed: number; perElement: number }> = {
  all: { fixed: 1, perElement: 3 },
  exists: { fixed: 1, perElement: 4 },
  exists_one: { fixed: 2, perElement: 2 },
  existsOne: { fixed: 2, perElement: 2 },
  map: { fixed: 11, perElement: 12 },
  filter: { fixed: 11, perElement: 13 },
};
const isNode = (x: unknown): x is CelNode => typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as CelNode).op === 'string';
const keyOf = (x: unknown): string => (Array.isArray(x) ? `[${x.map(keyOf).join(',')}]` : isNode(x) ? `${x.op}(${keyOf(x.args)})` : JSON.stringify(typeof x === 'bigint' ? String(x) : x) ?? '');

/** The tree walk the reader replaced: the same prices, node by node over the parsed tree. */
function walk(text: string, bounds: SizeBounds, variables: ReadonlyMap<string, Estimate>): Estimate {
  const dyn = (cost: number): Estimate => ({ cost, text: bounds.string, items: Math.max(bounds.list, bounds.map) });
  const scalar = (cost: number): Estimate => ({ cost, text: 1, items: 0 });
  const sum = (es: readonly Estimate[]) => es.reduce((a, e) => a + e.cost, 0);
  const testsList = (c: CelNode, value: CelNode): boolean => {
    if (c.op === '&&') return (c.args as CelNode[]).some((x) => testsList(x, value));
    if (c.op !== '==') return false;
    const [l, r] = c.args as [CelNode, CelNode];
    if (l.op !== 'call' || r.op !== 'id' || r.args !== 'list') return false;
    const [name, callArgs] = l.args as [string, CelNode[]];
    return name === 'type' && keyOf(callArgs) === `[${keyOf(value)}]`;
  };
  const estimate = (node: CelNode, locals: ReadonlySet<string>): Estimate => {
    const args = node.args;
    const all = (nodes: readonly CelNode[]) => nodes.map((n) => estimate(n, locals));
    switch (node.op) {
      case 'value':
        return typeof args === 'string' ? { cost: 0, text: [...args].length, items: 0 } : scalar(0);
      case 'id':
        return typeIdentifiers.has(String(args)) && !locals.has(String(args)) ? scalar(1) : dyn(1);
      case '.': {
        const [operand, field] = args as [CelNode, string];
        const known = operand.op === 'id' && operand.args === 'variables' && !locals.has('variables') ? variables.get(field) : undefined;
        return known ? { ...known, cost: 2 } : dyn(estimate(operand, locals).cost + 1);
      }
      case '[]':
        return dyn(sum(all(args as CelNode[])) + 1);
      case 'list': {
        const es = all(args as CelNode[]);
        return { cost: 10 + sum(es), text: 0, items: es.length };
      }
      case 'map': {
        const entries = args as [CelNode, CelNode][];
        return { cost: 30 + sum(entries.flatMap(([k, v]) => all([k, v]))), text: 0, items: entries.length };
      }
      case '&&':
      case '||':
        return scalar(sum(all(args as CelNode[])));
      case '?:': {
        const [cn, an] = args as CelNode[];
        const [c, a, b] = all(args as CelNode[]);
        const items = testsList(cn!, an!) ? Math.min(a!.items, bounds.list) : a!.items;
        return { cost: c!.cost + Math.max(a!.cost, b!.cost), text: Math.max(a!.text, b!.text), items: Math.max(items, b!.items) };
      }
      case '!_':
      case '-_':
        return scalar(estimate(args as CelNode, locals).cost + 1);
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const [a, b] = all(args as CelNode[]);
        return scalar(a!.cost + b!.cost + tenth(Math.min(a!.text, b!.text)));
      }
      case '+': {
        const [a, b] = all(args as CelNode[]);
        return { cost: a!.cost + b!.cost + tenth(a!.text + b!.text), text: a!.text + b!.text, items: a!.items + b!.items };
      }
      case '-':
      case '*': {
        const [a, b] = all(args as CelNode[]);
        return scalar(a!.cost + b!.cost + 1);
      }
      case 'in': {
        const [a, b] = all(args as CelNode[]);
        return scalar(a!.cost + b!.cost + Math.max(1, b!.items));
      }
      case 'call': {
        const [name, callArgs] = args as [string, CelNode[]];
        if (name === 'has' && callArgs[0]?.op === '.') return scalar(estimate((callArgs[0].args as [CelNode])[0], locals).cost);
        const es = all(callArgs);
        if (name === 'has') return scalar(sum(es));
        if (['type', 'size', 'int', 'uint', 'double', 'bool'].includes(name)) return scalar(sum(es) + 1);
        if (name === 'dyn') return { ...es[0]!, cost: sum(es) };
        if (['string', 'quantity', 'isQuantity'].includes(name)) return { cost: sum(es) + tenth(es[0]!.text), text: es[0]!.text, items: 0 };
        return dyn(sum(es) + 1);
      }
      case 'rcall': {
        const [name, receiver, callArgs] = args as [string, CelNode, CelNode[]];
        const target = estimate(receiver, locals);
        const macro = macroCost[name];
        const variable = callArgs[0];
        if (macro && variable?.op === 'id' && callArgs.length >= 2) {
          const inner = new Set(locals).add(String(variable.args));
          const body = sum(callArgs.slice(1).map((n) => estimate(n, inner)));
          return { cost: target.cost + macro.fixed + target.items * (macro.perElement + body), text: 0, items: target.items };
        }
        const es = all(callArgs);
        const cost = target.cost + sum(es);
        if (name === 'matches') return { cost: cost + tenth(target.text + 1) * Math.ceil(0.25 * es[0]!.text), text: 1, items: 0 };
        if (name === 'startsWith' || name === 'endsWith') return { cost: cost + tenth(es[0]!.text), text: 1, items: 0 };
        if (name === 'join') return { cost: cost + tenth(target.items * bounds.string), text: target.items * bounds.string, items: 0 };
        if (name === 'substring') return { cost: cost + tenth(target.text), text: target.text, items: 0 };
        return dyn(cost + 1);
      }
      default:
        throw new Error(`invariant: unexpected CEL node ${node.op}`);
    }
  };
  return estimate(parseCel(text), new Set());
}

type Spec = Parameters<typeof limitFindings>[0];

function goldenSpecs(): Spec[] {
  const dir = join(projectRoot, 'test', 'golden', 'vap');
  return readdirSync(dir).flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
      .map((d) => d.toJS() as { kind?: string; spec?: Spec } | null)
      .filter((d) => d?.kind === 'ValidatingAdmissionPolicy' && d.spec)
      .map((d) => d!.spec!),
  );
}

const boundsCases: SizeBounds[] = [DESIGN_BOUNDS, { list: 3, map: 5, string: 7 }, { list: 100, map: 2, string: 1000 }];

/** The outcome of an estimate: the figures, or that it was refused. */
function outcome(f: () => Estimate): Estimate | 'refused' {
  try {
    const e = f();
    return { cost: e.cost, text: e.text, items: e.items };
  } catch {
    return 'refused';
  }
}

describe('the cost estimate read while parsing', () => {
  it('equals the tree walk on every expression of the golden VAP output, variables sized as they are read', () => {
    const specs = goldenSpecs();
    let compared = 0;
    for (const bounds of boundsCases) {
      for (const spec of specs) {
        const sized = new Map<string, Estimate>();
        for (const v of spec.variables) {
          const e = worstCaseCost(v.expression, bounds, sized);
          expect(e, v.expression).toEqual(walk(v.expression, bounds, sized));
          sized.set(v.name, e);
          compared++;
        }
        for (const v of spec.validations) {
          for (const text of [v.expression, v.messageExpression]) {
            if (text === undefined) continue;
            expect(worstCaseCost(text, bounds, sized), text).toEqual(walk(text, bounds, sized));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(900);
  });

  it('equals the tree walk on generated expressions, and refuses what it refused', () => {
    const path = fc.constantFrom('object.spec.containers', 'variables.containers', '(variables.containers)', 'c1.ports', 'variables.podSpec["volumes"]');
    const ident = fc.constantFrom('object', 'variables', 'c1', 'x', 'list', 'map', 'int', 'string');
    const literal = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }).map(celString), fc.nat(99).map(String), fc.constantFrom('true', 'null', '1.5', '[]', '{}'));
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        literal,
        ident,
        path,
        fc.tuple(tie('e'), fc.constantFrom('==', '!=', '<', '>=', 'in', '&&', '||', '+', '-'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
        // The list test the reader recognises by place: the same text, the same tree in other words, or another value.
        fc.tuple(path, path, fc.constantFrom('', 'has(object.spec) && ', '(x == 1) && '), tie('e')).map(([a, b, pre, c]) => `(${pre}type(${a}) == list ? ${b} : ${c})`),
        fc.tuple(path, tie('e')).map(([a, c]) => `(type(${a}) == list && true ? (${a}) : ${c})`),
        fc.tuple(fc.constantFrom('!', '-'), tie('e')).map(([op, a]) => `${op}${a}`),
        tie('e').map((a) => `(${a})`),
        fc.tuple(tie('e'), fc.constantFrom('spec', 'securityContext', 'containers')).map(([a, f]) => `${a}.${f}`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a}[${b}]`),
        fc.tuple(fc.constantFrom('has', 'type', 'size', 'int', 'other'), fc.array(tie('e'), { maxLength: 2 })).map(([f, xs]) => `${f}(${xs.join(', ')})`),
        // (The walk priced `dyn()` without an argument as NaN; the reader refuses it. The backend writes neither.)
        fc.tuple(fc.constantFrom('string', 'dyn', 'quantity'), fc.array(tie('e'), { minLength: 1, maxLength: 2 })).map(([f, xs]) => `${f}(${xs.join(', ')})`),
        fc.tuple(tie('e'), fc.constantFrom('exists', 'all', 'exists_one', 'map', 'filter'), fc.constantFrom('c1', 'variables', 'list', '(c1)', 'c1.x'), fc.array(tie('e'), { minLength: 0, maxLength: 2 })).map(([a, m, v, bs]) => `${a}.${m}(${[v, ...bs].join(', ')})`),
        // A macro variable that shadows a type name or `variables` in its body only.
        fc.tuple(path, fc.constantFrom('list', 'map', 'variables'), fc.constantFrom('exists', 'filter')).map(([a, v, m]) => `${a}.${m}(${v}, ${v} == "longer than one" || ${v}.containers.all(c1, c1 == ${v})) && list == "x"`),
        fc.tuple(tie('e'), fc.constantFrom('matches', 'startsWith', 'endsWith', 'join', 'substring', 'lowerAscii'), fc.array(tie('e'), { maxLength: 2 })).map(([a, m, xs]) => `${a}.${m}(${xs.join(',')})`),
        fc.array(tie('e'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
        fc.array(fc.tuple(tie('e'), tie('e')), { maxLength: 2 }).map((es) => `{${es.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      ),
    })).e;
    const variables = new Map<string, Estimate>([
      ['containers', { cost: 40, text: 0, items: 96 }],
      ['podSpec', { cost: 3, text: 256, items: 64 }],
    ]);
    let estimated = 0;
    fc.assert(
      fc.property(expr, fc.constantFrom(...boundsCases), (text, bounds) => {
        const expected = outcome(() => walk(text, bounds, variables));
        expect(outcome(() => worstCaseCost(text, bounds, variables))).toEqual(expected);
        if (expected !== 'refused') estimated++;
      }),
      { seed: 5, numRuns: 4000 },
    );
    expect(estimated).toBeGreaterThan(1500);
  });
});
