/**
 * Field comparisons read back from Kyverno (docs/import.md, "Round trip"; docs/backends/kyverno.md, "Comparing two
 * fields"): secpol's operator form — `{{ x || '' }}` against `{{ multiply(y || '0', \`p\`) }}` (or `add`/`subtract`
 * of a whole number on integers) beside the conditions on the missing fields — comes back as `x OP p/q * y ± o`, and
 * `--verify` proves it against the original in the Kyverno engine; a wrong reading is caught.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { importPolicies } from '../../src/import/index.js';
import { buildChecked, importArtifacts } from '../../src/import/import.js';
import { proveOnce } from '../../src/import/verify.js';
import { projectRoot } from '../helpers/corpora.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { perContainerPolicy } from '../helpers/kyverno-policies.js';

const today = '2026-06-01';
const verify = { runs: 300, seed: 3 };

async function kyvernoOf(text: string): Promise<string> {
  const out = await compileTo(irOf(text), ['kyverno']);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return (out.value ?? []).filter((f) => f.path.startsWith('kyverno/')).map((f) => f.content).join('\n---\n');
}

async function roundTrip(text: string) {
  const r = await importPolicies([{ path: 'p.yaml', text: await kyvernoOf(text) }], { today, verify });
  return { rules: r.value!.rules, text: r.value!.files.map((f) => f.text).join('\n'), codes: r.diagnostics.map((d) => d.code) };
}

const perContainer = (conditions: string) => perContainerPolicy('ratios', conditions);

const cpuRatio = `any:
  - key: "{{ element.resources.limits.cpu || '' }}"
    operator: Equals
    value: ""
  - key: "{{ element.resources.requests.cpu || '' }}"
    operator: Equals
    value: ""
  - key: "{{ element.resources.limits.cpu || '' }}"
    operator: GreaterThan
    value: "{{ multiply(element.resources.requests.cpu || '0', \`4\`) }}"`;

describe('import: field comparisons from secpol\'s Kyverno operator form', () => {
  it('resource-ratios comes back as the library wrote it, every rule proven', async () => {
    const r = await roundTrip(readFileSync(join(projectRoot, 'policies/workload/resource-ratios/policy.secpol'), 'utf8'));
    expect(r.rules.map((x) => [x.original, x.status])).toEqual([['cpu-limit-ratio', 'proven'], ['memory-limit-ratio', 'proven'], ['replica-spread', 'proven']]);
    expect(r.text).toContain('require every app container has resources.limits.cpu <= 4 * resources.requests.cpu');
    expect(r.text).toContain('require every app container has resources.limits.memory <= 2 * resources.requests.memory');
    expect(r.text).toContain('require spec.maxReplicas >= spec.minReplicas + 1');
    expect(r.codes).toEqual([]);
  }, 120_000);

  it('fractional factors (a product on both sides), offsets on integers and the all form of a forbid come back, proven', async () => {
    const r = await roundTrip(dsl`
      policy fractions {
        applies to pods

        rule cpu-fraction {
          require every container has resources.limits.cpu < 1.5 * resources.requests.cpu
        }

        rule memory-quarter {
          forbid any container has resources.requests.memory > 0.25 * resources.limits.memory
        }

        rule replicas-fraction {
          applies to "autoscaling/v2" HorizontalPodAutoscaler
          require spec.maxReplicas <= 2.5 * spec.minReplicas - 1
        }
      }`);
    expect(r.rules.map((x) => [x.original, x.status, x.reason])).toEqual([['cpu-fraction', 'proven', undefined], ['memory-quarter', 'proven', undefined], ['replicas-fraction', 'proven', undefined]]);
    expect(r.text).toContain('require every container has resources.limits.cpu < 1.5 * resources.requests.cpu');
    expect(r.text).toContain('forbid any container has resources.requests.memory > 0.25 * resources.limits.memory');
    expect(r.text).toContain('require spec.maxReplicas <= 2.5 * spec.minReplicas - 1');
  }, 120_000);

  it('--verify catches a wrong reading: the boundary moved, or the missing fields forgotten', async () => {
    const file = importArtifacts([{ path: 'p.yaml', text: perContainer(cpuRatio) }], { today }).value!.files[0]!;
    expect(file.text).toContain('require every container has resources.limits.cpu <= 4 * resources.requests.cpu');
    const good = await proveOnce(file.policy, file.set!.policies[0]!, verify);
    expect(good.failed).toBeUndefined();
    for (const wrong of ['require every container has resources.limits.cpu < 4 * resources.requests.cpu', 'forbid any container has resources.limits.cpu > 4 * resources.requests.cpu', 'require every container has resources.limits.cpu <= 3 * resources.requests.cpu']) {
      const bad = buildChecked({ ...file.policy, rules: file.policy.rules.map((x) => ({ ...x, lines: ['applies to pods', wrong] })) }, { today });
      const r = await proveOnce(bad.policy, bad.set!.policies[0]!, verify);
      expect(r.failed?.key, wrong).toBe('r');
    }
  }, 120_000);

  it('refuses a comparison that reads a missing field as \'0\' with nothing beside it settling that case', async () => {
    const r = await importPolicies([{ path: 'p.yaml', text: perContainer(`any:
  - key: "{{ element.resources.limits.cpu || '' }}"
    operator: GreaterThan
    value: "{{ multiply(element.resources.requests.cpu || '0', \`4\`) }}"`) }], { today, verify });
    expect(r.value!.rules[0]?.status).not.toBe('proven');
    expect(r.value!.rules[0]?.reason).toMatch(/read as '0' when missing, and no condition beside it that settles that case/);
  }, 120_000);
});
