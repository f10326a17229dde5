/**
 * Preconditions, deny conditions, operators and variables, from the Kyverno docs
 * (https://kyverno.io/docs/writing-policies/preconditions/, validate/#deny-rules, variables/, jmespath/).
 */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, run, statusOf } from './harness.js';

/** A deny rule on Pods whose single `all` condition is `key <op> value` (YAML scalars or flow lists). */
function denyWhen(key: string, operator: string, value: string): string {
  return policyWith(`
message: denied
deny:
  conditions:
    all:
    - key: ${key}
      operator: ${operator}
      value: ${value}`);
}

/** True when the condition holds (the deny rule fails the resource). */
function holds(key: string, operator: string, value: string, resource: unknown = pod({})): boolean {
  const status = statusOf(denyWhen(key, operator, value), resource);
  if (status !== 'fail' && status !== 'pass') throw new Error(`unexpected status ${status}`);
  return status === 'fail';
}

describe('Equals / NotEquals', () => {
  it('compares strings with wildcards in the value (docs: *.mycompany.com)', () => {
    expect(holds('"app.mycompany.com"', 'Equals', '"*.mycompany.com"')).toBe(true);
    expect(holds('"app.other.com"', 'Equals', '"*.mycompany.com"')).toBe(false);
    expect(holds('"app.other.com"', 'NotEquals', '"*.mycompany.com"')).toBe(true);
  });

  it('compares numbers, booleans and numbers given as strings', () => {
    expect(holds('5', 'Equals', '5')).toBe(true);
    expect(holds('5', 'Equals', '"5"')).toBe(true);
    expect(holds('true', 'Equals', 'true')).toBe(true);
    expect(holds('true', 'NotEquals', 'false')).toBe(true);
  });

  it('compares quantities and durations by value', () => {
    expect(holds('"1Gi"', 'Equals', '"1024Mi"')).toBe(true);
    expect(holds('"1h"', 'Equals', '"60m"')).toBe(true);
    expect(holds('"1h"', 'Equals', '3600')).toBe(true);
  });

  it('compares objects and lists structurally', () => {
    expect(holds('"{{ request.object.metadata.labels }}"', 'Equals', '{app: web}', pod({}, { labels: { app: 'web' } }))).toBe(true);
    expect(holds('[a, b]', 'Equals', '[a, b]')).toBe(true);
    expect(holds('[a, b]', 'NotEquals', '[b, a]')).toBe(true);
  });

  it('operator names are case-insensitive', () => {
    expect(holds('"x"', 'equals', '"x"')).toBe(true);
  });
});

describe('set operators', () => {
  it('AnyIn: any key in the values (docs: serviceAccountName AnyIn)', () => {
    expect(holds('[a, z]', 'AnyIn', '[a, b]')).toBe(true);
    expect(holds('[y, z]', 'AnyIn', '[a, b]')).toBe(false);
    expect(holds('"kube-system"', 'AnyIn', '["default", "kube-*"]')).toBe(true);
  });

  it('AllIn: every key in the values', () => {
    expect(holds('[a, b]', 'AllIn', '[a, b, c]')).toBe(true);
    expect(holds('[a, d]', 'AllIn', '[a, b, c]')).toBe(false);
  });

  it('AnyNotIn: some key outside the values (the disallow-capabilities idiom)', () => {
    expect(holds('[CHOWN, NET_RAW]', 'AnyNotIn', '[CHOWN, KILL]')).toBe(true);
    expect(holds('[CHOWN]', 'AnyNotIn', '[CHOWN, KILL]')).toBe(false);
    expect(holds('[]', 'AnyNotIn', '[CHOWN, KILL]')).toBe(false);
  });

  it('AllNotIn: no key in the values', () => {
    expect(holds('[x, y]', 'AllNotIn', '[a, b]')).toBe(true);
    expect(holds('[x, a]', 'AllNotIn', '[a, b]')).toBe(false);
  });

  it('numeric keys are compared as text and ranges apply (the host port range idiom)', () => {
    expect(holds('[8080]', 'AnyNotIn', '"5000-6000"')).toBe(true);
    expect(holds('[5500]', 'AnyNotIn', '"5000-6000"')).toBe(false);
    expect(holds('[5500]', 'AnyIn', '"5000-6000"')).toBe(true);
    expect(holds('80', 'AnyIn', '[80, 443]')).toBe(true);
  });

  it('the value may be a JSON array written as a string', () => {
    expect(holds('"b"', 'AnyIn', `'["a", "b"]'`)).toBe(true);
  });

  it('deprecated In / NotIn still evaluate', () => {
    expect(holds('"b"', 'In', '[a, b]')).toBe(true);
    expect(holds('"c"', 'NotIn', '[a, b]')).toBe(true);
  });
});

describe('ordering operators', () => {
  it('GreaterThan and friends compare numbers', () => {
    expect(holds('3', 'GreaterThan', '2')).toBe(true);
    expect(holds('2', 'GreaterThanOrEquals', '2')).toBe(true);
    expect(holds('2', 'LessThan', '2')).toBe(false);
    expect(holds('"10"', 'LessThanOrEquals', '11')).toBe(true);
  });

  it('compare quantities of different scales (docs: resource-quantities memory LessThan 1Gi)', () => {
    expect(holds('"512Mi"', 'LessThan', '"1Gi"')).toBe(true);
    expect(holds('"2Gi"', 'LessThan', '"1Gi"')).toBe(false);
    expect(holds('"1500m"', 'GreaterThan', '"1"')).toBe(true);
  });

  it('compare durations and semantic versions', () => {
    expect(holds('"2h"', 'GreaterThan', '"90m"')).toBe(true);
    expect(holds('"1.10.0"', 'GreaterThan', '"1.9.3"')).toBe(true);
    expect(holds('"1.2.3"', 'LessThan', '"1.2.3-rc.1"')).toBe(false);
  });

  it('the deprecated Duration* operators compare durations', () => {
    expect(holds('"2h"', 'DurationGreaterThan', '"1h"')).toBe(true);
    expect(holds('"30m"', 'DurationLessThanOrEquals', '"1h"')).toBe(true);
  });
});

describe('preconditions', () => {
  const withPreconditions = (preconditions: string): string =>
    policyWith('pattern:\n  spec:\n    hostNetwork: false', { extra: preconditions.replace(/^\n/, '').split('\n').map((l) => `      ${l}`).join('\n') });

  it('a false precondition skips the rule (docs: validate-nodeport-trafficpolicy)', () => {
    const policy = withPreconditions(`
preconditions:
  all:
  - key: "{{ request.object.metadata.labels.app || '' }}"
    operator: Equals
    value: web`);
    expect(statusOf(policy, pod({ hostNetwork: true }, { labels: { app: 'web' } }))).toBe('fail');
    expect(statusOf(policy, pod({ hostNetwork: true }, { labels: { app: 'db' } }))).toBe('skip');
    expect(statusOf(policy, pod({ hostNetwork: true }))).toBe('skip');
  });

  it('any is a logical OR, all a logical AND, and both blocks must hold (docs: any-all-preconditions)', () => {
    const policy = withPreconditions(`
preconditions:
  any:
  - key: "{{ request.object.metadata.labels.color || '' }}"
    operator: Equals
    value: blue
  - key: "{{ request.object.metadata.labels.app || '' }}"
    operator: Equals
    value: busybox
  all:
  - key: "{{ request.object.metadata.labels.animal || '' }}"
    operator: Equals
    value: cow`);
    const labelled = (labels: Record<string, string>): unknown => pod({ hostNetwork: true }, { labels });
    expect(statusOf(policy, labelled({ color: 'red', app: 'busybox', animal: 'cow' }))).toBe('fail');
    expect(statusOf(policy, labelled({ color: 'red', app: 'nginx', animal: 'cow' }))).toBe('skip');
    expect(statusOf(policy, labelled({ color: 'blue', animal: 'dog' }))).toBe('skip');
  });

  it('the legacy list form ANDs its conditions', () => {
    const policy = withPreconditions(`
preconditions:
- key: "{{ request.operation }}"
  operator: Equals
  value: CREATE`);
    expect(statusOf(policy, pod({ hostNetwork: true }))).toBe('fail');
    expect(statusOf(policy, pod({ hostNetwork: true }), { operation: 'UPDATE' })).toBe('skip');
  });

  it('an unresolvable variable is an error, a default with || is not (docs: non-existence checks)', () => {
    const strict = withPreconditions(`
preconditions:
  all:
  - key: "{{ request.object.metadata.labels.app }}"
    operator: Equals
    value: web`);
    expect(statusOf(strict, pod({}))).toBe('error');
  });
});

describe('deny rules', () => {
  it('deny when any condition holds, with the rule message (docs: team = eng / unit = green)', () => {
    const policy = policyWith(`
message: Main message is here.
deny:
  conditions:
    any:
    - key: "{{ request.object.metadata.labels.team || '' }}"
      operator: Equals
      value: eng
    - key: "{{ request.object.metadata.labels.unit || '' }}"
      operator: Equals
      value: green`);
    const [denied] = run(policy, pod({}, { labels: { team: 'eng' } }));
    expect(denied?.status).toBe('fail');
    expect(denied?.message).toBe('Main message is here.');
    expect(statusOf(policy, pod({}, { labels: { team: 'ops', unit: 'blue' } }))).toBe('pass');
  });

  it('an empty deny always denies (docs: block-updates-to-custom-resource)', () => {
    expect(statusOf(policyWith('message: no\ndeny: {}'), pod({}))).toBe('fail');
  });

  it('substitutes variables in the message', () => {
    const policy = policyWith(`
message: "Deleting {{ request.object.kind }}/{{ request.object.metadata.name }} is not allowed"
deny:
  conditions:
    any:
    - key: "{{ request.operation }}"
      operator: Equals
      value: CREATE`);
    expect(run(policy, pod({}))[0]?.message).toBe('Deleting Pod/p1 is not allowed');
  });

  it('on DELETE, request.object refers to the old object', () => {
    const policy = policyWith(`
message: "Deleting {{ request.object.metadata.name }} is not allowed"
deny:
  conditions:
    any:
    - key: "{{ request.operation }}"
      operator: Equals
      value: DELETE`);
    const [result] = run(policy, pod({}), { operation: 'DELETE' });
    expect(result?.status).toBe('fail');
    expect(result?.message).toBe('Deleting p1 is not allowed');
  });
});

describe('variables and JMESPath', () => {
  it('flattens containers of all kinds (docs: Flattening Arrays)', () => {
    const resource = pod({ initContainers: [{ name: 'i', image: 'redis' }], containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'nginx' }] });
    expect(holds('busybox', 'AnyIn', '"{{ request.object.spec.[initContainers, containers][].image }}"', resource)).toBe(true);
    expect(holds('alpine', 'AnyIn', '"{{ request.object.spec.[initContainers, containers][].image }}"', resource)).toBe(false);
  });

  it('supports filters, pipes and built-in functions', () => {
    const resource = pod({ volumes: [{ name: 'a', hostPath: { path: '/' } }, { name: 'b', emptyDir: {} }] });
    expect(holds('"{{ request.object.spec.volumes[?hostPath].name | length(@) }}"', 'Equals', '1', resource)).toBe(true);
    expect(holds('"{{ contains(request.object.metadata.name, \'p\') }}"', 'Equals', 'true', resource)).toBe(true);
  });

  it('supports Kyverno custom functions', () => {
    expect(holds('"{{ to_upper(\'abc\') }}"', 'Equals', 'ABC')).toBe(true);
    expect(holds('"{{ split(\'a,b\', \',\') | length(@) }}"', 'Equals', '2')).toBe(true);
    expect(holds('"{{ regex_match(\'^v[0-9]+$\', \'v12\') }}"', 'Equals', 'true')).toBe(true);
    expect(holds('"{{ pattern_match(\'nginx:*\', \'nginx:1.2\') }}"', 'Equals', 'true')).toBe(true);
    expect(holds('"{{ truncate(\'abcdef\', `3`) }}"', 'Equals', 'abc')).toBe(true);
    expect(holds('"{{ compare(\'a\', \'b\') }}"', 'Equals', '-1')).toBe(true);
    expect(holds('"{{ equal_fold(\'Go\', \'GO\') }}"', 'Equals', 'true')).toBe(true);
    expect(holds('"{{ replace_all(\'a-b-c\', \'-\', \'.\') }}"', 'Equals', 'a.b.c')).toBe(true);
    expect(holds('"{{ base64_decode(\'aGVsbG8=\') }}"', 'Equals', 'hello')).toBe(true);
    expect(holds('"{{ add(\'100Mi\', \'100Mi\') }}"', 'Equals', '200Mi')).toBe(true);
    expect(holds('"{{ add(\'1h\', \'5s\') }}"', 'Equals', '1h0m5s')).toBe(true);
    expect(holds('"{{ divide(\'10Mi\', \'5Ki\') }}"', 'Equals', '2048')).toBe(true);
    expect(holds('"{{ parse_json(\'{\\"a\\": 1}\').a }}"', 'Equals', '1')).toBe(true);
    expect(holds('"{{ semver_compare(\'1.2.3\', \'>=1.0.0\') }}"', 'Equals', 'true')).toBe(true);
    expect(holds('"{{ label_match(`{\\"app\\": \\"web\\"}`, request.object.metadata.labels) }}"', 'Equals', 'true', pod({}, { labels: { app: 'web', x: 'y' } }))).toBe(true);
  });

  it('exposes request.userInfo, roles and service account variables', () => {
    const userInfo = { username: 'system:serviceaccount:ci:builder', groups: ['system:serviceaccounts'], roles: ['ci:deployer'] };
    expect(holds('"{{ serviceAccountName }}"', 'Equals', 'builder', pod({}))).toBe(false);
    expect(statusOf(denyWhen('"{{ serviceAccountName }}"', 'Equals', 'builder'), pod({}), { userInfo })).toBe('fail');
    expect(statusOf(denyWhen('"{{ request.userInfo.username }}"', 'Equals', '"system:serviceaccount:*"'), pod({}), { userInfo })).toBe('fail');
    expect(statusOf(denyWhen('"{{ request.roles }}"', 'AnyIn', '["ci:deployer"]'), pod({}), { userInfo })).toBe('fail');
  });

  it('exposes image information as the images variable', () => {
    const resource = pod({ containers: [{ name: 'web', image: 'nginx' }] });
    expect(holds('"{{ images.containers.web.tag }}"', 'Equals', 'latest', resource)).toBe(true);
    expect(holds('"{{ images.containers.web.registry }}"', 'Equals', 'docker.io', resource)).toBe(true);
  });

  it('keeps escaped variables literal', () => {
    expect(holds(`'\\{{ not.a.variable }}'`, 'Equals', `'\\{{ not.a.variable }}'`)).toBe(true);
  });
});

describe('substitution before evaluation', () => {
  // Kyverno substitutes the whole any/all block before evaluating a condition (validateDeny: SubstituteAll on the
  // block, then EvaluateConditions), so a variable that fails in a condition `any` would skip is still an error.
  const block = (mode: 'any' | 'all') =>
    policyWith(`
message: denied
deny:
  conditions:
    ${mode}:
    - key: "{{ request.object.metadata.name }}"
      operator: Equals
      value: ${mode === 'any' ? 'p' : 'other'}
    - key: "{{ request.object.spec.missing.field }}"
      operator: Equals
      value: x`);

  it('an unknown key in a condition after the deciding one makes the rule an error, in any and in all', () => {
    expect(statusOf(block('any'), pod({}, { name: 'p' }))).toBe('error');
    expect(statusOf(block('all'), pod({}, { name: 'p' }))).toBe('error');
  });
});
