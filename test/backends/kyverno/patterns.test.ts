/**
 * Kyverno `pattern` / `anyPattern` rules (issue 16 item 1; src/backends/kyverno/pattern.ts): which rule shapes get one,
 * that they agree with the semantics on admitted objects through the offline engine, and that a policy literal Kyverno
 * would read as a wildcard, operator, range, quantity or variable never becomes a pattern leaf.
 */
import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { engineAdapters } from '../../../src/verify/adapters/index.js';
import { compareRequest, renderDisagreement, type GeneratedRequest } from '../../../src/verify/index.js';
import { verifyPolicies } from '../../../src/verify/verify.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { clusterPolicy, documents } from './harness.js';

function emit(text: string) {
  const set = irOf(text);
  const out = kyvernoBackend.emit(set);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { set, files: out.value ?? [] };
}

/** Each rule's validate body kind: pattern, anyPattern, deny, or foreach/pattern and foreach/deny per element. */
function forms(text: string): Record<string, string> {
  const policy = clusterPolicy(emit(text).files);
  const out: Record<string, string> = {};
  for (const r of policy.spec.rules) {
    const body = ['pattern', 'anyPattern', 'foreach', 'deny'].find((k) => r.validate[k] !== undefined) ?? '?';
    out[r.name] = body === 'foreach' ? `foreach/${['pattern', 'deny'].find((k) => r.validate.foreach[0][k] !== undefined) ?? '?'}` : body;
  }
  return out;
}

function validateOf(text: string, rule: string): Record<string, unknown> {
  return clusterPolicy(emit(text).files).spec.rules.find((r: { name: string }) => r.name === rule).validate;
}

describe('the form per rule shape', () => {
  const shapes = dsl`
    policy shapes {
      applies to pods
      rule host-network { forbid spec.hostNetwork = true }
      rule no-escalation { require every container has securityContext.allowPrivilegeEscalation = false }
      rule non-root { require every container has effective runAsNonRoot = true }
      rule no-host-path { forbid any volume has hostPath exists }
      rule host-ports { forbid any container has any port has hostPort > 0 }
      rule one-privileged { require any container has securityContext.privileged = true }
      rule not-every { forbid every container has securityContext.privileged = true }
      rule latest { forbid any container has image matches "*:latest" }
      rule memory { forbid any container has resources.limits.memory > 2Gi }
      rule either { require spec.hostNetwork = true or spec.hostPID = true }
      rule mixed-negation { forbid any volume has (hostPath exists or emptyDir.medium = "Memory") }
    }`;

  it('patterns for field requirements, per container in a foreach when the message names it, deny elsewhere', () => {
    // Every rule here has the default message, which names the offending element of a rule on elements.
    expect(forms(shapes)).toEqual({
      either: 'deny',
      'host-network': 'pattern',
      'host-ports': 'foreach/pattern',
      latest: 'foreach/deny',
      memory: 'foreach/deny',
      'mixed-negation': 'deny',
      'no-escalation': 'foreach/pattern',
      'no-host-path': 'foreach/pattern',
      'non-root': 'foreach/deny',
      'not-every': 'deny',
      'one-privileged': 'deny',
    });
  });

  it('writes the anchors a Kyverno maintainer writes', () => {
    expect(validateOf(shapes, 'host-network')['pattern']).toEqual({ spec: { '=(hostNetwork)': false } });
    const each = (v: Record<string, unknown>) => (v['foreach'] as Record<string, unknown>[])[0]!;
    expect(each(validateOf(shapes, 'no-host-path'))).toEqual({ list: 'request.object.spec.volumes', pattern: { 'X(hostPath)': 'null' } });
    expect(each(validateOf(shapes, 'no-escalation'))).toEqual({
      list: 'request.object.spec.[containers, initContainers, ephemeralContainers][]',
      pattern: { securityContext: { allowPrivilegeEscalation: false } },
    });
    expect(each(validateOf(shapes, 'host-ports'))['pattern']).toEqual({ '=(ports)': [{ '=(hostPort)': '<=0' }] });
    // The message names the failing container: Kyverno substitutes it as `element` in a foreach.
    expect(validateOf(dsl`
      policy m {
        applies to pods
        rule r {
          forbid any container has securityContext.privileged = true
          message "container {name} runs privileged"
        }
      }`, 'r')['message']).toBe('container {{ element.name }} runs privileged');
  });

  it('the whole-object pattern, anyPattern for an effective field, when the message names no element', () => {
    const statics = dsl`
      policy s {
        applies to pods
        rule no-escalation {
          require every container has securityContext.allowPrivilegeEscalation = false
          message "containers must not allow privilege escalation"
        }
        rule non-root {
          require every container has effective runAsNonRoot = true
          message "pods must run as non-root"
        }
      }`;
    expect(forms(statics)).toEqual({ 'no-escalation': 'pattern', 'non-root': 'anyPattern' });
    const each = { securityContext: { allowPrivilegeEscalation: false } };
    expect(validateOf(statics, 'no-escalation')['pattern']).toEqual({ spec: { '=(containers)': [each], '=(initContainers)': [each], '=(ephemeralContainers)': [each] } });
    const [podLevel, everyContainer] = validateOf(statics, 'non-root')['anyPattern'] as Record<string, any>[];
    expect(podLevel!['spec']['securityContext']).toEqual({ runAsNonRoot: true });
    expect(podLevel!['spec']['=(containers)']).toEqual([{ '=(securityContext)': { '=(runAsNonRoot)': true } }]);
    expect(everyContainer!['spec']['=(initContainers)']).toEqual([{ securityContext: { runAsNonRoot: true } }]);
  });

  it('keeps deny for DELETE and kinds the API server does not type', () => {
    expect(forms(dsl`
      policy d {
        applies to pods
        on create, delete
        rule r { forbid spec.hostNetwork = true }
      }`)).toEqual({ r: 'deny' });
    expect(forms(dsl`
      policy e {
        applies to pods
        rule r { forbid any container has securityContext.privileged = true }
        exception debug { images "ghcr.io/acme/debug:*" reason "debug image" }
      }`)).toEqual({ r: 'foreach/pattern' });
    expect(forms(dsl`
      policy c {
        applies to "dapr.io/v1alpha1" Component
        rule r { require spec.type = "state" }
      }`)).toEqual({ r: 'deny' });
  });
});

describe('patterns agree with the semantics on admitted objects', () => {
  const text = dsl`
    policy exact {
      applies to pods
      rule host-network { forbid spec.hostNetwork = true }
      rule sa { forbid spec.serviceAccountName is empty or spec.serviceAccountName = "default" }
      rule token { require spec.automountServiceAccountToken = false }
      rule no-escalation { require every container has securityContext.allowPrivilegeEscalation = false }
      rule privileged { forbid any container has securityContext.privileged = true }
      rule non-root { require every container has effective runAsNonRoot = true }
      rule uid { forbid spec.securityContext.runAsUser = 0 or any container has securityContext.runAsUser = 0 }
      rule min-uid { require every container has securityContext.runAsUser >= 1000 }
      rule pull { require every container has imagePullPolicy not in ["Never", "Always"] }
      rule pull-one { require every container has imagePullPolicy in ["IfNotPresent"] }
      rule no-never { forbid any container has imagePullPolicy = "Never" }
      rule proc { require every container has securityContext.procMount not in ["Unmasked"] }
      rule host-path { forbid any volume has hostPath exists }
      rule host-ports { forbid any container has any port has hostPort > 0 }
      rule limits { require every container has (resources.limits.cpu exists and resources.limits.memory exists) }
      rule seccomp { require spec.securityContext.seccompProfile.type != "Unconfined" }
    }`;

  // The same rules with messages that name no element: whole-object patterns instead of patterns per element.
  const statics = text.replace(/rule (\S+) \{ (.*) \}/g, 'rule $1 {\n $2\n message "rule $1 is violated"\n }');

  it('every rule is a pattern, and the Kyverno engine on the emitted YAML agrees with the semantics (800 admitted requests, seed 18)', () => {
    for (const [source, expected] of [[text, 'foreach/pattern'], [statics, 'pattern']] as const) {
      const { set, files } = emit(source);
      const all = forms(source);
      // Only the effective field has no per-container pattern (it reads the pod too): a short foreach deny.
      const effective = source === text ? 'foreach/deny' : 'anyPattern';
      expect(all['non-root']).toBe(effective);
      expect(Object.entries(all).filter(([, f]) => f !== 'pattern' && f !== effective && f !== expected)).toEqual([]);
      expect(Object.values(all).filter((f) => f === expected).length).toBeGreaterThan(5);
      const [report] = verifyPolicies(set, engineAdapters['kyverno']!(files), { runs: 800, seed: 18 });
      expect(report!.disagreement && renderDisagreement(report!.disagreement)).toBeUndefined();
      expect(report!.unexercised).toEqual([]);
    }
  });

  it('the same check fails on a pattern per container that is wrong on admitted objects', () => {
    const { set, files } = emit(text);
    // A plain key where the anchor belongs: a container without securityContext would then fail the rule.
    const broken = files.map((f) => ({ ...f, content: f.content.replace('"=(securityContext)":\n              "=(privileged)": false', 'securityContext:\n              "=(privileged)": false') }));
    expect(broken.map((f) => f.content).join()).not.toBe(files.map((f) => f.content).join());
    const [report] = verifyPolicies(set, engineAdapters['kyverno']!(broken), { runs: 800, seed: 18 });
    expect(report!.disagreement?.rule).toBe('privileged');
  });

  it('the same check fails on a pattern that is wrong on admitted objects', () => {
    const { set, files } = emit(text);
    // A plain key where the anchor belongs: an absent hostNetwork would then fail the rule.
    const broken = files.map((f) => ({ ...f, content: f.content.replace('"=(hostNetwork)": false', 'hostNetwork: false') }));
    expect(broken.map((f) => f.content).join()).toContain('hostNetwork: false');
    const [report] = verifyPolicies(set, engineAdapters['kyverno']!(broken), { runs: 800, seed: 18 });
    expect(report!.disagreement?.rule).toBe('host-network');
  });
});

/**
 * Literals Kyverno reads as something else in a pattern leaf (pkg/engine/pattern: `|`, `&`, `!`, `>`/`<` prefixes,
 * `a-b` ranges, quantities and durations, `*`/`?` wildcards; `{{ }}` and `$( )` are substituted first; autogen rewrites
 * `request.object.spec` in every string), and values each would wrongly accept or refuse as a pattern.
 */
const hostile: readonly { literal: string; probes: readonly string[] }[] = [
  { literal: '*', probes: ['anything'] },
  { literal: 'sched-*', probes: ['sched-a'] },
  { literal: 'a?c', probes: ['abc'] },
  { literal: 'a|b', probes: ['a', 'b'] },
  { literal: 'a & b', probes: ['a'] },
  { literal: '!default', probes: ['other', 'default'] },
  { literal: '>5', probes: ['7', '3'] },
  { literal: '<=3', probes: ['2'] },
  { literal: '1-5', probes: ['3'] },
  { literal: '100Mi', probes: ['0.1Gi', '104857600'] },
  { literal: '5m', probes: ['300s', '0.005'] },
  { literal: '1', probes: ['1.0', '1000m'] },
  { literal: '{{ request.object.metadata.name }}', probes: ['p'] },
  { literal: '$(./../serviceAccountName)', probes: ['sa'] },
  { literal: 'request.object.spec.schedulerName', probes: ['request.object.spec.template.spec.schedulerName'] },
  { literal: ' padded ', probes: ['padded'] },
  { literal: '', probes: ['x'] },
];

describe('hostile literals never become pattern leaves, and the verdict is the semantics', () => {
  const pod = (value: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { schedulerName: value, priorityClassName: value, hostname: value, serviceAccountName: 'sa', containers: [{ name: 'c', image: 'nginx' }] } });
  const request = (object: Record<string, unknown>): GeneratedRequest => ({ object, operation: 'CREATE', namespace: 'default', namespaceLabels: {} });

  it.each(hostile)('$literal', ({ literal, probes }) => {
    const q = JSON.stringify(literal);
    const text = dsl`
      policy h {
        applies to pods
        rule eq { require spec.schedulerName = ${q} }
        rule ne { forbid spec.priorityClassName = ${q} }
        rule among { require spec.hostname in [${q}, "other"] }
      }`;
    expect(forms(text)).toEqual({ among: 'deny', eq: 'deny', ne: 'deny' });
    const { set, files } = emit(text);
    const adapters = engineAdapters['kyverno']!(files);
    for (const value of [literal, ...probes]) {
      const split = compareRequest(set.policies[0]!, adapters, request(pod(value)), {});
      expect(split && renderDisagreement(split), `value ${JSON.stringify(value)}`).toBeUndefined();
    }
  });

  it('no `a | b` alternatives: Kyverno compares the whole leaf with the value first, and "a | b" is a string a field can hold', () => {
    const text = dsl`
      policy h {
        applies to pods
        rule among { require spec.schedulerName in ["a", "b"] }
        rule outside { forbid spec.priorityClassName not in ["a", "b"] }
        rule neither { require spec.hostname not in ["a", "b"] }
      }`;
    expect(forms(text)).toEqual({ among: 'deny', neither: 'pattern', outside: 'deny' });
    expect(validateOf(text, 'neither')['pattern']).toEqual({ spec: { hostname: '!a & !b' } });
    const { set, files } = emit(text);
    const adapters = engineAdapters['kyverno']!(files);
    for (const value of ['a', 'b', 'c', 'a | b', 'a|b', '!a & !b']) {
      const split = compareRequest(set.policies[0]!, adapters, request(pod(value)), {});
      expect(split && renderDisagreement(split), `value ${JSON.stringify(value)}`).toBeUndefined();
    }
  });

  it('a plain literal is a pattern leaf, with the same verdicts', () => {
    const text = dsl`
      policy h {
        applies to pods
        rule eq { require spec.schedulerName = "default-scheduler" }
      }`;
    expect(validateOf(text, 'eq')['pattern']).toEqual({ spec: { schedulerName: 'default-scheduler' } });
    const { set, files } = emit(text);
    const adapters = engineAdapters['kyverno']!(files);
    for (const value of ['default-scheduler', 'default-scheduler2', 'other']) {
      expect(compareRequest(set.policies[0]!, adapters, request(pod(value)), {})).toBeUndefined();
    }
    expect(documents(files).length).toBe(1);
  });
});
