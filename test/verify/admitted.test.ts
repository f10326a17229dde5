import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { apiProblems, asStored } from '../../src/verify/admitted.js';
import type { PolicyDiff } from '../../src/diff/index.js';
import { diff, workspace } from '../diff/harness.js';

const pod = (spec: Record<string, unknown>) => ({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec }, operation: 'CREATE' as const });
const problems = (spec: Record<string, unknown>) => apiProblems(asStored(pod(spec)));
const app = { name: 'app', image: 'nginx:1.25' };

describe('the admitted domain: what the API server rejects before admission (issue 22 item 6)', () => {
  it('accepts a minimal pod', () => {
    expect(problems({ containers: [app] })).toEqual([]);
  });

  it('image: null is an unset image, which a container requires', () => {
    const stored = asStored(pod({ containers: [{ name: 'app', image: null, securityContext: { privileged: null } }] }));
    expect(stored.object.spec).toEqual({ containers: [{ name: 'app', securityContext: {} }] });
    expect(apiProblems(stored)).toEqual(['spec.containers[0].image: Required value']);
  });

  it('names: containers unique across containers, init and ephemeral containers; volumes unique; both required', () => {
    expect(problems({ containers: [app], initContainers: [app] })).toEqual(['spec.initContainers[0].name: Duplicate value: "app"']);
    expect(problems({ containers: [app, { image: 'x' }] })).toEqual(['spec.containers[1].name: Required value']);
    expect(problems({ containers: [app], volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', hostPath: { path: '/' } }] })).toEqual(['spec.volumes[1].name: Duplicate value: "data"']);
    expect(problems({ containers: [app], volumes: [{ emptyDir: {} }] })).toEqual(['spec.volumes[0].name: Required value']);
  });

  it('types: a boolean field given a string, an integer given a string, an object given a list', () => {
    expect(problems({ containers: [{ ...app, securityContext: { privileged: 'true', runAsUser: '1000' } }] })).toEqual([
      'spec.containers[0].securityContext.privileged: Invalid value: "true": must be a boolean, not a string',
      'spec.containers[0].securityContext.runAsUser: Invalid value: "1000": must be an integer, not a string',
    ]);
    expect(problems({ containers: { app } })).toEqual(['spec.containers: Invalid value: must be a list, not a object', 'spec.containers: Required value']);
    expect(problems({ containers: [app], securityContext: [] })).toEqual(['spec.securityContext: Invalid value: must be an object, not a list']);
  });

  it('ephemeral containers: never in a template, not on Pod creation, but through the ephemeralcontainers subresource', () => {
    const debug = { name: 'debugger', image: 'busybox' };
    expect(problems({ containers: [app], ephemeralContainers: [debug] })).toEqual(['spec.ephemeralContainers: Forbidden: cannot be set on create']);
    expect(apiProblems(asStored({ ...pod({ containers: [app], ephemeralContainers: [debug] }), operation: 'UPDATE', subResource: 'ephemeralcontainers' }))).toEqual([]);
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [app], ephemeralContainers: [debug] } } } };
    expect(apiProblems(asStored({ object: deployment, operation: 'UPDATE' }))).toEqual(['spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template']);
  });

  it('controllers get what they need and no rule reads: a selector, a schedule, a Job restartPolicy', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [app] } };
    const d = asStored({ object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template } } });
    expect(d.object.spec).toMatchObject({ selector: { matchLabels: { app: 'web' } } });
    const bare = asStored({ object: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: { spec: { containers: [app] } } } } });
    expect(bare.object.spec).toMatchObject({ selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } } } });
    const cron = asStored({ object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [app] } } } } } } });
    expect(cron.object.spec).toMatchObject({ schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never' } } } } });
    for (const o of [d, bare, cron]) expect(apiProblems(o)).toEqual([]);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [app], restartPolicy: 'Always' } } } };
    expect(apiProblems(asStored({ object: job }))).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "Never", "OnFailure"']);
  });

  it('null list elements are their zero value, null label values empty strings (Go decoding)', () => {
    const stored = asStored(pod({ containers: [app, null], nodeSelector: { zone: null }, volumes: null }));
    expect(stored.object.spec).toEqual({ containers: [app, {}], nodeSelector: { zone: '' } });
    expect(apiProblems(stored)).toEqual(['spec.containers[1].name: Required value', 'spec.containers[1].image: Required value']);
  });

  it('every built-in kind the field table knows is type-checked; CRDs and unknown fields keep any shape', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ verbs: 'get', resources: [null] }] };
    expect(apiProblems(asStored({ object: role }))).toEqual(['rules[0].verbs: Invalid value: must be a list, not a string']);
    expect(apiProblems(asStored({ object: { ...role, rules: 'x', extra: { any: [null] } } }))).toEqual(['rules: Invalid value: must be a list, not a string']);
    expect(apiProblems({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {} } })).toEqual(['metadata.name: Required value']);
    const dapr = { apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: null }, scopes: 'x', spec: { metadata: [null] } };
    expect(asStored({ object: dapr }).object).toEqual(dapr);
    expect(apiProblems({ object: dapr })).toEqual([]);
  });

  it('resource lists take quantities under standard or qualified names', () => {
    const limits = (l: Record<string, unknown>) => problems({ containers: [{ ...app, resources: { limits: l } }] });
    expect(limits({ cpu: '500m', memory: 1024, 'nvidia.com/gpu': '1' })).toEqual([]);
    // A Pod's limits are defaulted into its requests before validation (SetDefaults_Pod), so both are reported.
    expect(limits({ cpu: 'lots' })).toEqual(['spec.containers[0].resources.limits.cpu: Invalid value: "lots": must be a quantity (a number, or a string such as 500m or 1Gi)', 'spec.containers[0].resources.requests.cpu: Invalid value: "lots": must be a quantity (a number, or a string such as 500m or 1Gi)']);
    expect(limits({ gpu: '1' })).toEqual(['spec.containers[0].resources.limits.gpu: Invalid value: "gpu": must be a standard resource name or a fully-qualified extended resource name', 'spec.containers[0].resources.requests.gpu: Invalid value: "gpu": must be a standard resource name or a fully-qualified extended resource name']);
  });
});

/** Checks written from the API reference, independently of admitted.ts, on every object a diff shows. */
function rejectedBecause(object: unknown, request: { operation: string; subResource?: string }): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === null) out.push(`${path} is null`);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(object, '');
  const o = object as { kind: string; spec: Record<string, unknown> };
  const spec = (o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? (o.spec['jobTemplate'] as { spec: { template: { spec: unknown } } }).spec.template.spec : (o.spec['template'] as { spec: unknown }).spec) as Record<string, unknown[] | undefined>;
  const containers = [...(spec['containers'] ?? []), ...(spec['initContainers'] ?? []), ...(spec['ephemeralContainers'] ?? [])] as Record<string, unknown>[];
  const names = containers.map((c) => c['name']);
  if (names.some((n) => typeof n !== 'string' || n === '')) out.push('a container without a name');
  if (new Set(names).size !== names.length) out.push('two containers with one name');
  if (containers.some((c) => typeof c['image'] !== 'string' || c['image'] === '')) out.push('a container without an image');
  const volumes = ((spec['volumes'] ?? []) as Record<string, unknown>[]).map((v) => v['name']);
  if (new Set(volumes).size !== volumes.length) out.push('two volumes with one name');
  for (const c of containers) {
    const sc = (c['securityContext'] ?? {}) as Record<string, unknown>;
    for (const k of ['privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'runAsNonRoot']) if (k in sc && typeof sc[k] !== 'boolean') out.push(`${k} is not a boolean`);
  }
  if (o.kind !== 'Pod' && o.kind !== 'Job' && o.kind !== 'CronJob' && !o.spec['selector']) out.push('a controller without a selector');
  const debug = request.subResource === 'ephemeralcontainers';
  if (spec['ephemeralContainers']?.length && (o.kind !== 'Pod' || (request.operation === 'CREATE' && !debug))) out.push('ephemeral containers where the API forbids them');
  return out;
}

describe('secpol diff shows only examples the API server accepts (issue 22 item 6)', () => {
  const policy = (glob: string, mode: string) => `policy p {
  mode ${mode}
  applies to pods

  rule registry {
    require every container has image matches "${glob}"
  }
  rule no-privileged {
    forbid any container has securityContext.privileged = true
  }
  rule no-host-path {
    forbid any volume has hostPath exists
  }
}
`;

  it('every example passes the checks; verify generates only admitted requests, so none is rejected', async () => {
    const dir = workspace({ 'old.secpol': policy('registry.example.com/*', 'audit'), 'new.secpol': policy('ghcr.io/acme/*', 'enforce') });
    const r = await diff({ format: 'json' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    const d = JSON.parse(r.stdout) as PolicyDiff;
    expect(d.verdicts.rules.map((x) => x.rule)).toEqual(['no-host-path', 'no-privileged', 'registry']);
    const examples = d.verdicts.rules.flatMap((x) => x.examples);
    expect(examples.length).toBe(9);
    for (const e of examples) {
      expect(rejectedBecause(e.request.object, e.request)).toEqual([]);
      expect(YAML.parse(e.yaml)).toEqual(e.request.object);
    }
    expect(d.verdicts.requests).toEqual([expect.objectContaining({ policy: 'p', judged: 300 })]);
    const [p] = d.verdicts.requests;
    expect(p).toMatchObject({ generated: 300, rejected: 0, rejections: [] });
    const text = await diff({}, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(text.stdout).not.toContain('generated requests the API server would reject were not judged');
  });
});

describe('library policies with their kube-system exception removed: every example is one the API server accepts', () => {
  // Before the check, these diffs showed image: null, allowPrivilegeEscalation: null, readOnlyRootFilesystem: null,
  // capabilities.add: null, controllers without a selector and ephemeral containers in templates.
  for (const path of ['images/approved-registries', 'images/image-tags', 'workload/privilege-escalation', 'workload/read-only-root-filesystem', 'workload/capabilities', 'workload/resources']) {
    it(path, async () => {
      const text = readFileSync(join('policies', path, 'policy.secpol'), 'utf8');
      const dir = workspace({ 'old.secpol': text, 'new.secpol': text.replace('except namespaces "kube-system"', '') });
      const d = JSON.parse((await diff({ format: 'json', runs: '200' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'))).stdout) as PolicyDiff;
      const examples = d.verdicts.rules.flatMap((r) => r.examples);
      expect(examples.length).toBeGreaterThan(0);
      for (const e of examples) expect(rejectedBecause(e.request.object, e.request)).toEqual([]);
    });
  }
});
