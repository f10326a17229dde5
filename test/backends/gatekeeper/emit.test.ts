import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModule } from '../../../src/engines/rego/index.js';
import { compact, dsl } from '../../helpers/dsl.js';
import { projectRoot } from '../../helpers/corpora.js';
import { constructs, isNetworkConstruct, type ConstructId } from '../../../src/backends/capabilities.js';
import { gatekeeperCapabilities } from '../../../src/backends/gatekeeper/capabilities.js';
import { compile, emit } from './harness.js';

const schema = (name: string) => JSON.parse(readFileSync(join(projectRoot, 'targets', 'gatekeeper', name), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validTemplate = ajv.compile(schema('constrainttemplate.schema.json'));
const validConstraint = ajv.compile(schema('constraint.schema.json'));

const hostPid = dsl`
  policy no-host-pid {
    title "No host PID"
    description "Pods must not share the host's process namespace."
    mode enforce
    applies to pods
    rule host-pid {
      forbid spec.hostPID = true
    }
  }`;

describe('the emitted file', () => {
  it('holds a ConstraintTemplate and its Constraint, named after the policy', () => {
    const { file, template, constraints } = compile(hostPid);
    expect(file.path).toBe('gatekeeper/no-host-pid.yaml');
    expect(file.objects).toEqual([
      { apiVersion: 'templates.gatekeeper.sh/v1', kind: 'ConstraintTemplate', name: 'secpolnohostpid' },
      { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'SecpolNoHostPid', name: 'no-host-pid' },
    ]);
    expect(template.metadata.name).toBe('secpolnohostpid');
    expect(template.spec.crd.spec.names.kind).toBe('SecpolNoHostPid');
    expect(template.metadata.annotations).toEqual({
      'metadata.gatekeeper.sh/title': 'No host PID',
      description: "Pods must not share the host's process namespace.",
      'secpol.dev/policy': 'no-host-pid',
      'secpol.dev/source': 'test.secpol:1',
    });
    expect(template.spec.targets).toHaveLength(1);
    expect(template.spec.targets[0].target).toBe('admission.k8s.gatekeeper.sh');
    expect(template.spec.crd.spec.validation).toBeUndefined();
    expect(constraints).toHaveLength(1);
    expect(constraints[0]!.kind).toBe('SecpolNoHostPid');
    expect(constraints[0]!.spec.enforcementAction).toBe('deny');
    expect(constraints[0]!.spec.parameters).toBeUndefined();
  });

  it('keeps the Rego a literal block scalar, and every object satisfies its schema', () => {
    const { file, template, constraints, rego } = compile(hostPid);
    expect(file.content).toMatch(/\n {6}rego: \|\n {8}package secpolnohostpid\n/);
    expect(rego.startsWith('package secpolnohostpid\n')).toBe(true);
    expect(() => parseModule(rego)).not.toThrow();
    expect(validTemplate(template)).toBe(true);
    for (const c of constraints) expect(validConstraint(c)).toBe(true);
  });

  it('writes one violation rule per secpol rule, with its source line, and only the helpers it uses', () => {
    const { rego } = compile(hostPid);
    expect(rego).toContain('# rule host-pid, from test.secpol:6\nviolation contains {"msg": msg, "details": {"policy": "no-host-pid", "rule": "host-pid"}} if {\n');
    expect(rego).toContain('\tvalue_at(pod_view, ["spec", "hostPID"]) == true\n');
    expect(rego).toContain('\tmsg := "rule host-pid forbids spec.hostPID = true"\n');
    expect(rego).toContain('import future.keywords.if\n');
    for (const unused of ['containers :=', 'quantity(', 'matches_glob(', 'effective_', 'exception_', 'pss_', 'message_value(']) expect(rego).not.toContain(unused);
  });

  it('is deterministic: emitting twice gives the same bytes', () => {
    const a = emit(hostPid).files.map((f) => f.content);
    const b = emit(hostPid).files.map((f) => f.content);
    expect(a).toEqual(b);
  });
});

describe('the schemas', () => {
  it('catch a broken ConstraintTemplate and a broken Constraint', () => {
    const { template, constraints } = compile(hostPid);
    const badTemplate = structuredClone(template);
    badTemplate.spec.targets[0].target = 'admission.k8s.example.com';
    delete badTemplate.spec.crd.spec.names.kind;
    expect(validTemplate(badTemplate)).toBe(false);
    expect(validTemplate.errors?.map((e) => e.instancePath).sort()).toEqual(['/spec/crd/spec/names', '/spec/targets/0/target']);
    const badConstraint = structuredClone(constraints[0]!);
    badConstraint.spec.enforcementAction = 'block';
    badConstraint.spec.match.namespaces = ['Not A Namespace'];
    expect(validConstraint(badConstraint)).toBe(false);
    expect(validConstraint.errors?.map((e) => e.instancePath).sort()).toEqual(['/spec/enforcementAction', '/spec/match/namespaces/0']);
  });
});

describe('modes and scope', () => {
  it('maps enforce, audit and warn to deny, dryrun and warn', () => {
    for (const [mode, action] of [['enforce', 'deny'], ['audit', 'dryrun'], ['warn', 'warn']] as const) {
      const { constraints } = compile(hostPid.replace('mode enforce', `mode ${mode}`));
      expect(constraints.map((c) => c.spec.enforcementAction)).toEqual([action]);
    }
  });

  it('gives each mode its own Constraint when pod-security lines use other modes', () => {
    const { template, constraints, rego } = compile(dsl`
      policy mixed {
        mode enforce
        applies to pods
        rule host-pid {
          forbid spec.hostPID = true
        }
        warn pod-security restricted version v1.30
        enforce pod-security baseline version v1.30
      }`);
    expect(constraints.map((c) => [c.metadata.name, c.spec.enforcementAction, c.spec.parameters])).toEqual([
      ['mixed-enforce', 'deny', { mode: 'enforce' }],
      ['mixed-warn', 'warn', { mode: 'warn' }],
    ]);
    expect(template.spec.crd.spec.validation.openAPIV3Schema).toEqual({ type: 'object', properties: { mode: { type: 'string', enum: ['enforce', 'warn'] } } });
    expect(rego).toContain('input.parameters.mode == "warn"');
    expect(rego).toContain('pss_baseline_v1_30 contains');
    expect(rego).toContain('pss_restricted_v1_30 contains');
  });

  it('matches pods and every pod controller, and puts the scope in the match', () => {
    const { constraints, rego } = compile(dsl`
      policy scoped {
        applies to pods
        in namespaces "apps", "web"
        where labels team exists and tier != "db"
        where namespace labels env in ["prod"]
        rule host-pid {
          forbid spec.hostPID = true
        }
      }`);
    expect(constraints[0]!.spec.match).toEqual({
      kinds: [
        { apiGroups: [''], kinds: ['Pod'] },
        { apiGroups: ['apps'], kinds: ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] },
        { apiGroups: ['batch'], kinds: ['CronJob', 'Job'] },
      ],
      scope: 'Namespaced',
      namespaces: ['apps', 'web'],
      labelSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }, { key: 'tier', operator: 'NotIn', values: ['db'] }] },
      namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
    });
    // Operations are not part of a Constraint's match: the Rego checks them, and the labels again for UPDATE.
    expect(rego).toContain('review_operation in ["CREATE", "UPDATE"]');
    expect(rego).toContain('is_string(object_label("team"))');
    // object_label is null (defined) for an absent label: OPA evaluates the operand of `not … in` outside the
    // negation, so an undefined label would make the whole rule undefined instead of NotIn's "true when absent".
    expect(rego).toContain('not object_label("tier") in ["db"]');
  });

  it('matches other kinds by API group', () => {
    const { constraints, rego } = compile(dsl`
      policy roles {
        applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole
        except namespaces "kube-system"
        on create
        rule no-wildcard-verbs {
          forbid any rbac rule has verbs contains "*"
        }
      }`);
    expect(constraints[0]!.spec.match).toEqual({ kinds: [{ apiGroups: ['rbac.authorization.k8s.io'], kinds: ['ClusterRole', 'Role'] }], excludedNamespaces: ['kube-system'] });
    expect(rego).toContain('input.review.object.apiVersion == "rbac.authorization.k8s.io/v1"');
    expect(rego).toContain('review_operation in ["CREATE"]');
  });
});

describe('omissions and SP2001', () => {
  it('leaves out an omitted rule with a comment saying why', () => {
    const { file, rego } = compile(dsl`
      policy p {
        applies to pods
        rule a {
          forbid spec.hostPID = true
        }
        rule b {
          forbid spec.hostIPC = true
          omit from gatekeeper because "checked by the cloud provider"
        }
      }`);
    expect(file.content).toContain('# rule "b" is omitted from gatekeeper: checked by the cloud provider\n');
    expect(rego).toContain('# rule b, from test.secpol:6: omitted from gatekeeper because "checked by the cloud provider"');
    expect(rego).not.toContain('"rule": "b"');
  });

  it('emits only a note for a policy omitted from gatekeeper', () => {
    const out = emit(dsl`
      policy p {
        applies to pods
        omit from gatekeeper because "kyverno only"
        rule a {
          forbid spec.hostPID = true
        }
      }`);
    expect(out.diagnostics).toEqual([]);
    expect(out.files.map((f) => f.objects.length)).toEqual([0]);
    expect(out.files[0]?.content).toContain('# policy p is omitted from gatekeeper: kyverno only');
  });

  it('reports SP2001 when two policy names make the same Constraint kind', () => {
    const out = emit(dsl`
      policy host-pid {
        applies to pods
        rule a {
          forbid spec.hostPID = true
        }
      }
      policy host_pid {
        applies to pods
        rule a {
          forbid spec.hostPID = true
        }
      }`);
    expect(out.diagnostics.map(compact)).toEqual([{ code: 'SP2001', at: '7:1', related: ['1:1'] }]);
    expect(out.diagnostics[0]!.message).toBe('gatekeeper cannot express policies "host-pid" and "host_pid" as Constraint kinds (both become SecpolHostPid)');
  });

  it('reports SP2001 for a policy name too long for a Constraint kind', () => {
    const name = `p${'x'.repeat(60)}`;
    const out = emit(dsl`
      policy ${name} {
        applies to pods
        rule a {
          forbid spec.hostPID = true
        }
      }`);
    expect(out.files).toEqual([]);
    expect(out.diagnostics.map(compact)).toEqual([{ code: 'SP2001', at: '1:1' }]);
  });
});

describe('the capability matrix', () => {
  it('compiles every admission construct it supports, with valid objects and Rego that parses', () => {
    for (const [id, source] of Object.entries(constructs)) {
      // The refused ones (image verification: SP2001) are checked by test/backends/capabilities.test.ts.
      if (isNetworkConstruct(id as ConstructId) || gatekeeperCapabilities[id as ConstructId].level === 'unsupported') continue;
      const { template, constraints, rego } = compile(source);
      expect(validTemplate(template), id).toBe(true);
      for (const c of constraints) expect(validConstraint(c), id).toBe(true);
      expect(() => parseModule(rego), id).not.toThrow();
    }
  });
});
