/** `PATH OP [FACTOR *] PATH [+|- OFFSET]` parses, prints back as written (`secpol fmt`) and reports syntax errors. */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile, type ComparisonAst, type PolicyAst, type PredicateAst, type RuleAst } from '../../src/syntax/index.js';
import { compact } from '../helpers/dsl.js';

const parse = (text: string) => parseSource(new SourceFile('test.secpol', text));
const policy = (body: string) => `policy p {\n  applies to pods\n\n  rule r {\n    require ${body}\n  }\n}\n`;

function firstTest(body: string) {
  const file = parse(policy(body)).value!;
  const rule = (file.decls[0] as PolicyAst).items.find((i): i is RuleAst => i.kind === 'rule')!;
  const { predicate } = rule.items.find((i) => i.kind === 'assertion') as { predicate: PredicateAst };
  return ((predicate.kind === 'quantified' ? predicate.body : predicate) as ComparisonAst).test;
}

describe('field-relative comparisons in the grammar', () => {
  it.each([
    'spec.maxReplicas >= spec.minReplicas + 1',
    'spec.maxReplicas >= spec.minReplicas - 1',
    'every container has resources.limits.cpu <= 2 * resources.requests.cpu',
    'every container has resources.limits.memory <= resources.requests.memory',
    'every container has resources.limits.cpu < 1.5 * resources.requests.cpu',
    'metadata.generation <= 2 * metadata.annotations["example.com/max"]',
    'spec.maxReplicas > 0 * spec.minReplicas + 3',
  ])('prints back `%s` as written', (body) => {
    const text = policy(body);
    const parsed = parse(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(printFile(parsed.value!)).toBe(text);
  });

  it('reads the factor, the path and the signed offset', () => {
    expect(firstTest('spec.maxReplicas >= 2 * spec.minReplicas - 3')).toMatchObject({ kind: 'relative', op: '>=', operand: { factor: { text: '2' }, path: { segments: [{ name: 'spec' }, { name: 'minReplicas' }] }, offset: { text: '-3' } } });
    expect(firstTest('spec.maxReplicas >= spec.minReplicas - -3')).toMatchObject({ operand: { offset: { text: '3' } } });
    expect(printFile(parse(policy('spec.maxReplicas >= spec.minReplicas + -3')).value!)).toBe(policy('spec.maxReplicas >= spec.minReplicas - 3'));
  });

  it('keeps numbers, quantities, strings and booleans as values', () => {
    expect(firstTest('spec.maxReplicas >= 2')).toMatchObject({ kind: 'compare', value: { kind: 'number', text: '2' } });
    expect(firstTest('every container has resources.limits.cpu <= 500m')).toMatchObject({ kind: 'compare', value: { kind: 'quantity' } });
    expect(firstTest('spec.hostNetwork = true')).toMatchObject({ kind: 'compare', value: { kind: 'boolean', value: true } });
    expect(firstTest('spec.x = true.y')).toMatchObject({ kind: 'relative', operand: { path: { segments: [{ name: 'true' }, { name: 'y' }] } } });
  });

  it('is a syntax error without a path after `*` or a number after `+`', () => {
    expect(parse(policy('spec.maxReplicas >= 2 * 3')).diagnostics.map(compact)[0]?.code).toBe('SP0002');
    expect(parse(policy('spec.maxReplicas >= spec.minReplicas +')).diagnostics.map(compact)[0]?.code).toBe('SP0002');
  });
});
