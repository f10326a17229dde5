/**
 * Field-relative comparisons per backend (semantics §3.5): the Gatekeeper helper that reads a quantity as whole
 * nano-units (run on the Rego engine), and the SP2001 of the CEL backends for factors they would need more than 32
 * additions for. Agreement with the semantics is test/verify/relations.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileTo } from '../../src/compile.js';
import { compileModules, evaluate, parseModule } from '../../src/engines/rego/index.js';
import { dsl, irOf } from '../helpers/dsl.js';

const policy = (body: string) =>
  irOf(dsl`
    policy ratios {
      applies to pods
      rule r {
        require every container has ${body}
      }
    }`);

describe('gatekeeper: quantity_nano', async () => {
  const out = await compileTo(policy('resources.limits.cpu <= 2 * resources.requests.cpu'), ['gatekeeper']);
  const template = (out.value ?? [])
    .flatMap((f) => f.content.split(/^---$/m).map((d) => parse(d) as { kind?: string; spec?: { targets: { rego: string }[] } } | null))
    .find((d) => d?.kind === 'ConstraintTemplate')!;
  const rego = template.spec!.targets[0]!.rego;
  const pkg = /package (\S+)/.exec(rego)![1]!;
  const program = compileModules([parseModule(rego)]);
  const nano = (x: unknown) => evaluate(program, `data.${pkg}.quantity_nano(${JSON.stringify(x)})`);

  it.each([
    ['500m', 500_000_000],
    ['1', 1_000_000_000],
    ['1.5Gi', 1.5 * 2 ** 30 * 1e9],
    ['1e3', 1e12],
    ['1E3', 1e12],
    ['100e-3', 100_000_000],
    ['+1', 1e9],
    ['.5', 500_000_000],
    ['1.', 1e9],
    ['-2m', -2_000_000],
    ['1e-9', 1],
    ['3u', 3000],
    ['7n', 7],
    ['0.000000001', 1],
    [0.5, 500_000_000],
    [2, 2e9],
  ])('reads %j as %d nano-units', (x, expected) => {
    expect(nano(x)).toEqual({ defined: true, value: expected });
  });

  it.each(['0.0000000011', '1e-10', 'lots', '', '.', 'Mi', '1Ki5'])('leaves %j undefined', (x) => {
    expect(nano(x).defined).toBe(false);
  });
});

describe('vap and kyverno-cel: factors beyond 32 additions', () => {
  for (const target of ['vap', 'kyverno-cel'] as const) {
    it(`${target}: SP2001 for 33/1 or 1/33 on quantities, none for integers`, async () => {
      for (const factor of ['33', '0.03']) {
        const out = await compileTo(policy(`resources.limits.cpu <= ${factor} * resources.requests.cpu`), [target]);
        expect(out.diagnostics.map((d) => d.code)).toEqual(['SP2001']);
        expect(out.diagnostics[0]?.message).toContain('no multiplication');
      }
      const ok = await compileTo(policy('resources.limits.cpu <= 32 * resources.requests.cpu'), [target]);
      expect(ok.diagnostics).toEqual([]);
      const ints = await compileTo(policy('securityContext.runAsUser <= 1000 * securityContext.runAsGroup + 5'), [target]);
      expect(ints.diagnostics).toEqual([]);
    });
  }
});

describe('kyverno: quantities multiplied by whole numbers, never divided (divide goes through float64)', () => {
  const kyverno = async (body: string) => {
    const out = await compileTo(policy(body), ['kyverno']);
    expect(out.diagnostics).toEqual([]);
    return (out.value ?? []).map((f) => f.content.replace(/\\\n\s*/g, '')).join('\n');
  };

  it('alone, as Kyverno operators: both sides multiplied by the fraction\'s terms (1.5 = 3/2)', async () => {
    const text = await kyverno('resources.limits.cpu < 1.5 * resources.requests.cpu');
    expect(text).toContain("key: \"{{ multiply(element.resources.limits.cpu || '0', `2`) }}\"");
    expect(text).toContain('operator: GreaterThanOrEquals');
    expect(text).toContain("value: \"{{ multiply(element.resources.requests.cpu || '0', `3`) }}\"");
    expect(text).not.toContain('divide(');
  });

  it('inside a larger condition, as the sign of the exact difference', async () => {
    const text = await kyverno('((resources.limits.cpu < 1.5 * resources.requests.cpu or image = "x") and name != "y")');
    expect(text).toContain('starts_with(subtract(multiply(');
    expect(text).toContain('`2`), multiply(');
    expect(text).toContain('`3`))');
    expect(text).not.toContain('divide(');
  });
});
