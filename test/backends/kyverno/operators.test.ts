/**
 * `deny` conditions with Kyverno's own operators (issue 16; src/backends/kyverno/operators.ts): the condition each test
 * shape gets, that the offline engine on the emitted YAML agrees with the semantics on admitted objects and on values
 * Kyverno's operators read specially (wildcards, quantities, durations, ''), that literals Kyverno would read as
 * something else keep the boolean form, and that a wrong operator is caught by verify.
 */
import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { engineAdapters } from '../../../src/verify/adapters/index.js';
import { compareRequest, renderDisagreement, type GeneratedRequest } from '../../../src/verify/index.js';
import { verifyPolicies } from '../../../src/verify/verify.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { clusterPolicy } from './harness.js';

function emit(text: string) {
  const set = irOf(text);
  const out = kyvernoBackend.emit(set);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { set, files: out.value ?? [] };
}

/** Each rule's deny conditions (the foreach entry's for a foreach rule). */
function conditionsOf(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of clusterPolicy(emit(text).files).spec.rules) out[r.name] = (r.validate.foreach?.[0] ?? r.validate).deny?.conditions;
  return out;
}

const shapes = dsl`
  policy shapes {
    applies to pods
    rule memory { forbid any container has resources.limits.memory > 2Gi }
    rule cpu-floor { forbid any container has resources.requests.cpu < 100m }
    rule uid { forbid any container has (securityContext.runAsUser < 1000 or image matches "*:latest") }
    rule uid-zero { forbid spec.securityContext.runAsUser = 0 and any container has image matches "*:dev" }
    rule fixed-uid { require every container has (securityContext.runAsUser = 1000 and image matches "registry.example.com/*") }
    rule uids { forbid any container has securityContext.runAsUser in [0, 1] }
    rule pull { forbid any container has (imagePullPolicy in ["Never", "Always"] or image matches "*:latest") }
    rule sa { forbid spec.serviceAccountName = "default" or any container has image matches "*:dev" }
    rule label { require metadata.labels.team is not empty }
    rule read-only { require every container has (securityContext.readOnlyRootFilesystem = true or image matches "*:debug") }
    rule add { require every container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE", "CHOWN"] }
    rule drop { require every container has securityContext.capabilities.drop contains "ALL" }
    rule mixed { forbid spec.hostNetwork = true and spec.securityContext.runAsUser = 0 and any container has image matches "*:latest" }
  }`;

describe('the condition per test shape', () => {
  const key = (k: string) => `{{ ${k} || '' }}`;
  it('writes Kyverno operators with short keys', () => {
    const c = conditionsOf(shapes);
    // In decimal digits: Kyverno compares `2Gi` with no number key (a manifest's `memory: 3221225472`), and reads
    // `100m` as 100 minutes first.
    expect(c['memory']).toEqual({ all: [{ key: key('element.resources.limits.memory'), operator: 'GreaterThan', value: '2147483648' }] });
    expect(c['cpu-floor']).toEqual({ all: [{ key: key('element.resources.requests.cpu'), operator: 'LessThan', value: '0.1' }] });
    // A part with no operator form (a glob) keeps a boolean condition next to the operators.
    const withBoolean = (c: unknown, mode: 'any' | 'all', exact: unknown[]) => {
      const list = (c as Record<string, { key: string; operator: string; value: unknown }[]>)[mode]!;
      expect(list.slice(0, exact.length)).toEqual(exact);
      expect(list.slice(exact.length)).toEqual([expect.objectContaining({ operator: 'Equals', value: true })]);
      expect(list[exact.length]!.key).toContain('pattern_match');
    };
    withBoolean(c['uid'], 'any', [{ key: key('element.securityContext.runAsUser'), operator: 'LessThan', value: 1000 }]);
    withBoolean(c['uid-zero'], 'all', [{ key: key('request.object.spec.securityContext.runAsUser'), operator: 'Equals', value: 0 }]);
    withBoolean(c['fixed-uid'], 'any', [{ key: key('element.securityContext.runAsUser'), operator: 'NotEquals', value: 1000 }]);
    expect(c['uids']).toEqual({ any: [0, 1].map((value) => ({ key: key('element.securityContext.runAsUser'), operator: 'Equals', value })) });
    withBoolean(c['pull'], 'any', ['Never', 'Always'].map((value) => ({ key: key('element.imagePullPolicy'), operator: 'Equals', value })));
    withBoolean(c['sa'], 'any', [{ key: key('request.object.spec.serviceAccountName'), operator: 'Equals', value: 'default' }]);
    expect(c['label']).toEqual({ all: [{ key: key('request.object.metadata.labels.team'), operator: 'Equals', value: '' }] });
    withBoolean(c['read-only'], 'all', [{ key: key('element.securityContext.readOnlyRootFilesystem'), operator: 'NotEquals', value: true }]);
    expect(c['add']).toEqual({
      any: [
        { key: '{{ element.securityContext.capabilities.add || `[]` }}', operator: 'AnyNotIn', value: ['NET_BIND_SERVICE', 'CHOWN'] },
        { key: "{{ (element.securityContext.capabilities.add || `[]`)[?contains(@, '*') || contains(@, '?')] }}", operator: 'NotEquals', value: [] },
      ],
    });
    expect(c['drop']).toEqual({ all: [{ key: 'ALL', operator: 'AnyNotIn', value: "{{ (element.securityContext.capabilities.drop || `[]`)[?!contains(@, '*') && !contains(@, '?')] }}" }] });
    // An `and` is `all`; the part with no operator form (a quantifier) keeps a boolean condition.
    const mixed = (c['mixed'] as { all: { key: string; operator: string; value: unknown }[] }).all;
    expect(mixed.slice(0, 2)).toEqual([
      { key: key('request.object.spec.hostNetwork'), operator: 'Equals', value: true },
      { key: key('request.object.spec.securityContext.runAsUser'), operator: 'Equals', value: 0 },
    ]);
    expect(mixed[2]).toMatchObject({ operator: 'Equals', value: true });
    expect(mixed[2]!.key).toContain('pattern_match');
  });

  it('keeps the boolean form for CRDs, negated string tests, the controller name and DELETE', () => {
    const booleanOnly = (text: string) => Object.values(conditionsOf(text)).every((c) => JSON.stringify(c).match(/"operator":"(\w+)"/g)?.every((o) => o === '"operator":"Equals"') && JSON.stringify(c).includes('"value":true'));
    expect(booleanOnly(dsl`
      policy c {
        applies to "dapr.io/v1alpha1" Component
        rule r { require spec.type = "state" }
      }`)).toBe(true);
    expect(booleanOnly(dsl`
      policy n {
        applies to pods
        rule r { require spec.schedulerName = "default-scheduler" or spec.priorityClassName = "high" }
        rule name { forbid metadata.name = "bad" }
      }`)).toBe(true);
    expect(booleanOnly(dsl`
      policy d {
        applies to pods
        on create, delete
        rule r { forbid spec.securityContext.runAsUser = 0 and spec.hostNetwork = true }
      }`)).toBe(true);
  });
});

const request = (object: Record<string, unknown>): GeneratedRequest => ({ object, operation: 'CREATE', namespace: 'default', namespaceLabels: {} });

describe('operator conditions agree with the semantics', () => {
  it('on admitted requests (800, seed 16), every rule exercised', () => {
    const { set, files } = emit(shapes);
    const [report] = verifyPolicies(set, engineAdapters['kyverno']!(files), { runs: 800, seed: 16 });
    expect(report!.disagreement && renderDisagreement(report!.disagreement)).toBeUndefined();
  });

  it('on values the operators read specially: wildcard elements, quantity- and duration-like strings, numbers for quantities (as a manifest has them), empty strings', () => {
    const { set, files } = emit(shapes);
    const adapters = engineAdapters['kyverno']!(files);
    const caps = [[], ['*'], ['N?T_BIND_SERVICE'], ['NET_*'], ['CHOWN', '*'], ['NET_BIND_SERVICE'], ['ALL'], ['all'], ['A*'], ['ALL', '*'], ['?LL']];
    const strings = ['', '5', '5m', '1h', '1-5', 'Never', 'Never*', '*', 'default', 'default?', '!default'];
    const quantities: (string | number)[] = ['2Gi', '2147483648', 3221225472, 2147483648, '3Gi', '5m', '0', '1e3', '100m', 0.05, '0.1'];
    for (const [i, add] of caps.entries()) {
      const s = strings[i % strings.length]!;
      const q = quantities[i % quantities.length]!;
      const object = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'default', labels: { team: s } },
        spec: {
          serviceAccountName: s,
          containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: s, resources: { limits: { memory: q }, requests: { cpu: q } }, securityContext: { capabilities: { add, drop: caps[(i + 3) % caps.length] } } }],
        },
      };
      const split = compareRequest(set.policies[0]!, adapters, request(object), {});
      expect(split && renderDisagreement(split), JSON.stringify({ add, s, q })).toBeUndefined();
    }
  });
});

describe('a wrong operator is caught by verify', () => {
  it.each([
    ['GreaterThan', 'GreaterThanOrEquals', 'memory'],
    ['LessThan', 'LessThanOrEquals', 'cpu-floor'],
    ['NotEquals\n                  value: 1000', 'Equals\n                  value: 1000', 'fixed-uid'],
  ])('%s written as %s', (from, to, rule) => {
    const { set, files } = emit(shapes);
    const broken = files.map((f) => ({ ...f, content: f.content.replace(`operator: ${from}`, `operator: ${to}`) }));
    expect(broken.map((f) => f.content).join()).not.toBe(files.map((f) => f.content).join());
    const [report] = verifyPolicies(set, engineAdapters['kyverno']!(broken), { runs: 800, seed: 16 });
    expect(report!.disagreement?.rule).toBe(rule);
  });

  it('AnyNotIn without the condition for wildcard elements lets `add: ["*"]` through', () => {
    const { set, files } = emit(shapes);
    const broken = files.map((f) => ({ ...f, content: f.content.replace(/\n\s+- key: "\{\{ \(element\.securityContext\.capabilities\.add[^\n]*\n\s+operator: NotEquals\n\s+value: \[\]/, '') }));
    expect(broken.map((f) => f.content).join()).not.toBe(files.map((f) => f.content).join());
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx:1', securityContext: { capabilities: { add: ['*'], drop: ['ALL'] } } }] } };
    expect(compareRequest(set.policies[0]!, engineAdapters['kyverno']!(files), request(object), {})).toBeUndefined();
    expect(compareRequest(set.policies[0]!, engineAdapters['kyverno']!(broken), request(object), {})?.rule).toBe('add');
  });
});

/** Literals Kyverno's operators read as something else keep the boolean form, with the semantics' verdicts. */
describe('hostile literals keep the boolean form', () => {
  const hostile = ['*', 'a?c', '5', '5m', '1-5', '{{ request.object.metadata.name }}', '$(./x)', 'request.object.spec.x', ' padded', ''];
  it.each(hostile)('%j', (literal) => {
    const q = JSON.stringify(literal);
    const text = dsl`
      policy h {
        applies to pods
        rule eq { forbid spec.schedulerName = ${q} }
        rule among { forbid spec.priorityClassName in [${q}, "other"] }
        rule caps { require every container has securityContext.capabilities.add contains only [${q}] }
        rule drop { require every container has securityContext.capabilities.drop contains ${q} }
      }`;
    const c = conditionsOf(text);
    for (const rule of ['eq', 'among', 'caps', 'drop']) {
      expect(c[rule], rule).toEqual({ all: [expect.objectContaining({ operator: 'Equals', value: true })] });
    }
    const { set, files } = emit(text);
    const adapters = engineAdapters['kyverno']!(files);
    for (const value of [literal, 'abc', 'other', 'x', '7']) {
      const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { schedulerName: value, priorityClassName: value, containers: [{ name: 'c', image: 'nginx:1', securityContext: { capabilities: { add: [value], drop: [value] } } }] } };
      const split = compareRequest(set.policies[0]!, adapters, request(object), {});
      expect(split && renderDisagreement(split), `value ${JSON.stringify(value)}`).toBeUndefined();
    }
  });
});

describe('field comparisons with the numeric operators (docs/backends/kyverno.md, "Comparing two fields")', () => {
  const key = (k: string) => `{{ ${k} || '' }}`;
  const compare = dsl`
      policy compare {
        applies to pods
        rule cpu { require every container has resources.limits.cpu <= 4 * resources.requests.cpu }
        rule half { require every container has resources.limits.cpu > 0.5 * resources.requests.cpu }
        rule memory { forbid any container has resources.requests.memory > 2 * resources.limits.memory }
        rule deadline { require spec.activeDeadlineSeconds >= spec.terminationGracePeriodSeconds + 30 }
        rule grace { forbid spec.terminationGracePeriodSeconds > spec.activeDeadlineSeconds - 1 }
        rule mixed { require every container has (resources.limits.cpu <= 2 * resources.requests.cpu or image matches "*:debug") }
      }`;
  const c = () => conditionsOf(compare);

  it('the engine on the emitted YAML agrees with the semantics on admitted requests (600, seed 9)', () => {
    const { set, files } = emit(compare);
    const [report] = verifyPolicies(set, engineAdapters['kyverno']!(files), { runs: 600, seed: 9 });
    expect(report!.disagreement && renderDisagreement(report!.disagreement)).toBeUndefined();
    for (const rule of ['cpu', 'half', 'memory', 'deadline', 'grace']) expect(report!.outcomes[rule]?.fail, rule).toBeGreaterThan(0);
  });

  it('a require is any: either field missing, or the comparison negated; a fraction multiplies both sides', () => {
    const got = c();
    expect(got['cpu']).toEqual({
      any: [
        { key: key('element.resources.limits.cpu'), operator: 'Equals', value: '' },
        { key: key('element.resources.requests.cpu'), operator: 'Equals', value: '' },
        { key: key('element.resources.limits.cpu'), operator: 'GreaterThan', value: "{{ multiply(element.resources.requests.cpu || '0', `4`) }}" },
      ],
    });
    expect((got['half'] as { any: unknown[] }).any[2]).toEqual({ key: "{{ multiply(element.resources.limits.cpu || '0', `2`) }}", operator: 'LessThanOrEquals', value: key('element.resources.requests.cpu') });
    expect((got['deadline'] as { any: unknown[] }).any[2]).toEqual({ key: key('request.object.spec.activeDeadlineSeconds'), operator: 'LessThan', value: '{{ add(request.object.spec.terminationGracePeriodSeconds || `0`, `30`) }}' });
  });

  it('a forbid of quantities is all: the field read as \'0\' present, then the comparison; integers and mixes keep the boolean form', () => {
    const got = c();
    expect(got['memory']).toEqual({
      all: [
        { key: key('element.resources.limits.memory'), operator: 'GreaterThanOrEquals', value: '0' },
        { key: key('element.resources.requests.memory'), operator: 'GreaterThan', value: "{{ multiply(element.resources.limits.memory || '0', `2`) }}" },
      ],
    });
    expect(got['grace']).toEqual({ all: [expect.objectContaining({ operator: 'Equals', value: true })] });
    // The violation `not (x <= 2y) and not glob` is an `all` the comparison's three alternatives cannot join.
    expect(got['mixed']).toEqual({ all: [expect.objectContaining({ operator: 'Equals', value: true })] });
  });
});
