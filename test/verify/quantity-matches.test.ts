import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { applyTest } from '../../src/eval/predicate.js';
import { explainRequest } from '../../src/explain/index.js';
import { parseQuantity } from '../../src/ir/quantity.js';
import type { EngineAdapter } from '../../src/verify/adapter.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { renderDisagreement, runVerify, type GeneratedRequest } from '../../src/verify/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';
import { diagnosticsOf, dsl, irOf } from '../helpers/dsl.js';

/** `matches` on quantity fields reads the form the API server shows admission (docs/language/predicates.md). */
const text = dsl`
  policy cpu-form {
    applies to pods
    rule cpu-milli { require every container has resources.limits.cpu matches regex "^[0-9]+m?$" }
    rule memory-mebi { forbid any container has resources.limits.memory matches "*Mi" }
    rule no-exponent { require every container has resources.requests.cpu not matches regex "[eE]" }
  }`;

/** Quantity strings under resources rewritten to their value as a JSON number: a form users write, not the one shown. */
function written(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(written);
  if (typeof v !== 'object' || v === null) return v;
  const asNumbers = (m: unknown) => (typeof m === 'object' && m !== null ? Object.fromEntries(Object.entries(m).map(([r, q]) => [r, typeof q === 'string' ? (parseQuantity(q) ?? q) : q])) : m);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'limits' || k === 'requests' ? asNumbers(x) : written(x)]));
}

describe('matches on a quantity field', () => {
  it('is accepted by the checker; other non-string fields still are not', () => {
    expect(diagnosticsOf(text)).toEqual([]);
    const integer = dsl`
      policy p {
        applies to pods
        rule r { require every container has securityContext.runAsUser matches "1*" }
      }`;
    expect(diagnosticsOf(integer).map((d) => d.code)).toEqual(['SP1003']);
  });

  it('the semantics test the serialised form: 0.5 is "500m", 1.5Gi is "1536Mi"; a value that is no quantity matches nothing', () => {
    const regex = { op: 'regex', pattern: '^[0-9]+m?$' } as const;
    const notRegex = { op: 'not-regex', pattern: '^[0-9]+m?$' } as const;
    expect(applyTest(regex, '0.5', true)).toBe(true);
    expect(applyTest(regex, 0.5, true)).toBe(true);
    expect(applyTest(regex, '0.5', false)).toBe(false);
    expect(applyTest({ op: 'glob', pattern: '*Mi' }, '1.5Gi', true)).toBe(true);
    expect(applyTest({ op: 'not-glob', pattern: '*Gi' }, '1.5Gi', true)).toBe(true);
    expect(applyTest(regex, '2000', true)).toBe(false);
    expect(applyTest(notRegex, 'lots', true)).toBe(false);
    expect(applyTest(regex, 'lots', true)).toBe(false);
    expect(applyTest(notRegex, undefined, true)).toBe(false);
  });

  it('each backend emits a plain string test on the field (no quantity parsing); PSA cannot express it (SP2001)', async () => {
    const set = irOf(text);
    const emitted = async (backend: 'kyverno' | 'gatekeeper' | 'vap' | 'kyverno-cel') => (await compileTo(set, [backend])).value!.map((f) => f.content).join('\n');
    expect(await emitted('kyverno')).toContain("(type([element.resources.limits.cpu][0]) == 'string' && \\\n                    regex_match(");
    expect(await emitted('gatekeeper')).toContain('not matches_regex(value_at(c, ["resources", "limits", "cpu"]), "^[0-9]+m?$")');
    for (const cel of ['vap', 'kyverno-cel'] as const) expect((await emitted(cel)).replace(/ \\\n\s*/g, ' ')).toContain('type(m0.resources.limits.cpu) == string && m0.resources.limits.cpu.matches(\\"^[0-9]+m?$\\")');
    const psa = await compileTo(set, ['psa']);
    expect(psa.diagnostics.map((d) => d.code)).toContain('SP2001');
  });

  it('every backend emits a string test that its engine, reading the admitted (serialised) object, agrees on', async () => {
    const report = await runVerify(irOf(text), { runs: 600, seed: 20261206 });
    const [p] = report.policies;
    expect(p!.disagreement && renderDisagreement(p!.disagreement)).toBeUndefined();
    for (const backend of ['gatekeeper', 'kyverno', 'kyverno-cel', 'vap']) expect(p!.compared[backend], backend).toBeGreaterThan(0);
    for (const [rule, o] of Object.entries(p!.outcomes)) {
      expect(o.fail, `${rule} violated`).toBeGreaterThan(0);
      expect(o.pass, `${rule} satisfied`).toBeGreaterThan(0);
    }
  });

  it('n and u bounds: every engine agrees with the semantics at the boundary (100u, 500n drawn exactly)', async () => {
    const bounds = dsl`
      policy small {
        applies to pods
        rule cpu-floor { require every container has resources.limits.cpu >= 100u }
        rule request-floor { forbid any container has resources.requests.cpu < 500n }
      }`;
    const report = await runVerify(irOf(bounds), { runs: 400, seed: 11 });
    const [p] = report.policies;
    expect(p!.disagreement && renderDisagreement(p!.disagreement)).toBeUndefined();
    for (const backend of ['gatekeeper', 'kyverno', 'kyverno-cel', 'vap']) expect(p!.compared[backend], backend).toBeGreaterThan(0);
    for (const [rule, o] of Object.entries(p!.outcomes)) expect([o.fail > 0, o.pass > 0], rule).toEqual([true, true]);
  });

  it('on a raw manifest that writes a number (offline, not admitted), every engine answers without an error: no match', async () => {
    const set = irOf(text);
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' }, spec: { containers: [{ name: 'app', image: 'nginx', resources: { limits: { cpu: 0.5, memory: 1073741824 }, requests: { cpu: 2 } } }] } };
    const request: GeneratedRequest = { object, operation: 'CREATE', namespace: 'apps', namespaceLabels: { 'kubernetes.io/metadata.name': 'apps' } };
    for (const backend of ['kyverno', 'gatekeeper', 'vap', 'kyverno-cel'] as const) {
      const out = await compileTo(set, [backend]);
      for (const adapter of engineAdapters[backend]!(out.value ?? [])) {
        const verdicts = adapter.evaluate(request)!;
        const cpu = verdicts.get('cpu-form/cpu-milli');
        expect(cpu?.violated, `${backend} cpu-milli`).toBe(true);
        expect(cpu?.message ?? '', `${backend} cpu-milli`).not.toMatch(/^error|error:|no such overload|no matching overload/i);
        expect(verdicts.get('cpu-form/memory-mebi')?.violated ?? false, `${backend} memory-mebi`).toBe(false);
      }
    }
  });

  it('secpol explain gives its engines the object as admission shows it, so they agree with the semantics on cpu: 0.5', async () => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' }, spec: { containers: [{ name: 'app', image: 'nginx', resources: { limits: { cpu: 0.5, memory: '1.5Gi' }, requests: { cpu: '1E3' } } }] } };
    const explained = await explainRequest(irOf(text), { object, operation: 'CREATE' });
    const cpu = explained.rules.find((r) => r.rule === 'cpu-milli')!;
    expect(cpu.verdict).toBe('pass');
    expect(cpu.engines.map((e) => e.backend).sort()).toEqual(['gatekeeper', 'gatekeeper-audit', 'kyverno', 'kyverno-cel', 'vap']);
    expect(explained.rules.map((r) => [r.rule, r.verdict, r.agree])).toEqual([['cpu-milli', 'pass', true], ['memory-mebi', 'fail', true], ['no-exponent', 'fail', true]]);
    expect(cpu.why?.notes).toContain('spec.containers[0].resources.limits.cpu is shown to admission as "500m", the text matched');
  });

  for (const backend of ['kyverno', 'gatekeeper', 'vap', 'kyverno-cel'] as const) {
    it(`verify catches a ${backend} engine that sees quantities as written instead of as admission shows them`, async () => {
      const set = irOf(text);
      const out = await compileTo(set, [backend]);
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const [honest] = verifyPolicies(set, engineAdapters[backend]!(out.value ?? []), { runs: 300, seed: 7 });
      expect(honest!.disagreement && renderDisagreement(honest!.disagreement)).toBeUndefined();
      const seeingWritten = (a: EngineAdapter): EngineAdapter => ({ ...a, evaluate: (r: GeneratedRequest) => a.evaluate({ ...r, object: written(r.object) as Record<string, unknown> }) });
      const [report] = verifyPolicies(set, engineAdapters[backend]!(out.value ?? []).map(seeingWritten), { runs: 300, seed: 7 });
      expect(report!.disagreement, 'a disagreement').toBeDefined();
    });
  }
});
