import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { targetJson } from '../../../src/backends/common/targets.js';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { compact, dsl, irOf } from '../../helpers/dsl.js';
import { clusterPolicy, documents, emitKyverno } from './harness.js';


const example = dsl`
  policy baseline-hardening {
    title "Baseline hardening"
    description "Hardening for every workload"
    category "Pod Security"
    severity high
    mode enforce
    applies to pods
    in namespaces "apps", "web"
    except namespaces "kube-system"
    where namespace labels "env" in ["prod", "staging"] and team exists
    rule no-privileged {
      forbid any container has securityContext.privileged = true
      message "container {name} is privileged"
    }
    rule non-root {
      require every container has (effective runAsNonRoot = true or effective runAsUser >= 1000)
    }
    enforce pod-security restricted version v1.30
    exception legacy {
      namespaces "legacy"
      images "ghcr.io/x/*"
      rules no-privileged
      reason "migrating"
      expires 2027-01-31
    }
    exception debugger {
      workloads Deployment "ops/debugger"
      reason "debugging"
    }
  }`;

describe('ClusterPolicy structure', () => {
  const files = emitKyverno(example);
  const policy = clusterPolicy(files);

  it('writes one ClusterPolicy file and one PolicyException file per policy', () => {
    expect(files.map((f) => f.path)).toEqual(['kyverno/baseline-hardening-exceptions.yaml', 'kyverno/baseline-hardening.yaml']);
    expect(files[1]?.objects).toEqual([{ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', name: 'baseline-hardening' }]);
    expect(files[0]?.objects).toEqual([
      { apiVersion: 'kyverno.io/v2', kind: 'PolicyException', name: 'baseline-hardening-debugger' },
      { apiVersion: 'kyverno.io/v2', kind: 'PolicyException', name: 'baseline-hardening-debugger-owned' },
    ]);
  });

  it('carries the metadata as Kyverno policy annotations, with the source line', () => {
    expect(policy.metadata.annotations).toEqual({
      'pod-policies.kyverno.io/autogen-controllers': 'CronJob,DaemonSet,Deployment,Job,ReplicaSet,StatefulSet',
      'policies.kyverno.io/category': 'Pod Security',
      'policies.kyverno.io/description': 'Hardening for every workload',
      'policies.kyverno.io/severity': 'high',
      'policies.kyverno.io/title': 'Baseline hardening',
      'secpol.dev/policy': 'baseline-hardening',
      'secpol.dev/source': 'test.secpol:1',
    });
  });

  it('emits one rule per IR rule, with a source comment above each', () => {
    expect(policy.spec.rules.map((r: { name: string }) => r.name)).toEqual(['no-privileged', 'non-root', 'pod-security-enforce']);
    const text = files[1]?.content ?? '';
    expect(text).toMatch(/# from test\.secpol:11\n {2}- name: no-privileged/);
    expect(text).toMatch(/# from test\.secpol:18\n {2}- name: pod-security-enforce/);
  });

  it('maps the scope onto match and exclude', () => {
    const rule = policy.spec.rules[0];
    expect(rule.match).toEqual({
      any: [
        {
          resources: {
            kinds: ['Pod'],
            namespaces: ['apps', 'web'],
            namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }, { key: 'team', operator: 'Exists' }] },
            operations: ['CREATE', 'UPDATE'],
          },
        },
      ],
    });
    expect(rule.exclude).toEqual({ any: [{ resources: { namespaces: ['kube-system'] } }] });
  });

  it('uses per-rule failure actions, and a foreach with a pattern per container naming it in the message', () => {
    const rule = policy.spec.rules[0];
    expect(rule.validate.failureAction).toBe('Enforce');
    expect(rule.validate.deny).toBeUndefined();
    expect(rule.validate.foreach).toHaveLength(1);
    const [each] = rule.validate.foreach;
    expect(each.list).toBe('request.object.spec.[containers, initContainers, ephemeralContainers][]');
    expect(each.pattern).toEqual({ '=(securityContext)': { '=(privileged)': false } });
    // The image exception skips the containers it exempts, before the pattern is matched.
    expect(each.preconditions.all).toHaveLength(1);
    expect(each.preconditions.all[0].key).toContain(`pattern_match('ghcr.io/x/*', [element.image][0])`);
    expect(rule.validate.message).toBe('container {{ element.name }} is privileged');
    expect(policy.spec.background).toBe(true);
    expect(policy.spec.emitWarning).toBeUndefined();
  });

  it('compiles pod-security exactly as explicit deny conditions by default, and notes the approximation when accepted', () => {
    const plain = kyvernoBackend.emit(irOf(example));
    expect(plain.diagnostics).toEqual([]);
    const rules = clusterPolicy(plain.value ?? []).spec.rules.slice(2);
    // One rule per Pod Security Standards check in force at restricted v1.30 (issue 16): named after the control.
    expect(rules.map((r: { name: string }) => r.name)).toEqual([
      'host-process', 'host-namespaces', 'privileged', 'host-ports', 'apparmor', 'selinux', 'proc-mount', 'sysctls',
      'privilege-escalation', 'capabilities', 'volume-types', 'run-as-non-root', 'run-as-user', 'seccomp',
    ].map((c) => `pod-security-enforce-${c}`));
    const rule = rules.find((r: { name: string }) => r.name === 'pod-security-enforce-run-as-non-root');
    expect(rule.validate.podSecurity).toBeUndefined();
    expect(rule.validate.message).toMatch(/^violates PodSecurity "restricted:v1\.30": runAsNonRoot \(the pod or every container must set securityContext\.runAsNonRoot: true\); containers: \{\{ .* \}\}$/);
    for (const r of rules) for (const c of r.validate.deny.conditions.any) expect(c).toMatchObject({ operator: 'Equals', value: true });
    expect(plain.value?.map((f) => f.content).join('')).not.toContain('approximation accepted');
    expect(files.map((f) => f.content).join('')).toContain('# approximation accepted with --approximate kyverno-pod-security');
  });

  it('maps pod-security onto validate.podSecurity', () => {
    expect(policy.spec.rules[2].validate).toEqual({ failureAction: 'Enforce', allowExistingViolations: false, podSecurity: { level: 'restricted', version: 'v1.30' } });
  });

  it('writes whole-object exceptions as PolicyExceptions naming the autogen rules: the workload by name, what it owns by controller', () => {
    const [self, owned] = documents(files).filter((d) => d['kind'] === 'PolicyException');
    const exceptions = [{ policyName: 'baseline-hardening', ruleNames: ['autogen-cronjob-no-privileged', 'autogen-cronjob-non-root', 'autogen-no-privileged', 'autogen-non-root', 'no-privileged', 'non-root'] }];
    expect(self).toMatchObject({
      metadata: { name: 'baseline-hardening-debugger', namespace: 'kyverno', annotations: { 'secpol.dev/reason': 'debugging' } },
      spec: { exceptions, match: { any: [{ resources: { kinds: ['Deployment'], namespaces: ['ops'], names: ['debugger'] } }] } },
    });
    // No name prefix: the ReplicaSets the deployment controller creates and the pods the ReplicaSet controller creates,
    // by the requesting controller (subjects) and, in the conditions, the controller ownerReference (issue 22 item 2).
    const controllers = (sa: string) => [{ kind: 'ServiceAccount', name: sa, namespace: 'kube-system' }, { kind: 'User', name: 'system:kube-controller-manager' }];
    expect(owned).toMatchObject({
      metadata: { name: 'baseline-hardening-debugger-owned', namespace: 'kyverno' },
      spec: {
        background: false,
        exceptions,
        match: {
          any: [
            { resources: { kinds: ['ReplicaSet'], namespaces: ['ops'] }, subjects: controllers('deployment-controller') },
            { resources: { kinds: ['Pod'], namespaces: ['ops'] }, subjects: controllers('replicaset-controller') },
          ],
        },
      },
    });
    const conditions = (owned as { spec: { conditions: { any: { key: string }[] } } }).spec.conditions.any.map((c) => c.key);
    expect(conditions).toHaveLength(2);
    expect(conditions[0]).toContain("kind == 'Deployment' && name == 'debugger'");
    expect(conditions[1]).toContain("starts_with(name, 'debugger-')");
    expect(JSON.stringify(owned)).not.toContain('debugger-*');
  });
});

describe('modes', () => {
  const modeOf = (mode: string) =>
    clusterPolicy(
      emitKyverno(dsl`
        policy m {
          mode ${mode}
          applies to pods
          rule r { forbid spec.hostIPC = true }
        }`),
    );

  it('maps enforce to Enforce, audit to Audit, warn to Audit with admission warnings', () => {
    expect(modeOf('enforce').spec.rules[0].validate.failureAction).toBe('Enforce');
    expect(modeOf('audit').spec.rules[0].validate.failureAction).toBe('Audit');
    expect(modeOf('audit').spec.emitWarning).toBeUndefined();
    expect(modeOf('warn').spec.rules[0].validate.failureAction).toBe('Audit');
    expect(modeOf('warn').spec.emitWarning).toBe(true);
  });

  it('turns background scans off when no rule applies on create or update', () => {
    const policy = clusterPolicy(emitKyverno(dsl`
      policy d {
        applies to pods
        on delete
        rule r { forbid spec.hostIPC = true }
      }`));
    expect(policy.spec.background).toBe(false);
    expect(policy.spec.rules[0].match.any[0].resources.operations).toEqual(['DELETE']);
  });
});

describe('omissions', () => {
  it('leaves out an omitted rule and says why in a comment', () => {
    const files = emitKyverno(dsl`
      policy o {
        applies to pods
        rule kept { forbid spec.hostIPC = true }
        rule dropped {
          forbid spec.hostPID = true
          omit from kyverno because "PSA covers it"
        }
      }`);
    expect(clusterPolicy(files).spec.rules.map((r: { name: string }) => r.name)).toEqual(['kept']);
    expect(files[0]?.content).toContain('# rule dropped omitted from kyverno: PSA covers it');
  });

  it('emits only a comment for an omitted policy', () => {
    const files = emitKyverno(dsl`
      policy o {
        applies to pods
        omit from kyverno, gatekeeper because "not enforced here"
        rule r { forbid spec.hostIPC = true }
      }`);
    expect(files).toHaveLength(1);
    expect(files[0]?.objects).toEqual([]);
    expect(documents(files)).toEqual([]);
    expect(files[0]?.content).toContain('# policy o omitted from kyverno: not enforced here');
  });
});

describe('schemas', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validatePolicy = ajv.compile(targetJson<object>('kyverno', 'clusterpolicy.schema.json'));
  const validateException = ajv.compile(targetJson<object>('kyverno', 'policyexception.schema.json'));
  const docs = documents(emitKyverno(example));
  const policy = docs.find((d) => d['kind'] === 'ClusterPolicy');
  const exception = docs.find((d) => d['kind'] === 'PolicyException');

  it('accepts what the backend emits', () => {
    expect(validatePolicy(policy), JSON.stringify(validatePolicy.errors)).toBe(true);
    expect(validateException(exception), JSON.stringify(validateException.errors)).toBe(true);
  });

  it('rejects broken objects', () => {
    const broken = structuredClone(policy) as { spec: { rules: { validate: Record<string, unknown>; name?: string }[] } };
    const first = broken.spec.rules[0];
    if (!first) throw new Error('no rule');
    first.validate['failureAction'] = 'Block';
    expect(validatePolicy(broken)).toBe(false);
    const nameless = structuredClone(policy) as { spec: { rules: { name?: string }[] } };
    delete nameless.spec.rules[0]?.name;
    expect(validatePolicy(nameless)).toBe(false);
    const badVersion = structuredClone(policy) as { spec: { rules: { validate: { podSecurity?: { version: string } } }[] } };
    const ps = badVersion.spec.rules[2]?.validate.podSecurity;
    if (ps) ps.version = 'v1.12';
    expect(validatePolicy(badVersion)).toBe(false);
    const noMatch = structuredClone(exception) as { spec: Record<string, unknown> };
    delete noMatch.spec['match'];
    expect(validateException(noMatch)).toBe(false);
  });
});

describe('determinism', () => {
  it('emits byte-identical output twice', () => {
    const set = irOf(example);
    expect(kyvernoBackend.emit(set)).toEqual(kyvernoBackend.emit(set));
    expect(kyvernoBackend.emit(irOf(example)).value?.map((f) => f.content)).toEqual(kyvernoBackend.emit(set).value?.map((f) => f.content));
  });

  it('does not depend on the order exceptions and controls are written in', () => {
    const a = dsl`
      policy p {
        applies to pods
        enforce pod-security baseline
        exception one { controls seccomp, capabilities reason "a" }
        exception two { controls host-ports reason "b" }
      }`;
    const b = dsl`
      policy p {
        applies to pods
        enforce pod-security baseline
        exception two { controls host-ports reason "b" }
        exception one { controls capabilities, seccomp reason "a" }
      }`;
    const exclude = (text: string) => clusterPolicy(emitKyverno(text)).spec.rules[0].validate.podSecurity.exclude;
    expect(exclude(a)).toEqual(exclude(b));
    expect(exclude(a)).toEqual([
      { controlName: 'Capabilities', images: ['*'] },
      { controlName: 'Host Ports', images: ['*'] },
      { controlName: 'Seccomp' },
      { controlName: 'Seccomp', images: ['*'] },
    ]);
  });
});

describe('SP2001: what Kyverno cannot express', () => {
  const codes = (text: string) => kyvernoBackend.emit(irOf(text)).diagnostics.map(compact);

  it('reports pod-security versions before v1.19 only with the podSecurity approximation', () => {
    const text = dsl`
      policy p {
        applies to pods
        enforce pod-security baseline version v1.18
      }`;
    expect(codes(text)).toEqual([]);
    const approximate = kyvernoBackend.emit(irOf(text), { approximate: ['kyverno-pod-security'] });
    expect(approximate.diagnostics.map(compact)).toEqual([{ code: 'SP2001', at: '3:3' }]);
    expect(approximate.value).toEqual([]);
  });

  it('maps newer versions onto the closest equivalent Kyverno version', () => {
    const version = (v: string) =>
      clusterPolicy(emitKyverno(dsl`
        policy p {
          applies to pods
          enforce pod-security baseline version ${v}
        }`)).spec.rules[0].validate.podSecurity.version;
    expect(version('v1.19')).toBe('v1.19');
    expect(version('v1.32')).toBe('v1.32');
    expect(version('v1.33')).toBe('v1.32');
    expect(version('v1.35')).toBe('latest');
    expect(version('latest')).toBe('latest');
  });

  it('reports pod fields outside spec and metadata, which controllers do not have', () => {
    expect(codes(dsl`
      policy p {
        applies to pods
        rule r { require apiVersion = "v1" }
      }`)).toEqual([{ code: 'SP2001', at: '3:20' }]);
  });

  it('reports a rule over pods and other kinds at once', () => {
    expect(codes(dsl`
      policy p {
        applies to pods
        applies to "v1" ConfigMap
        rule r { require metadata.name exists }
      }`)).toEqual([{ code: 'SP2001', at: '4:3' }]);
  });

  it('reports a container quantifier depending on too many pod-level values', () => {
    expect(codes(dsl`
      policy p {
        applies to pods
        rule r {
          require any container has (effective runAsNonRoot = true and effective runAsUser > 0 and effective runAsGroup > 0
            and effective seccompProfile.type = "RuntimeDefault" and effective seLinuxOptions.type = "spc_t")
        }
      }`).map((d) => d.code)).toEqual(['SP2001']);
  });

  it('reports policy names Kubernetes rejects, and emits nothing for that policy', () => {
    const out = kyvernoBackend.emit(irOf(dsl`
      policy Bad_Name {
        applies to pods
        rule r { forbid spec.hostIPC = true }
      }
      policy good {
        applies to pods
        rule r { forbid spec.hostIPC = true }
      }`));
    expect(out.diagnostics.map(compact)).toEqual([{ code: 'SP2001', at: '1:1' }]);
    expect(out.value?.map((f) => f.path)).toEqual(['kyverno/good.yaml']);
  });
});

describe('text output', () => {
  it('is valid multi-document YAML with no aliases or tags', () => {
    for (const file of emitKyverno(example)) {
      for (const doc of YAML.parseAllDocuments(file.content)) {
        expect(doc.errors).toEqual([]);
        expect(doc.warnings).toEqual([]);
      }
      expect(file.content).not.toMatch(/^[^#]*[&*!]\w/m);
    }
  });
});
