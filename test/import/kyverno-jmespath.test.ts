/**
 * Kyverno policies in the forms foreign authors write (not secpol's output): foreach over the container lists with
 * element preconditions, boolean JMESPath conditions, and PolicyExceptions, imported and proven by --verify against
 * the original; what the translation cannot read is SP3001 naming the construct.
 */
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { importPolicies } from '../../src/import/index.js';
import { buildChecked, importArtifacts } from '../../src/import/import.js';
import { proveOnce } from '../../src/import/verify.js';

const today = '2026-06-01';
const proof = { runs: 200, seed: 1 };

const privileged = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-privileged
spec:
  validationFailureAction: Enforce
  rules:
    - name: privileged
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: privileged containers are not allowed
        foreach:
          - list: "request.object.spec.[ephemeralContainers, initContainers, containers][]"
            preconditions:
              all:
                - key: "{{ element.name != 'istio-proxy' }}"
                  operator: Equals
                  value: true
            deny:
              conditions:
                any:
                  - key: "{{ element.securityContext.privileged == \`true\` }}"
                    operator: Equals
                    value: true
`;

const exception = (names: string) => `---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: legacy
  namespace: kyverno
spec:
  exceptions:
    - policyName: no-privileged
      ruleNames: [${names}]
  match:
    any:
      - resources:
          namespaces: [legacy]
`;

describe('import: Kyverno foreach and JMESPath conditions', () => {
  it('a foreach over the three container lists with an element precondition is an any-container rule, proven', async () => {
    const r = await importPolicies([{ path: 'p.yaml', text: privileged }], { today, verify: proof });
    const text = r.value!.files[0]!.text;
    expect(text).toContain('forbid any container has (not name = "istio-proxy" and securityContext.privileged = true)');
    expect(r.value!.rules).toEqual([{ policy: 'no-privileged', original: 'privileged', status: 'proven' }]);
  });

  it('--verify catches a translation that drops the precondition', async () => {
    const out = importArtifacts([{ path: 'p.yaml', text: privileged }], { today });
    const file = out.value!.files[0]!;
    const wrong = buildChecked({ ...file.policy, rules: file.policy.rules.map((x) => ({ ...x, lines: ['applies to pods', 'forbid any container has securityContext.privileged = true'] })) }, { today });
    const bad = await proveOnce(wrong.policy, wrong.set!.policies[0]!, proof);
    expect(bad.failed?.key).toBe('privileged');
    expect(bad.failed?.reason).toContain('istio-proxy');
  });

  it('a list outside a foreach that may be missing is SP3001 naming why (length() of null is an error in Kyverno)', () => {
    const text = privileged.replace(/foreach:[\s\S]*$/, `deny:
          conditions:
            all:
              - key: "{{ length(request.object.spec.volumes[?hostPath != null]) > \`0\` }}"
                operator: Equals
                value: true
`);
    const out = importArtifacts([{ path: 'p.yaml', text }], { today });
    const d = out.diagnostics.find((x) => x.code === 'SP3001');
    expect(d?.message).toMatch(/outside a foreach a list read without a type check may be null/);
  });

  it('a clock condition beside other deny conditions is refused, not read as an exception', () => {
    const text = privileged.replace(/foreach:[\s\S]*$/, `deny:
          conditions:
            any:
              - key: "{{ time_before(time_now_utc(), '2031-01-01T00:00:00Z') }}"
                operator: Equals
                value: true
              - key: "{{ [request.object.spec.hostPID][0] == \`true\` }}"
                operator: Equals
                value: true
`);
    const out = importArtifacts([{ path: 'p.yaml', text }], { today });
    expect(out.diagnostics.map((x) => x.message).join('\n')).toMatch(/clock/);
    expect(out.value!.files[0]!.policy.rules).toEqual([]);
  });
});

describe('import: Kyverno PolicyExceptions', () => {
  it('a namespace exception naming the rule and its autogen rules is an exception block, proven with the original exception', async () => {
    const r = await importPolicies([{ path: 'p.yaml', text: privileged + exception('privileged, autogen-privileged, autogen-cronjob-privileged') }], { today, verify: proof });
    const text = r.value!.files[0]!.text;
    expect(text).toContain('exception legacy {\n    namespaces "legacy"\n    rules privileged\n    reason "imported from Kyverno PolicyException legacy"\n  }');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
    expect(r.diagnostics).toEqual([]);
  });

  it('an exception of the Pod rule alone (controllers still judged) is SP3001, and the rule is proven against the original exception or not at all', async () => {
    const r = await importPolicies([{ path: 'p.yaml', text: privileged + exception('privileged') }], { today, verify: proof });
    const d = r.diagnostics.find((x) => x.code === 'SP3001');
    expect(d?.message).toMatch(/PolicyException legacy.*for some of the kinds it matches but not others \(autogen-privileged, autogen-cronjob-privileged not listed\)/);
    expect(r.value!.files[0]!.text).toContain('# Not imported: PolicyException legacy');
    // The original exception still runs under --verify: Pods in legacy are exempt there, not in the import.
    expect(r.value!.rules.map((x) => x.status)).toEqual(['not-imported']);
  });

  it('namespaces with kinds: translated when the kinds cover every kind the rule judges (Pod and the controllers), refused when they leave some out', async () => {
    const all = 'privileged, autogen-privileged, autogen-cronjob-privileged';
    const withKinds = (kinds: string) => exception(all).replace('namespaces: [legacy]', `namespaces: [legacy]\n          kinds: [${kinds}]`);
    const r = await importPolicies([{ path: 'p.yaml', text: privileged + withKinds('Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob') }], { today, verify: proof });
    expect(r.value!.files[0]!.text).toContain('exception legacy {\n    namespaces "legacy"\n    rules privileged');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
    const podsOnly = importArtifacts([{ path: 'p.yaml', text: privileged + withKinds('Pod') }], { today });
    expect(podsOnly.diagnostics.map((d) => d.message).join('\n')).toMatch(/for some of the kinds it judges but not others \(kinds CronJob, DaemonSet, Deployment, Job, ReplicaSet, StatefulSet/);
  });

  it('an exception for a policy the input does not hold is SP3001', () => {
    const out = importArtifacts([{ path: 'e.yaml', text: exception('privileged') }], { today });
    expect(out.diagnostics.map((x) => x.message).join('\n')).toMatch(/names no-privileged, which the input does not hold/);
  });
});

describe('import: Kyverno Equals/NotEquals on a field, with wildcards', () => {
  const images = (operator: string, value: string, key = '{{ element.image }}') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: images
spec:
  validationFailureAction: Enforce
  rules:
    - name: registry
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: bad image
        foreach:
          - list: "request.object.spec.containers"
            deny:
              conditions:
                any:
                  - key: "${key}"
                    operator: ${operator}
                    value: "${value}"
`;

  it('Equals with a wildcard is a glob match, proven', async () => {
    const r = await importPolicies([{ path: 'p.yaml', text: images('Equals', '*:latest') }], { today, verify: proof });
    expect(r.value!.files[0]!.text).toContain('forbid any app container has image matches "*:latest"');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
  });

  it('NotEquals also leaves out keys Kyverno reads as quantities, proven (a key that is only a duration is compared as text)', async () => {
    const r = await importPolicies([{ path: 'p.yaml', text: images('NotEquals', 'ghcr.io/acme/*') }], { today, verify: proof });
    expect(r.value!.files[0]!.text).toMatch(/forbid any app container has \(image exists and not image matches regex "\^\[\+-\]\?.*" and not image matches "ghcr\.io\/acme\/\*"\)/);
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
  });

  it('a value Kyverno may read as a quantity, and a plain key that may be missing, are SP3001', () => {
    const a = importArtifacts([{ path: 'p.yaml', text: images('Equals', '100m') }], { today });
    expect(a.diagnostics.map((d) => d.message).join('\n')).toMatch(/may compare as a duration or quantity/);
    const b = importArtifacts([{ path: 'p.yaml', text: images('Equals', 'Always', '{{ element.imagePullPolicy }}') }], { today });
    expect(b.diagnostics.map((d) => d.message).join('\n')).toMatch(/reports as an error when the field is missing \(write \[element\.imagePullPolicy\]\[0\]/);
  });
});

describe('import: Kyverno LessThan on a number field', () => {
  it('a foreach container with runAsUser LessThan 1000 is an any-container rule, proven; a text value is refused', async () => {
    const text = (value: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: uid
spec:
  validationFailureAction: Enforce
  rules:
    - name: high-uid
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: low uid
        foreach:
          - list: "request.object.spec.containers"
            deny:
              conditions:
                any:
                  - key: "{{ [element.securityContext.runAsUser][0] }}"
                    operator: LessThan
                    value: ${value}
`;
    const r = await importPolicies([{ path: 'p.yaml', text: text('1000') }], { today, verify: proof });
    expect(r.value!.files[0]!.text).toContain('forbid any app container has securityContext.runAsUser < 1000');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
    const bad = importArtifacts([{ path: 'p.yaml', text: text('"1h"') }], { today });
    expect(bad.diagnostics.map((d) => d.message).join('\n')).toMatch(/only numbers are compared/);
  });
});

describe('import: hostile text stays data', () => {
  it('quotes, braces and line breaks from JMESPath literals, exception names and namespaces end up inside secpol strings', () => {
    const hostile = 'x"\n}\nrule evil { forbid metadata exists } #';
    const policy = YAML.parse(privileged) as { spec: { rules: { validate: { foreach: { preconditions: { all: { key: string }[] } }[] } }[] } };
    policy.spec.rules[0]!.validate.foreach[0]!.preconditions.all[0]!.key = `{{ element.name != \`${JSON.stringify(hostile)}\` }}`;
    const ex = YAML.parse(exception('privileged, autogen-privileged, autogen-cronjob-privileged').replace(/^---\n/, '')) as { metadata: { name: string }; spec: { match: { any: { resources: { namespaces: string[] } }[] } } };
    ex.metadata.name = 'evil"} rule';
    const out = importArtifacts([{ path: 'p.yaml', text: `${YAML.stringify(policy)}---\n${YAML.stringify(ex)}` }], { today });
    const file = out.value!.files[0]!;
    expect(file.set!.policies[0]!.rules.map((r) => r.name)).toEqual(['privileged']);
    expect(file.text).not.toMatch(/^\s*rule evil/m);
    expect(file.text).toContain('exception evil-rule {');
    expect(file.text).toContain(`name = ${JSON.stringify(hostile)}`);
    // A namespace that is no namespace name stays a string: the checker rejects it, and the rule is not imported.
    ex.spec.match.any[0]!.resources.namespaces = ['a"\n}\nrule evil {'];
    const bad = importArtifacts([{ path: 'p.yaml', text: `${YAML.stringify(policy)}---\n${YAML.stringify(ex)}` }], { today });
    expect(bad.value!.files[0]!.policy.rules).toEqual([]);
    expect(bad.value!.files[0]!.text).not.toMatch(/^\s*rule evil/m);
  });
});

describe('import: Kyverno foreach with a pattern', () => {
  it('each element is the pattern\'s scope: an element that does not match fails the rule, proven', async () => {
    const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ro-rootfs
spec:
  validationFailureAction: Enforce
  rules:
    - name: read-only
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: the root filesystem must be read-only
        foreach:
          - list: "request.object.spec.containers"
            pattern:
              securityContext:
                readOnlyRootFilesystem: true
`;
    const r = await importPolicies([{ path: 'p.yaml', text }], { today, verify: proof });
    expect(r.value!.files[0]!.text).toContain('require every app container has securityContext.readOnlyRootFilesystem = true');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
    const out = importArtifacts([{ path: 'p.yaml', text: text.replace('            pattern:', '            elementScope: false\n            pattern:') }], { today });
    expect(out.diagnostics.map((d) => d.message).join('\n')).toMatch(/elementScope: false/);
  });
});

describe('import: a plain object field key', () => {
  it('is refused (Kyverno reports a missing field as an error, which blocks even in Audit), with the form that is read', () => {
    for (const [operator, value] of [['Equals', 'true'], ['AnyIn', '["a"]']] as const) {
      const text = privileged.replace(/foreach:[\s\S]*$/, `deny:
          conditions:
            any:
              - key: "{{ request.object.spec.serviceAccountName }}"
                operator: ${operator}
                value: ${value}
`);
      const out = importArtifacts([{ path: 'p.yaml', text }], { today });
      expect(out.diagnostics.map((d) => d.message).join('\n')).toMatch(/error when the field is missing \((write|compare) \[request\.object\.spec\.serviceAccountName\]\[0\]/);
    }
  });
});

describe('import: Kyverno messages', () => {
  it('{{ element.x }} in a foreach message is the placeholder {x}; an unknown field costs the message, not the rule', async () => {
    const withMessage = (m: string) => privileged.replace('message: privileged containers are not allowed', `message: "${m}"`);
    const r = importArtifacts([{ path: 'p.yaml', text: withMessage('container {{ element.name }} must not be privileged') }], { today });
    expect(r.value!.files[0]!.text).toContain('message "container {name} must not be privileged"');
    const unknown = importArtifacts([{ path: 'p.yaml', text: withMessage('container {{ element.nosuchfield }} must not be privileged') }], { today });
    expect(unknown.value!.files[0]!.policy.rules.map((x) => x.key)).toEqual(['privileged']);
    expect(unknown.value!.files[0]!.text).not.toContain('nosuchfield');
    const other = importArtifacts([{ path: 'p.yaml', text: withMessage('{{ request.operation }} of {{ element.name }}') }], { today });
    expect(other.value!.files[0]!.text).not.toMatch(/^\s*message /m);
  });
});

describe('import: nested Kyverno foreach', () => {
  it('a foreach over each container\'s ports is a nested quantifier, proven', async () => {
    const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: host-ports
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-host-ports
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: host ports are not allowed
        foreach:
          - list: "request.object.spec.containers"
            foreach:
              - list: "element.ports"
                deny:
                  conditions:
                    any:
                      - key: "{{ [element.hostPort][0] }}"
                        operator: GreaterThan
                        value: 0
`;
    const r = await importPolicies([{ path: 'p.yaml', text }], { today, verify: proof });
    expect(r.value!.files[0]!.text).toContain('forbid any app container has any port has hostPort > 0');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
  });
});

describe('import: Kyverno match selector', () => {
  it('is where labels, and turns autogen off for the policy (Pods only), proven', async () => {
    const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: web-no-host-network
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-host-network
      match:
        any:
          - resources:
              kinds: [Pod]
              selector:
                matchLabels:
                  app: web
                matchExpressions:
                  - { key: tier, operator: NotIn, values: [debug] }
      validate:
        message: web pods must not use the host network
        pattern:
          spec:
            =(hostNetwork): false
`;
    const r = await importPolicies([{ path: 'p.yaml', text }], { today, verify: proof });
    const out = r.value!.files[0]!.text;
    expect(out).toContain('where labels app = "web" and tier not in ["debug"]');
    expect(out).toContain('applies to "v1" Pod');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
  });
});

describe('import: a precondition on the operation', () => {
  it('request.operation AnyIn [CREATE, UPDATE] adds nothing to secpol\'s default scope, proven', async () => {
    const text = privileged.replace('      validate:\n        message: privileged', `      preconditions:
        all:
          - key: "{{ request.operation || 'BACKGROUND' }}"
            operator: AnyIn
            value: [CREATE, UPDATE]
      validate:
        message: privileged`);
    expect(text).toContain('operator: AnyIn');
    const r = await importPolicies([{ path: 'p.yaml', text }], { today, verify: proof });
    expect(r.value!.files[0]!.text).not.toContain('when ');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven']);
  });
});
