/**
 * Every module of the rego-probes corpus (shared/corpora/rego-probes/probes.json) against the answer the
 * real OPA 0.70 gave: defined or not, the value, or the error OPA refused the module with.
 *
 * OPA was run as `opa eval -d m.rego -i /dev/null data.probe.result`: an empty input file makes `input` null
 * (not undefined), so the engine evaluates with `input: null`. The probe `array-concat-null` shows it: with
 * `input` undefined, the call `list_at(input, ["a"])` would be undefined and so would the result; OPA answers
 * `true`, which needs `input` defined (null takes the helpers' `else` branches and gives `[]`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModules, evaluate, parseModule, toJSON } from '../../../src/engines/rego/index.js';
import { corpusPath, hasCorpus } from '../../helpers/corpora.js';

interface Probe {
  readonly name: string;
  readonly module: string;
  readonly query: string;
  readonly opa: { readonly defined: boolean; readonly value: unknown } | { readonly error: string };
}

type Answer = { readonly defined: boolean; readonly value: unknown } | { readonly error: string };

function run(p: Probe): Answer {
  try {
    const r = evaluate(compileModules([parseModule(p.module, `${p.name}.rego`)]), p.query, { input: null });
    return { defined: r.defined, value: r.defined ? toJSON(r.value!) : null };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe.skipIf(!hasCorpus('rego-probes'))('rego-probes: the real OPA 0.70 answers', () => {
  const probes = hasCorpus('rego-probes') ? (JSON.parse(readFileSync(corpusPath('rego-probes', 'probes.json'), 'utf8')) as Probe[]) : [];

  it('the corpus is the one described (40 probes, 3 of them type errors)', () => {
    expect(probes).toHaveLength(40);
    expect(probes.filter((p) => 'error' in p.opa && /match error|invalid argument/.test(p.opa.error))).toHaveLength(3);
  });

  it('array-concat-null is defined only with input null, which is what -i /dev/null gave OPA', () => {
    const p = probes.find((x) => x.name === 'array-concat-null')!;
    const compiled = compileModules([parseModule(p.module, 'array-concat-null.rego')]);
    expect(evaluate(compiled, p.query, { input: null }).defined).toBe(true);
    expect(evaluate(compiled, p.query, {}).defined).toBe(false);
  });

  it.each(probes.map((p) => [p.name, p] as const))('%s', (_name, p) => {
    const got = run(p);
    if ('error' in p.opa) {
      expect(got).toHaveProperty('error');
      expect((got as { error: string }).error).toContain(p.opa.error);
    } else {
      expect(got).toEqual({ defined: p.opa.defined, value: p.opa.defined ? p.opa.value : null });
    }
  });
});
