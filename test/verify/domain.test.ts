import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../src/cli/io.js';
import { frontEnd } from '../../src/compile.js';
import { apiProblems, asStored, builtInSchema, requestArbitrary, type GeneratedRequest } from '../../src/verify/index.js';
import { admittedOnly } from '../../src/verify/domain.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { projectRoot } from '../helpers/corpora.js';

/** The admitted domain (docs/verification.md): verify generates only what the API server passes on to admission. */
const seed = 20261205;

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

/** Written from the API reference apart from admitted.ts: the shapes the old generator made and the API rejects. */
function hostileShapes(r: GeneratedRequest): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === null) out.push(`${path} is null`);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    else if (/\.(privileged|allowPrivilegeEscalation|readOnlyRootFilesystem|runAsNonRoot|hostNetwork|hostPID|hostIPC|hostProcess|automountServiceAccountToken)$/.test(path) && typeof v !== 'boolean') out.push(`${path} is not a boolean`);
    else if (/\.(runAsUser|runAsGroup|hostPort|containerPort)$/.test(path) && typeof v !== 'number') out.push(`${path} is not a number`);
  };
  walk(r.object, '');
  const o = r.object as { kind: string; spec?: Record<string, unknown> };
  const spec = o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? (o.spec?.['jobTemplate'] as { spec?: { template?: { spec?: Record<string, unknown> } } })?.spec?.template?.spec : (o.spec?.['template'] as { spec?: Record<string, unknown> } | undefined)?.spec;
  if (spec) {
    for (const f of ['containers', 'initContainers', 'ephemeralContainers', 'volumes']) if (spec[f] !== undefined && !Array.isArray(spec[f])) out.push(`${f} is not a list`);
    const all = ['containers', 'initContainers', 'ephemeralContainers'].flatMap((f) => (Array.isArray(spec[f]) ? (spec[f] as Record<string, unknown>[]) : []));
    const names = all.map((c) => c['name']);
    if (new Set(names).size !== names.length) out.push('two containers with one name');
    if (all.some((c) => typeof c['image'] !== 'string' || c['image'] === '' || typeof c['name'] !== 'string')) out.push('a container without a name or an image');
    const ephemeral = Array.isArray(spec['ephemeralContainers']) && spec['ephemeralContainers'].length > 0;
    if (ephemeral && (o.kind !== 'Pod' || (r.operation === 'CREATE' && r.subResource !== 'ephemeralcontainers'))) out.push('ephemeral containers where the API forbids them');
  }
  return out;
}

describe('the admitted domain', async () => {
  const files = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();
  const set = frontEnd(files, (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' }).value!.set;

  for (const policy of set.policies) {
    it(`${policy.name}: every generated request of a built-in kind is one the API server admits, in stored form`, () => {
      for (const r of fc.sample(requestArbitrary(policy), { numRuns: 300, seed })) {
        if (!builtInSchema(r.object)) continue;
        expect(apiProblems(r)).toEqual([]);
        expect(hostileShapes(r)).toEqual([]);
        expect(asStored(r).object).toEqual(r.object);
      }
    });
  }

  it('ephemeral containers still come, through kubectl debug and on Pod updates', () => {
    const policy = irOf(dsl`
      policy p {
        applies to pods
        rule r { forbid any container has securityContext.privileged = true }
      }`).policies[0]!;
    const pods = fc.sample(requestArbitrary(policy), { numRuns: 500, seed }).filter((r) => r.object['kind'] === 'Pod');
    const withEphemeral = pods.filter((r) => Array.isArray((r.object['spec'] as Record<string, unknown>)['ephemeralContainers']));
    expect(withEphemeral.some((r) => r.subResource === 'ephemeralcontainers')).toBe(true);
    expect(withEphemeral.some((r) => r.operation === 'UPDATE' && r.subResource === undefined)).toBe(true);
    expect(withEphemeral.every((r) => r.operation !== 'CREATE')).toBe(true);
  });

  it('an enumerated field is violated by the values the API accepts: Unconfined, never "other"', () => {
    const policy = set.policies.find((p) => p.name === 'apparmor')!;
    const types = new Set(
      fc.sample(requestArbitrary(policy), { numRuns: 500, seed }).flatMap((r) => JSON.stringify(r.object).match(/"appArmorProfile":\{"type":"[^"]*"/g) ?? []),
    );
    expect([...types].sort()).toEqual(['Localhost', 'RuntimeDefault', 'Unconfined'].map((t) => `"appArmorProfile":{"type":"${t}"`));
  });

  it('kinds that are not built in (CRDs) keep arbitrary shapes: the dapr Component gets nulls and mistyped values', () => {
    const policy = set.policies.find((p) => p.name === 'dapr-component-scopes')!;
    const shapes = fc.sample(requestArbitrary(policy), { numRuns: 300, seed }).flatMap((r) => (builtInSchema(r.object) ? [] : [JSON.stringify(r.object)]));
    expect(shapes.length).toBeGreaterThan(100);
    expect(shapes.some((s) => s.includes('null'))).toBe(true);
  });

  it('a controller generated for rules over itself gets the pod template every admitted controller has', () => {
    const policy = irOf(dsl`
      policy replicas {
        applies to "apps/v1" Deployment
        rule min-replicas { require spec.replicas >= 2 }
      }`).policies[0]!;
    const requests = fc.sample(requestArbitrary(policy), { numRuns: 200, seed });
    for (const r of requests) expect(apiProblems(r)).toEqual([]);
    expect(requests.map((r) => (r.object['spec'] as Record<string, unknown>)['replicas'])).toEqual(expect.arrayContaining([1, 2]));
  });

  it('a generator that cannot reach the domain stops with the reasons instead of searching forever', () => {
    const keep = admittedOnly<{ object: unknown }>('p');
    const invalid = { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } } };
    for (let i = 0; i < 998; i++) expect(keep(invalid)).toBe(false);
    expect(keep(asStored({ object: { ...invalid.object, spec: { containers: [{ name: 'a', image: 'nginx' }] } } }))).toBe(true);
    for (let i = 0; i < 999; i++) expect(keep(invalid)).toBe(false);
    expect(() => keep(invalid)).toThrow(/1,000 requests in a row for policy p .*spec\.containers: Required value/);
  });
});
