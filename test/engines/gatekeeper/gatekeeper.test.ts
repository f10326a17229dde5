/**
 * The Gatekeeper harness: template loading, constraint match semantics (Gatekeeper docs, "Constraints"),
 * the review input, inventory, enforcement actions, and hand-written templates in the style of the
 * public library.
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateConstraint,
  isGatekeeperError,
  loadTemplate,
  parseConstraint,
  wildcardMatches,
  type EvaluateConstraintOptions,
  type Template,
} from '../../../src/engines/gatekeeper/index.js';

function template(kind: string, rego: string, libs: string[] = [], apiVersion = 'templates.gatekeeper.sh/v1'): Template {
  const t = loadTemplate({
    apiVersion,
    kind: 'ConstraintTemplate',
    metadata: { name: kind.toLowerCase() },
    spec: { crd: { spec: { names: { kind } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', rego, libs }] },
  });
  if (isGatekeeperError(t)) throw new Error(t.message);
  return t;
}

function constraint(kind: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind, metadata: { name: 'c' }, spec };
}

function pod(opts: { name?: string; namespace?: string; labels?: Record<string, string>; containers?: unknown[]; initContainers?: unknown[] } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: opts.name ?? 'p', ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { containers: opts.containers ?? [{ name: 'c', image: 'nginx' }], ...(opts.initContainers ? { initContainers: opts.initContainers } : {}) },
  };
}

const REQUIRED_LABELS = template(
  'K8sRequiredLabels',
  `
package k8srequiredlabels

violation[{"msg": msg, "details": {"missing_labels": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("you must provide labels: %v", [missing])
}
`,
);

const ALLOWED_REPOS = template(
  'K8sAllowedRepos',
  `
package k8sallowedrepos

violation[{"msg": msg}] {
  container := input_containers[_]
  not strings.any_prefix_match(container.image, input.parameters.repos)
  msg := sprintf("container <%v> has an invalid image repo <%v>, allowed repos are %v", [container.name, container.image, input.parameters.repos])
}

input_containers[c] { c := input.review.object.spec.containers[_] }
input_containers[c] { c := input.review.object.spec.initContainers[_] }
`,
);

const PRIVILEGED = template(
  'K8sPSPPrivilegedContainer',
  `
package k8spspprivileged

import data.lib.exclude_update.is_update

violation[{"msg": msg, "details": {}}] {
  not is_update(input.review)
  c := input_containers[_]
  c.securityContext.privileged
  msg := sprintf("Privileged container is not allowed: %v, securityContext: %v", [c.name, c.securityContext])
}

input_containers[c] { c := input.review.object.spec.containers[_] }
input_containers[c] { c := input.review.object.spec.initContainers[_] }
`,
  [
    `
package lib.exclude_update

is_update(review) {
  review.operation == "UPDATE"
}
`,
  ],
);

const eval_ = (opts: Partial<EvaluateConstraintOptions> & Pick<EvaluateConstraintOptions, 'template' | 'constraint'>) => evaluateConstraint(opts);

describe('library-style templates', () => {
  it('required labels reports the missing set, with details', () => {
    const c = constraint('K8sRequiredLabels', { parameters: { labels: ['owner', 'team'] } });
    const r = eval_({ template: REQUIRED_LABELS, constraint: c, object: pod({ labels: { team: 'a' } }) });
    expect(r.matched).toBe(true);
    expect(r.violations).toEqual([{ msg: 'you must provide labels: {"owner"}', details: { missing_labels: ['owner'] } }]);
    const ok = eval_({ template: REQUIRED_LABELS, constraint: c, object: pod({ labels: { team: 'a', owner: 'b' } }) });
    expect(ok.violations).toEqual([]);
  });

  it('allowed repos checks containers and initContainers', () => {
    const c = constraint('K8sAllowedRepos', { parameters: { repos: ['openpolicyagent/'] } });
    const r = eval_({
      template: ALLOWED_REPOS,
      constraint: c,
      object: pod({ containers: [{ name: 'ok', image: 'openpolicyagent/opa' }], initContainers: [{ name: 'bad', image: 'nginx' }] }),
    });
    expect(r.violations.map((v) => v.msg)).toEqual(['container <bad> has an invalid image repo <nginx>, allowed repos are ["openpolicyagent/"]']);
  });

  it('privileged containers, skipped on UPDATE through a library', () => {
    const c = constraint('K8sPSPPrivilegedContainer');
    const obj = pod({ containers: [{ name: 'x', image: 'i', securityContext: { privileged: true } }, { name: 'y', image: 'i' }] });
    const r = eval_({ template: PRIVILEGED, constraint: c, object: obj });
    expect(r.violations.map((v) => v.msg)).toEqual(['Privileged container is not allowed: x, securityContext: {"privileged": true}']);
    expect(eval_({ template: PRIVILEGED, constraint: c, object: obj, operation: 'UPDATE' }).violations).toEqual([]);
  });
});

describe('input.review', () => {
  const ECHO = template(
    'K8sEcho',
    `
package k8secho
violation[{"msg": "review", "details": input.review}] { true }
violation[{"msg": "parameters", "details": input.parameters}] { true }
`,
  );

  it('a bare object is reviewed as audit and gator review it: the AdmissionRequest JSON with operation ""', () => {
    const r = eval_({ template: ECHO, constraint: constraint('K8sEcho'), object: pod({ name: 'n', namespace: 'ns' }) });
    const review = r.violations.find((v) => v.msg === 'review')!.details as Record<string, unknown>;
    expect(review).toEqual({
      uid: '',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: '', resource: '' },
      name: 'n',
      namespace: 'ns',
      operation: '',
      userInfo: {},
      object: pod({ name: 'n', namespace: 'ns' }),
      oldObject: null,
      options: null,
    });
    expect(r.violations.find((v) => v.msg === 'parameters')!.details).toEqual({});
  });

  it('a bare object with an operation is reviewed as the admission webhook receives it', () => {
    const obj = pod({ name: 'n', namespace: 'ns' });
    const review = (op: string) =>
      eval_({ template: ECHO, constraint: constraint('K8sEcho'), object: obj, operation: op }).violations.find((v) => v.msg === 'review')!.details as Record<string, unknown>;
    expect(review('CREATE')).toMatchObject({ operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'pods' }, oldObject: null, dryRun: false });
    expect(review('UPDATE')).toMatchObject({ operation: 'UPDATE', object: obj, oldObject: null });
    expect(review('DELETE')).toMatchObject({ operation: 'DELETE', object: obj, oldObject: obj });
  });

  it('an AdmissionReview is unwrapped; DELETE reviews the old object', () => {
    const old = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' } };
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { operation: 'DELETE', oldObject: old, userInfo: { username: 'alice' } },
    };
    const r = eval_({ template: ECHO, constraint: constraint('K8sEcho'), object: review });
    const got = r.violations.find((v) => v.msg === 'review')!.details as Record<string, unknown>;
    expect(got.operation).toBe('DELETE');
    expect(got.object).toEqual(old);
    expect(got.kind).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(got.userInfo).toEqual({ username: 'alice' });
  });

  it('bad objects are errors, not exceptions', () => {
    const r = eval_({ template: ECHO, constraint: constraint('K8sEcho'), object: { metadata: {} } });
    expect(r.error?.code).toBe('invalid_object');
  });
});

describe('inventory', () => {
  const UNIQUE = template(
    'K8sUniqueName',
    `
package k8suniquename
violation[{"msg": msg}] {
  other := data.inventory.namespace[ns][_]["Pod"][name]
  name == input.review.object.metadata.name
  ns != input.review.object.metadata.namespace
  msg := sprintf("pod name %v also used in %v", [name, ns])
}
violation[{"msg": "cluster"}] { data.inventory.cluster["v1"]["Namespace"]["prod"] }
`,
  );

  it('is laid out as cluster[groupVersion][kind][name] and namespace[ns][groupVersion][kind][name]', () => {
    const inventory = [pod({ name: 'p', namespace: 'other' }), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } }];
    const r = eval_({ template: UNIQUE, constraint: constraint('K8sUniqueName'), object: pod({ name: 'p', namespace: 'mine' }), inventory });
    expect(r.violations.map((v) => v.msg)).toEqual(['cluster', 'pod name p also used in other']);
    expect(eval_({ template: UNIQUE, constraint: constraint('K8sUniqueName'), object: pod() }).violations).toEqual([]);
  });
});

describe('match', () => {
  const ANY = template('K8sAny', 'package k8sany\nviolation[{"msg": "hit"}] { true }\n');
  const run = (match: unknown, object: unknown, extra: Partial<EvaluateConstraintOptions> = {}) =>
    eval_({ template: ANY, constraint: constraint('K8sAny', { match }), object, ...extra });
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'kube-system', labels: { app: 'web' } } };
  const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

  it('kinds: groups and kinds, with * wildcards', () => {
    expect(run({ kinds: [{ apiGroups: ['apps'], kinds: ['Deployment'] }] }, deployment).matched).toBe(true);
    expect(run({ kinds: [{ apiGroups: [''], kinds: ['Deployment'] }] }, deployment).matched).toBe(false);
    expect(run({ kinds: [{ apiGroups: ['*'], kinds: ['*'] }] }, deployment).matched).toBe(true);
    expect(run({ kinds: [{ apiGroups: [''], kinds: ['Pod'] }, { apiGroups: ['apps'], kinds: ['Deployment'] }] }, deployment).matched).toBe(true);
  });

  it('namespaces and excludedNamespaces support prefix and suffix globs', () => {
    expect(run({ namespaces: ['kube-*'] }, deployment).matched).toBe(true);
    expect(run({ namespaces: ['default'] }, deployment).matched).toBe(false);
    expect(run({ excludedNamespaces: ['*-system'] }, deployment).matched).toBe(false);
    expect(run({ excludedNamespaces: ['default'] }, deployment).matched).toBe(true);
    expect(wildcardMatches('*sys*', 'kube-system')).toBe(true);
  });

  it('namespaces do not filter cluster-scoped objects or objects without a namespace; a Namespace matches by its name', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } };
    expect(run({ namespaces: ['default'] }, role).matched).toBe(true);
    expect(run({ namespaces: ['default'] }, namespace('default')).matched).toBe(true);
    expect(run({ excludedNamespaces: ['default'] }, namespace('default')).matched).toBe(false);
  });

  it('scope: Cluster, Namespaced, *', () => {
    expect(run({ scope: 'Namespaced' }, deployment).matched).toBe(true);
    expect(run({ scope: 'Cluster' }, deployment).matched).toBe(false);
    expect(run({ scope: 'Cluster' }, namespace('x')).matched).toBe(true);
    expect(run({ scope: '*' }, deployment).matched).toBe(true);
  });

  it('labelSelector with matchLabels and matchExpressions', () => {
    expect(run({ labelSelector: { matchLabels: { app: 'web' } } }, deployment).matched).toBe(true);
    expect(run({ labelSelector: { matchLabels: { app: 'db' } } }, deployment).matched).toBe(false);
    expect(run({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }, deployment).matched).toBe(true);
    expect(run({ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] } }, deployment).matched).toBe(true);
    expect(run({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } }, deployment).matched).toBe(false);
    expect(run({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }, deployment).matched).toBe(true);
  });

  it('namespaceSelector reads the Namespace from the namespace option or the inventory, and errors without it', () => {
    const sel = { namespaceSelector: { matchLabels: { env: 'prod' } } };
    expect(run(sel, deployment, { namespace: namespace('kube-system', { env: 'prod' }) }).matched).toBe(true);
    expect(run(sel, deployment, { inventory: [namespace('kube-system', { env: 'dev' })] }).matched).toBe(false);
    expect(run(sel, deployment).error?.code).toBe('match_error');
    expect(run(sel, namespace('n', { env: 'prod' })).matched).toBe(true);
    expect(run(sel, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }).matched).toBe(true);
  });

  it('name supports globs', () => {
    expect(run({ name: 'we*' }, deployment).matched).toBe(true);
    expect(run({ name: 'api' }, deployment).matched).toBe(false);
  });

  it('an unmatched object has no violations', () => {
    expect(run({ kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, deployment)).toEqual({ matched: false, violations: [], enforcementAction: 'deny' });
  });
});

describe('constraints', () => {
  const ANY = template('K8sAny', 'package k8sany\nviolation[{"msg": "hit"}] { true }\n');

  it('enforcementAction defaults to deny; dryrun and warn are reported', () => {
    expect(evaluateConstraint({ template: ANY, constraint: constraint('K8sAny'), object: pod() }).enforcementAction).toBe('deny');
    expect(evaluateConstraint({ template: ANY, constraint: constraint('K8sAny', { enforcementAction: 'dryrun' }), object: pod() }).enforcementAction).toBe('dryrun');
    expect(evaluateConstraint({ template: ANY, constraint: constraint('K8sAny', { enforcementAction: 'warn' }), object: pod() }).violations).toHaveLength(1);
  });

  it('scoped actions resolve per enforcement point', () => {
    const c = constraint('K8sAny', {
      enforcementAction: 'scoped',
      scopedEnforcementActions: [
        { action: 'warn', enforcementPoints: [{ name: 'validation.gatekeeper.sh' }] },
        { action: 'deny', enforcementPoints: [{ name: 'audit.gatekeeper.sh' }] },
      ],
    });
    expect(evaluateConstraint({ template: ANY, constraint: c, object: pod() }).scopedActions).toEqual(['warn']);
    expect(evaluateConstraint({ template: ANY, constraint: c, object: pod(), enforcementPoint: 'audit.gatekeeper.sh' }).scopedActions).toEqual(['deny']);
  });

  it('invalid constraints and kind mismatches are errors', () => {
    expect(isGatekeeperError(parseConstraint({ apiVersion: 'v1', kind: 'X' }))).toBe(true);
    expect(evaluateConstraint({ template: ANY, constraint: constraint('K8sAny', { enforcementAction: 'block' }), object: pod() }).error?.code).toBe('invalid_constraint');
    expect(evaluateConstraint({ template: ANY, constraint: constraint('Other'), object: pod() }).error?.code).toBe('invalid_constraint');
    const bad = constraint('K8sAny', { match: { labelSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } } });
    expect(evaluateConstraint({ template: ANY, constraint: bad, object: pod() }).error?.code).toBe('invalid_constraint');
  });

  it('accepts a constraint already parsed', () => {
    const parsed = parseConstraint(constraint('K8sAny'));
    expect(evaluateConstraint({ template: ANY, constraint: parsed, object: pod() }).violations).toEqual([{ msg: 'hit', details: {} }]);
  });

  it('violations without msg are dropped; runtime errors come back as values', () => {
    const t = template('K8sOdd', 'package k8sodd\nviolation[{"details": 1}] { true }\nviolation[{"msg": "x"}] { input.review.object.kind == "Pod" }\n');
    expect(evaluateConstraint({ template: t, constraint: constraint('K8sOdd'), object: pod() }).violations).toEqual([{ msg: 'x', details: {} }]);
    const conflict = template('K8sConflict', 'package k8sconflict\nv := 1\nv := 2\nviolation[{"msg": "m"}] { v }\n');
    const r = evaluateConstraint({ template: conflict, constraint: constraint('K8sConflict'), object: pod() });
    expect(r.error?.code).toBe('rego_runtime');
    expect(r.matched).toBe(true);
  });
});

describe('loadTemplate', () => {
  const base = (targets: unknown, apiVersion = 'templates.gatekeeper.sh/v1') => ({
    apiVersion,
    kind: 'ConstraintTemplate',
    metadata: { name: 't' },
    spec: { crd: { spec: { names: { kind: 'T' } } }, targets },
  });

  it('reads v1beta1 templates and the code[] form, ignoring CEL', () => {
    const t1 = loadTemplate(base([{ target: 'admission.k8s.gatekeeper.sh', rego: 'package t\nviolation[{"msg": "m"}] { true }' }], 'templates.gatekeeper.sh/v1beta1'));
    expect(isGatekeeperError(t1)).toBe(false);
    const t2 = loadTemplate(
      base([
        {
          target: 'admission.k8s.gatekeeper.sh',
          code: [
            { engine: 'K8sNativeValidation', source: { validations: [] } },
            { engine: 'Rego', source: { rego: 'package t\nimport data.lib.x.f\nviolation[{"msg": "m"}] { f(1) }', libs: ['package lib.x\nf(a) { a == 1 }'] } },
          ],
        },
      ]),
    );
    expect(isGatekeeperError(t2)).toBe(false);
    if (!isGatekeeperError(t2)) {
      expect(t2.hasCel).toBe(true);
      expect(evaluateConstraint({ template: t2, constraint: constraint('T'), object: pod() }).violations).toHaveLength(1);
    }
  });

  it('reports Rego syntax errors with their location', () => {
    const r = loadTemplate(base([{ target: 'admission.k8s.gatekeeper.sh', rego: 'package t\n\nviolation[{"msg": m}] {\n  m := \n}' }]));
    expect(isGatekeeperError(r) && r.code).toBe('rego_syntax');
    if (isGatekeeperError(r)) expect([r.file, r.line]).toEqual(['t/rego', 5]);
  });

  it('reports compile errors, missing violation rules, CEL-only templates and bad shapes', () => {
    const codeOf = (doc: unknown) => {
      const r = loadTemplate(doc);
      return isGatekeeperError(r) ? r.code : 'ok';
    };
    expect(codeOf(base([{ target: 'admission.k8s.gatekeeper.sh', rego: 'package t\nviolation[{"msg": m}] { true }' }]))).toBe('rego_compile');
    expect(codeOf(base([{ target: 'admission.k8s.gatekeeper.sh', rego: 'package t\ndeny[{"msg": "m"}] { true }' }]))).toBe('invalid_template');
    expect(codeOf(base([{ target: 'admission.k8s.gatekeeper.sh', code: [{ engine: 'K8sNativeValidation', source: {} }] }]))).toBe('invalid_template');
    expect(codeOf({ kind: 'Pod' })).toBe('invalid_template');
    expect(codeOf(base([{ target: 'other', rego: 'package t' }]))).toBe('invalid_template');
  });
});
