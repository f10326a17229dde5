import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { autogenVariants, evaluateKyvernoCel, loadKyvernoCelDocuments } from '../../../src/engines/kyverno-cel/index.js';

/** A ValidatingPolicy written by hand (shaped like Kyverno's own CLI test disallow-privilege-escalation), not by secpol. */
const handWritten = `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: disallow-privilege-escalation
spec:
  autogen:
    podControllers:
      controllers: [deployments, cronjobs, statefulsets]
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  matchConditions:
    - name: not-system
      expression: "object.metadata.namespace != 'kube-system' && !(has(object.metadata.labels) && 'skip' in object.metadata.labels)"
  validations:
    - expression: >-
        object.spec.containers.all(c, has(c.securityContext) &&
        has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false)
      messageExpression: "'privilege escalation in ' + object.metadata.name"
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata:
  name: skip-legacy
  namespace: kyverno
spec:
  policyRefs:
    - name: disallow-privilege-escalation
      kind: ValidatingPolicy
  matchConditions:
    - name: by-name
      expression: "object.metadata.name == 'legacy'"
`;

const docs = (text: string) => YAML.parseAllDocuments(text).map((d) => d.toJSON());
const loaded = loadKyvernoCelDocuments(docs(handWritten));

const container = (ape: boolean | undefined) => ({ name: 'c', image: 'nginx', ...(ape === undefined ? {} : { securityContext: { allowPrivilegeEscalation: ape } }) });
const podSpec = (ape: boolean | undefined) => ({ containers: [container(ape)] });
const pod = (name: string, ape: boolean | undefined, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps', ...(labels ? { labels } : {}) }, spec: podSpec(ape) });
const deployment = (name: string, ape: boolean | undefined, templateLabels?: Record<string, string>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'apps' },
  spec: { template: { metadata: { ...(templateLabels ? { labels: templateLabels } : {}) }, spec: podSpec(ape) } },
});
const cronJob = (name: string, ape: boolean | undefined) => ({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'apps' },
  spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: {}, spec: podSpec(ape) } } } },
});
const judge = (object: object, namespace = 'apps') => evaluateKyvernoCel(loaded, { object, operation: 'CREATE', namespace: { name: namespace, labels: {} } });
const verdict = (object: object, namespace = 'apps') => {
  const r = judge(object, namespace);
  if (r.length === 0) return 'not matched';
  if (r.some((x) => x.exception)) return 'skip';
  return r.every((x) => x.allowed) ? 'pass' : 'fail';
};

describe('kyverno-cel engine on a hand-written ValidatingPolicy', () => {
  it('loads without errors', () => expect(loaded.errors).toEqual([]));

  it('judges pods with the policy itself; validationActions default to Deny', () => {
    expect(verdict(pod('good', false))).toBe('pass');
    expect(verdict(pod('bad', true))).toBe('fail');
    expect(judge(pod('bad', undefined))[0]).toMatchObject({ policy: 'disallow-privilege-escalation', allowed: false, message: 'privilege escalation in bad', actions: ['Deny'] });
  });

  it('autogen: the listed controllers are judged on their pod template; the others are not matched', () => {
    expect(verdict(deployment('good', false))).toBe('pass');
    expect(verdict(deployment('bad', true))).toBe('fail');
    expect(judge(deployment('bad', true))[0]?.autogen).toBe('autogen-defaults');
    expect(verdict(cronJob('good', false))).toBe('pass');
    expect(verdict(cronJob('bad', true))).toBe('fail');
    expect(judge(cronJob('bad', true))[0]?.autogen).toBe('autogen-cronjobs');
    // daemonsets, replicasets and jobs are not in spec.autogen.podControllers.controllers.
    expect(verdict({ ...deployment('bad', true), kind: 'DaemonSet' })).toBe('not matched');
    expect(verdict({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'apps' }, spec: { template: { spec: podSpec(true) } } })).toBe('not matched');
  });

  it('autogen keeps .name and .namespace on the controller and reads metadata.labels from the template', () => {
    // The message reads object.metadata.name: the Deployment's own name, not the template's.
    expect(judge(deployment('web', true))[0]?.message).toBe('privilege escalation in web');
    // The match condition reads object.metadata.namespace (the controller's) and labels (the template's).
    const system = deployment('bad', true);
    expect(verdict({ ...system, metadata: { ...system.metadata, namespace: 'kube-system' } }, 'kube-system')).toBe('not matched');
    expect(verdict(deployment('bad', true, { skip: 'yes' }))).toBe('not matched');
    expect(verdict(pod('bad', true, { skip: 'yes' }))).toBe('not matched');
    // Kyverno's rewrite makes the condition read the template's metadata: a CronJob template without one errors,
    // and failurePolicy Fail denies it.
    const bare = cronJob('bare', false) as any;
    delete bare.spec.jobTemplate.spec.template.metadata;
    expect(judge(bare)[0]).toMatchObject({ validation: -1, allowed: false, autogen: 'autogen-cronjobs' });
  });

  it('a PolicyException naming the policy skips it, for pods and autogen variants alike', () => {
    expect(verdict(pod('legacy', true))).toBe('skip');
    expect(verdict(deployment('legacy', true))).toBe('skip');
    expect(judge(pod('legacy', true))[0]?.message).toBe('rule is skipped due to policy exception: kyverno/skip-legacy');
  });

  it('rewrites paths as Kyverno does, and only for a pods-only match', () => {
    const spec = docs(handWritten)[0].spec;
    const variants = autogenVariants(spec);
    expect(variants.map((v) => v.replacements)).toEqual(['cronjobs', 'defaults']);
    const [cronjobs, defaults] = variants;
    expect(defaults!.spec['matchConstraints']).toEqual({ resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'statefulsets'], operations: ['CREATE', 'UPDATE'] }] });
    expect((defaults!.spec['matchConditions'] as any)[0]).toEqual({
      name: 'autogen-defaults-not-system',
      expression: "!((object.apiVersion == 'apps/v1' && object.kind =='Deployment')||(object.apiVersion == 'apps/v1' && object.kind =='StatefulSet')) || (object.metadata.namespace != 'kube-system' && !(has(object.spec.template.metadata.labels) && 'skip' in object.spec.template.metadata.labels))",
    });
    expect((cronjobs!.spec['validations'] as any)[0].expression).toContain('object.spec.jobTemplate.spec.template.spec.containers.all(');
    expect(autogenVariants({ ...spec, matchConstraints: { ...spec.matchConstraints, namespaceSelector: { matchLabels: { a: 'b' } } } })).toEqual([]);
    expect(autogenVariants({ ...spec, matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods', 'pods/ephemeralcontainers'] }] } })).toEqual([]);
    expect(autogenVariants({ ...spec, autogen: { podControllers: { controllers: [] } } })).toEqual([]);
    expect(autogenVariants({ ...spec, autogen: undefined })[1]!.spec['matchConstraints']).toMatchObject({ resourceRules: [{ apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] }, { apiGroups: ['batch'], resources: ['jobs'] }] });
  });

  it('honours validationActions, admission disabled and a match-condition error under failurePolicy', () => {
    const policy = (extra: object) => loadKyvernoCelDocuments([{ ...docs(handWritten)[0], spec: { ...docs(handWritten)[0].spec, ...extra } }]);
    const run = (l: ReturnType<typeof policy>, o: object) => evaluateKyvernoCel(l, { object: o, operation: 'CREATE', namespace: { name: 'apps', labels: {} } });
    expect(run(policy({ validationActions: ['Audit', 'Warn'] }), pod('bad', true))[0]?.actions).toEqual(['Audit', 'Warn']);
    expect(run(policy({ evaluation: { admission: { enabled: false } } }), pod('bad', true))).toEqual([]);
    const erring = { matchConditions: [{ name: 'boom', expression: 'object.spec.nothing.deeper == 1' }] };
    expect(run(policy(erring), pod('x', false))[0]).toMatchObject({ validation: -1, allowed: false });
    expect(run(policy({ ...erring, failurePolicy: 'Ignore' }), pod('x', false))).toEqual([]);
  });

  it('reports what is outside its subset', () => {
    const l = loadKyvernoCelDocuments([{ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'j' }, spec: { evaluation: { mode: 'JSON' }, validations: [{ expression: 'true' }] } }, { apiVersion: 'policies.kyverno.io/v1', kind: 'PolicyException', metadata: { name: 'e' }, spec: { policyRefs: [], matchConditions: [], validations: [] } }]);
    expect(l.errors).toEqual([
      'policy j: evaluation mode JSON is outside the engine\'s subset',
      'policy j: spec.matchConstraints is required in Kubernetes mode',
      'exception e: validations is outside the engine\'s subset',
    ]);
  });
});
