/**
 * The VAP cost check parses the backend's CEL with its own parser (src/backends/vap/cel-parse.ts). The law: on the
 * CEL the backend writes, it builds the same tree as cel-js's parser (operator names, argument order, literal
 * values), positions aside; on anything else it throws instead of guessing.
 */
import { Environment } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { celDouble, celString } from '../../../src/backends/vap/cel.js';
import { parseCel } from '../../../src/backends/vap/cel-parse.js';
import { projectRoot } from '../../helpers/corpora.js';

const celJs = new Environment({ unlistedVariablesAreDyn: true });

/** cel-js's tree without positions: `{ op, args }` all the way down. */
function shape(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(shape);
  if (typeof x === 'object' && x !== null && typeof (x as { op?: unknown }).op === 'string') {
    const node = x as { op: string; args: unknown };
    return { op: node.op, args: shape(node.args) };
  }
  return x;
}

const reference = (text: string) => shape(celJs.parse(text).ast);

/** Every CEL text of the golden VAP output: variables, validations, messages, match conditions. */
function goldenExpressions(): string[] {
  const dir = join(projectRoot, 'test', 'golden', 'vap');
  const texts: string[] = [];
  for (const file of readdirSync(dir)) {
    for (const doc of YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const spec = (doc.toJS() as { kind?: string; spec?: Record<string, { expression?: string; messageExpression?: string }[]> } | null)?.spec;
      for (const list of ['variables', 'validations', 'matchConditions', 'auditAnnotations'] as const) {
        for (const e of spec?.[list] ?? []) texts.push(...[e.expression, e.messageExpression].filter((t): t is string => typeof t === 'string'));
      }
    }
  }
  return texts;
}

describe('the VAP cost check parser', () => {
  it('builds cel-js\'s tree for every expression of the golden VAP output', () => {
    const texts = goldenExpressions();
    expect(texts.length).toBeGreaterThan(300);
    for (const text of texts) expect(parseCel(text), text).toEqual(reference(text));
  });

  it('builds cel-js\'s tree for generated expressions in the backend\'s dialect', () => {
    const ident = fc.constantFrom('object', 'oldObject', 'variables', 'c1', 'x', 'has_x', 'inx', 'nullable', 'truex');
    const literal = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }).map(celString),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n < 0 ? `-${celDouble(-n)}` : celDouble(Object.is(n, -0) ? 0 : n))),
      fc.nat().map(String),
      fc.constantFrom('true', 'false', 'null', '[]', '{}', 'map', 'list', 'string', 'null_type'),
    );
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        literal,
        ident,
        fc.tuple(tie('e'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', 'in', '&&', '||', '+', '-', '*', '/', '%'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
        fc.tuple(fc.constantFrom('!', '-', '!!'), tie('e')).map(([op, a]) => `${op}${a}`),
        tie('e').map((a) => `(${a})`),
        fc.tuple(tie('e'), fc.constantFrom('spec', 'securityContext', 'k0', 'in_', 'x1')).map(([a, f]) => `${a}.${f}`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a}[${b}]`),
        fc.tuple(fc.constantFrom('has', 'type', 'size', 'string', 'int', 'dyn'), fc.array(tie('e'), { maxLength: 2 })).map(([f, xs]) => `${f}(${xs.join(', ')})`),
        fc.tuple(tie('e'), fc.constantFrom('exists', 'all', 'exists_one', 'map', 'filter'), tie('e')).map(([a, m, b]) => `${a}.${m}(c1, ${b})`),
        fc.tuple(tie('e'), fc.constantFrom('matches', 'startsWith', 'endsWith', 'join', 'substring'), fc.array(tie('e'), { maxLength: 2 })).map(([a, m, xs]) => `${a}.${m}(${xs.join(',')})`),
        fc.tuple(fc.array(tie('e'), { maxLength: 3 }), fc.boolean()).map(([xs, trailing]) => `[${xs.join(', ')}${trailing && xs.length ? ',' : ''}]`),
        fc.array(fc.tuple(tie('e'), tie('e')), { maxLength: 3 }).map((es) => `{${es.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      ),
    })).e;
    let compared = 0;
    fc.assert(
      fc.property(expr, fc.constantFrom(' ', '', '\n  '), (text, space) => {
        const spaced = text.replaceAll(' ', space || ' ');
        let expected: unknown;
        try {
          expected = reference(spaced);
        } catch {
          return; // not CEL (e.g. a reserved word cel-js refuses): nothing the backend could write
        }
        expect(parseCel(spaced)).toEqual(expected);
        compared++;
      }),
      { seed: 17, numRuns: 3000 },
    );
    expect(compared).toBeGreaterThan(2000);
  });

  it('refuses what the backend never writes instead of guessing', () => {
    for (const text of ["'single'", 'b"bytes"', 'r"raw"', '"""triple"""', '0x1F', '1u', 'a.?b', 'x // comment', '"unterminated', '1 +', '(1', 'a b']) {
      expect(() => parseCel(text), text).toThrow(/invariant/);
    }
  });
});
