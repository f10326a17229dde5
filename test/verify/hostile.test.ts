import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { EmittedFile } from '../../src/backends/backend.js';
import { readPolicyFile } from '../../src/cli/io.js';
import { compileTo, frontEnd } from '../../src/compile.js';
import type { PolicySet } from '../../src/ir/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { adaptersFor, apiProblems, asStored, compareRequest, problemKind, renderDisagreement, requestArbitrary, type GeneratedRequest } from '../../src/verify/index.js';
import { projectRoot } from '../helpers/corpora.js';
import { dsl, irOf } from '../helpers/dsl.js';

/**
 * verify's main domain is the admitted objects (docs/verification.md, "The generated domain"). The VAP and
 * kyverno-cel output leaves out the type guards that only API-invalid shapes need, on fields the API server types
 * (docs/verification.md, "Guards the admitted domain makes unnecessary"); the other backends keep theirs. So on the
 * `any` domain, hostile shapes included, VAP and kyverno-cel may differ from the semantics, but only on requests
 * admission never sees: ones the API server rejects, or whose only difference is an explicit null it decodes away.
 * CRDs and free-form fields keep every guard, so a difference there is a failure.
 */
const runs = 200;
const seed = 20261205;
/**
 * The backends whose output relies on the admitted domain (the others must agree on every shape). Kyverno: its
 * `pattern` rules (src/backends/kyverno/pattern.ts) are exact on admitted objects only (a pattern leaf coerces a
 * numeric string, and a present null or mistyped value is not an absent one).
 */
const relyOnAdmission = new Set(['vap', 'kyverno-cel', 'kyverno']);

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

describe('secpol verify on hostile shapes (the any domain)', async () => {
  const files = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();
  const set = frontEnd(files, (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' }).value!.set;
  const built = await Promise.all(set.policies.map(async (policy) => ({ policy, adapters: (await adaptersFor(policy, ['kyverno', 'gatekeeper', 'psa', 'vap', 'kyverno-cel'])).adapters })));
  /** Per backend, the differences found on shapes admission never sees, by kind of API error. */
  const tally: Record<string, Map<string, number>> = {};

  for (const { policy, adapters } of built) {
    it(`${policy.name}: engines differ from the semantics only where their output relies on admission, and only on what admission never sees`, () => {
      const unexpected: string[] = [];
      for (const request of fc.sample(requestArbitrary(policy, 'any'), { numRuns: runs, seed })) {
        for (const adapter of adapters) {
          const split = compareRequest(policy, [adapter], request, {});
          if (!split) continue;
          const stored = asStored(request);
          const problems = apiProblems(stored);
          const seenByAdmission = problems.length === 0 && compareRequest(policy, [adapter], stored, {}) !== undefined;
          if (!relyOnAdmission.has(adapter.backend) || seenByAdmission) {
            unexpected.push(`${adapter.backend}: ${renderDisagreement(split)}`);
            continue;
          }
          const kinds = (tally[adapter.backend] ??= new Map());
          for (const k of problems.length ? problems.map(problemKind) : ['explicit null (decoded away)']) kinds.set(k, (kinds.get(k) ?? 0) + 1);
        }
      }
      expect(unexpected.slice(0, 1)).toEqual([]);
    });
  }

  it('the dropped guards do make a difference on API-invalid shapes (so the test above can fail), for both CEL backends and Kyverno patterns only', () => {
    expect(Object.keys(tally).sort()).toEqual(['kyverno', 'kyverno-cel', 'vap']);
    // Kyverno patterns: a boolean leaf never matches "true", an anchored key is checked even when its value is null.
    expect([...tally['kyverno']!.keys()].join('\n')).toMatch(/securityContext\.privileged: Invalid value$/m);
    const seen = [...tally['vap']!.keys()].join('\n');
    // A mistyped boolean, a mistyped list, a null in the raw request: each a guard the output no longer has.
    expect(seen).toMatch(/securityContext\.privileged: Invalid value$/m);
    expect(seen).toMatch(/capabilities\.drop: Invalid value$/m);
    expect(seen).toMatch(/^explicit null/m);
  });

  it('the any domain does generate what the API server rejects, of every kind the guards are for', () => {
    const kinds = new Set<string>();
    let rejected = 0;
    for (const policy of set.policies) {
      for (const r of fc.sample(requestArbitrary(policy, 'any'), { numRuns: 100, seed })) {
        const problems = apiProblems(asStored(r));
        if (problems.length) rejected++;
        for (const k of problems) kinds.add(problemKind(k).replace(/^.*?(containers|volumes|securityContext|ports)/, '$1'));
      }
    }
    expect(rejected).toBeGreaterThan(set.policies.length * 10);
    const seen = [...kinds].join('\n');
    expect(seen).toMatch(/: Invalid value$/m);
    expect(seen).toMatch(/ephemeralContainers: Forbidden$/m);
    expect(seen).toMatch(/volumes\[\*\]\.name: Duplicate value$/m);
    expect(seen).toMatch(/image: Required value$/m);
  });
});

/**
 * One row per guard the CEL output drops on typed fields: the same test on a field of a built-in kind (guard
 * dropped: the output differs from the semantics on the API-invalid value, which the API server rejects) and on a
 * CRD or free-form field (guard kept: it agrees on the same value, and stops agreeing once the guard is removed).
 */
interface GuardRow {
  readonly guard: string;
  /** The guard's text, which the built-in output no longer has. */
  readonly gone: RegExp;
  /** The CRD output with the guard removed (written as the built-in output is): from → to. */
  readonly unguard: { readonly from: RegExp; readonly to: string };
  readonly builtIn: { readonly policy: string; readonly object: Record<string, unknown> };
  readonly crd: { readonly policy: string; readonly object: Record<string, unknown> };
}

const pod = (container: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', ...container }] } });
const component = (spec: Record<string, unknown> | unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 'c' }, spec, ...extra });
/** A guarded CEL term (`variables.subject.spec.type`, `item1.value`). */
const t = '[\\w.]+';

const rows: readonly GuardRow[] = [
  {
    // has() on a list is an error in cel-go (the engine follows it: docs/engines/vap.md), false on a scalar.
    guard: 'object: type(x) == map before has()',
    gone: /== map/,
    unguard: { from: new RegExp(`type\\((${t})\\) == map && `, 'g'), to: '' },
    builtIn: { policy: 'forbid any container has securityContext.privileged = true', object: pod({ securityContext: ['privileged'] }) },
    crd: { policy: 'forbid spec.ignoreErrors = true', object: component(['ignoreErrors']) },
  },
  {
    guard: 'number: type(x) == int || uint || double before an ordering',
    gone: /== double/,
    unguard: { from: new RegExp(`\\(type\\((${t})\\) == int \\|\\| type\\(\\1\\) == uint \\|\\| type\\(\\1\\) == double\\) && `, 'g'), to: '' },
    builtIn: { policy: 'forbid any container has securityContext.runAsUser < 1000', object: pod({ securityContext: { runAsUser: '500' } }) },
    crd: { policy: 'forbid any item in spec.metadata has value < 10', object: component({ metadata: [{ name: 'n', value: '5' }] }) },
  },
  {
    // The offline engine's == is false across types (older cel-go raises an error): the guard matters for the bare
    // boolean test the typed form writes, which fails on a string.
    guard: 'boolean: type(x) == bool before a comparison',
    gone: /== bool/,
    unguard: { from: new RegExp(`\\(type\\((${t})\\) == bool && \\1 == true\\)`, 'g'), to: '$1' },
    builtIn: { policy: 'forbid any container has securityContext.privileged = true', object: pod({ securityContext: { privileged: 'true' } }) },
    crd: { policy: 'forbid spec.ignoreErrors = true', object: component({ ignoreErrors: 'true' }) },
  },
  {
    guard: 'list: type(l) == list before exists/all',
    gone: /== list/,
    unguard: { from: new RegExp(`type\\((${t})\\) == list && `, 'g'), to: '' },
    builtIn: { policy: 'forbid any container has securityContext.capabilities.add contains "SYS_ADMIN"', object: pod({ securityContext: { capabilities: { add: 'SYS_ADMIN' } } }) },
    crd: { policy: 'forbid scopes contains "app"', object: component({}, { scopes: 'app' }) },
  },
  {
    guard: 'string: type(x) == string before matches',
    gone: /== string && \S+\.matches/,
    unguard: { from: new RegExp(`type\\((${t})\\) == string && (?=\\1\\.matches)`, 'g'), to: '' },
    builtIn: { policy: 'forbid any container has image matches "*:latest"', object: pod({ image: 5 }) },
    crd: { policy: 'forbid spec.type matches "state.*"', object: component({ type: 5 }) },
  },
];

function policyText(name: string, subject: string, rule: string): PolicySet {
  return irOf(dsl`
    policy ${name} {
      applies to ${subject}
      rule r {
        ${rule}
      }
    }`);
}

const request = (object: Record<string, unknown>): GeneratedRequest => ({ object, operation: 'CREATE', namespace: 'default', namespaceLabels: { 'kubernetes.io/metadata.name': 'default' } });

async function celOutput(set: PolicySet, target: 'vap' | 'kyverno-cel'): Promise<EmittedFile[]> {
  const out = await compileTo(set, [target]);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return [...(out.value ?? [])];
}

/**
 * The rule's own expressions in the emitted policies: its validation and its offending-element list (not the shared
 * variables, which read any object).
 */
function validations(files: readonly EmittedFile[]): string {
  type Spec = { validations?: { expression: string }[]; variables?: { name: string; expression: string }[] };
  const docs = files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJS() as { spec?: Spec }));
  const own = (s: Spec) => [...(s.validations ?? []).map((v) => v.expression), ...(s.variables ?? []).filter((v) => v.name.startsWith('offending_')).map((v) => v.expression)];
  return docs.flatMap((d) => (d.spec ? own(d.spec) : [])).join('\n');
}

/** The emitted files with `from` replaced in every CEL string (the objects as re-read from the text). */
function unguarded(files: readonly EmittedFile[], { from, to }: GuardRow['unguard']): { files: EmittedFile[]; hits: number } {
  let hits = 0;
  const out = files.map((f) => {
    const docs = YAML.parseAllDocuments(f.content).map((d) => {
      const celOf = (v: unknown): unknown => (typeof v === 'string' ? v.replace(from, (...m: string[]) => (hits++, to.replace('$1', m[1] ?? ''))) : Array.isArray(v) ? v.map(celOf) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, celOf(x)])) : v);
      return celOf(d.toJS());
    });
    return { ...f, content: docs.map((d) => YAML.stringify(d)).join('---\n') };
  });
  return { files: out, hits };
}

describe.each(rows.map((r) => [r.guard, r] as const))('guard %s', (_, row) => {
  const builtIn = policyText('typed', 'pods', row.builtIn.policy);
  const crd = policyText('crd', '"dapr.io/v1alpha1" Component', row.crd.policy);

  it.each(['vap', 'kyverno-cel'] as const)('%s: dropped on the built-in field, where it changes the verdict only on a value the API server rejects', async (target) => {
    const files = await celOutput(builtIn, target);
    expect(validations(files), 'the guard is gone from the built-in output').not.toMatch(row.gone);
    const hostile = request(row.builtIn.object);
    expect(apiProblems(asStored(hostile)), 'the API server rejects the value').not.toEqual([]);
    const split = compareRequest(builtIn.policies[0]!, engineAdapters[target]!(files), hostile, {});
    expect(split, 'the unguarded output differs from the semantics on it').toBeDefined();
  });

  it.each(['vap', 'kyverno-cel'] as const)('%s: kept on the CRD or free-form field, where the same value needs it', async (target) => {
    const files = await celOutput(crd, target);
    const hostile = request(row.crd.object);
    expect(apiProblems(asStored(hostile)), 'a CRD: the API server does not check the field table').toEqual([]);
    const policy = crd.policies[0]!;
    const guarded = compareRequest(policy, engineAdapters[target]!(files), hostile, {});
    expect(guarded && renderDisagreement(guarded)).toBeUndefined();
    expect(validations(files), 'the guard is in the CRD output').toMatch(row.gone);
    const stripped = unguarded(files, row.unguard);
    expect(stripped.hits, 'the guard is in the CRD output').toBeGreaterThan(0);
    expect(compareRequest(policy, engineAdapters[target]!(stripped.files), hostile, {}), 'without the guard it would differ').toBeDefined();
  });
});
