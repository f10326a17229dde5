import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { constructs, type ConstructId } from '../../../src/backends/capabilities.js';
import { celString } from '../../../src/backends/vap/cel.js';
import { vapBackend, vapCapabilities } from '../../../src/backends/vap/index.js';
import { evaluateVap, loadVapDocuments } from '../../../src/engines/vap/index.js';
import { compact, dsl, irOf } from '../../helpers/dsl.js';
import { emitVap } from './adapter.js';

const privileged = dsl`
  policy no-privileged {
    title "No privileged containers"
    applies to pods
    except namespaces "kube-system"
    mode audit
    rule no-privileged {
      forbid any container has securityContext.privileged = true
      message "container {name} is privileged"
    }
  }
`;

function docsOf(text: string): any[] {
  const files = emitVap(irOf(text));
  return files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON()));
}

describe('vap backend: emitted objects', () => {
  it('emits a policy and its binding per secpol policy', () => {
    const files = emitVap(irOf(privileged));
    expect(files.map((f) => f.path)).toEqual(['vap/no-privileged.yaml']);
    expect(files[0]!.objects.map((o) => o.kind)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    const [policy, binding] = docsOf(privileged);
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] },
      { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['cronjobs', 'jobs'] },
    ]);
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] });
    expect(policy.spec.variables.map((v: { name: string }) => v.name)).toEqual(['subject', 'apiVersion', 'kind', 'name', 'namespace', 'isPodSubject', 'template', 'podView', 'podSpec', 'containers', 'offending_no_privileged']);
    expect(policy.spec.validations).toHaveLength(1);
    expect(policy.spec.validations[0].reason).toBe('Forbidden');
    expect(policy.spec.validations[0].message).toBe('[no-privileged/no-privileged] container {name} is privileged');
    // The message names the container, so the offending containers are one variable, read by the validation and the message.
    expect(policy.spec.variables.at(-1).expression).toMatch(/^variables\.containers\.filter\(m0, /);
    expect(policy.spec.validations[0].expression).toBe('size(variables.offending_no_privileged) == 0');
    expect(policy.spec.validations[0].messageExpression).toMatch(/^\(variables\.offending_no_privileged\.map\(m0, /);
    expect(binding.spec).toEqual({ policyName: 'no-privileged', validationActions: ['Audit'] });
  });

  it('maps modes to validationActions', () => {
    for (const [mode, actions] of [['enforce', ['Deny']], ['audit', ['Audit']], ['warn', ['Warn']]] as const) {
      const [, binding] = docsOf(privileged.replace('mode audit', `mode ${mode}`));
      expect(binding.spec.validationActions).toEqual(actions);
    }
  });

  it('uses plural resource names, operations and selectors for other kinds', () => {
    const [policy] = docsOf(dsl`
      policy kinds {
        applies to "networking.k8s.io/v1" Ingress, NetworkPolicy
        in namespaces "apps"
        where labels team exists
        where namespace labels env = "prod"
        on create, delete
        rule r { require metadata.labels.owner exists }
      }
    `);
    expect(policy.spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'DELETE'], resources: ['ingresses', 'networkpolicies'] }],
      matchPolicy: 'Equivalent',
      namespaceSelector: { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['apps'] }] },
      objectSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
    });
    expect(policy.spec.matchConditions).toEqual([{ name: 'namespaced', expression: 'request.namespace != "" && !(request.kind.group == "" && request.kind.kind == "Namespace")' }]);
  });

  it('is deterministic and independent of policy order', () => {
    const two = `${privileged}\n${privileged.replaceAll('no-privileged', 'other')}`;
    const a = vapBackend.emit(irOf(two));
    const b = vapBackend.emit(irOf(two));
    expect(a).toEqual(b);
    const reversed = vapBackend.emit(irOf(`${privileged.replaceAll('no-privileged', 'other')}\n${privileged}`));
    const unsourced = (t: string) => t.replace(/test\.secpol:\d+/g, 'SRC');
    expect(reversed.value!.map((f) => unsourced(f.content))).toEqual(a.value!.map((f) => unsourced(f.content)));
  });

  it('passes its JSON Schemas (no SP2002) and loads in the engine', () => {
    const out = vapBackend.emit(irOf(privileged));
    expect(out.diagnostics).toEqual([]);
    const loaded = loadVapDocuments(docsOf(privileged));
    expect(loaded.errors).toEqual([]);
    expect(loaded.policies).toHaveLength(1);
  });
});

describe('vap backend: SP2001 and omissions', () => {
  it('compiles pod-security lines to one validation each, one policy/binding pair per mode', () => {
    const out = vapBackend.emit(irOf(dsl`
      policy pss {
        in namespaces "apps"
        mode audit
        enforce pod-security baseline version v1.30
        warn pod-security restricted version v1.30
        audit pod-security privileged
      }
    `));
    expect(out.diagnostics).toEqual([]);
    const docs = YAML.parseAllDocuments(out.value![0]!.content).map((d) => d.toJSON() as { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, unknown> });
    expect(docs.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual([
      'ValidatingAdmissionPolicy pss.enforce',
      'ValidatingAdmissionPolicyBinding pss.enforce',
      'ValidatingAdmissionPolicy pss.warn',
      'ValidatingAdmissionPolicyBinding pss.warn',
    ]);
    expect(docs.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding').map((d) => d.spec['validationActions'])).toEqual([['Deny'], ['Warn']]);
    expect(docs.filter((d) => d.kind === 'ValidatingAdmissionPolicy').map((d) => d.metadata.annotations?.['secpol.dev/rules'])).toEqual(['["pod-security-enforce"]', '["pod-security-warn"]']);
    expect(out.value![0]!.content).toContain('# audit pod-security privileged allows every pod: nothing to check.');
  });

  it('writes a comment-only file for an omitted policy and notes omitted rules', () => {
    const out = vapBackend.emit(irOf(dsl`
      policy pss {
        omit from vap because "PSA handles it"
        enforce pod-security restricted
      }
      policy two {
        applies to pods
        rule a { forbid spec.hostPID = true }
        rule b {
          forbid spec.hostIPC = true
          omit from vap because "not yet"
        }
      }
    `));
    expect(out.diagnostics).toEqual([]);
    expect(out.value!.map((f) => f.path)).toEqual(['vap/pss.yaml', 'vap/two.yaml']);
    expect(out.value![0]!.content).toContain('omitted from vap: PSA handles it');
    expect(out.value![1]!.content).toContain('rule "b" is omitted from vap: not yet');
  });

  it('declares its capabilities truthfully', () => {
    for (const [id, text] of Object.entries(constructs) as [ConstructId, string][]) {
      const support = vapCapabilities[id];
      if (support.level === 'not-applicable') continue;
      const out = vapBackend.emit(irOf(text));
      const sp2001 = out.diagnostics.some((d) => d.code === 'SP2001');
      expect([id, sp2001]).toEqual([id, support.level === 'unsupported']);
      // An approximation may warn (exception expiry: SP2003); an exact construct compiles without a word.
      if (!sp2001) expect([id, out.diagnostics.filter((d) => support.level !== 'approximate' || d.severity === 'error')]).toEqual([id, []]);
    }
  });
});

describe('vap backend: strings from the policy stay literals', () => {
  const nasty = ['"', '\\', '" || true || "', "'", '\n', '${x}', '\u2028', '#', ': x', '\u00e9', '\u{1F600}', '*/', ')) || ((', '\\"'];

  it('celString round-trips through the CEL engine', () => {
    for (const s of nasty) {
      const loaded = loadVapDocuments([
        { kind: 'ValidatingAdmissionPolicy', metadata: { name: 'x' }, spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['*'], resources: ['pods'] }] }, validations: [{ expression: `object.metadata.name == ${celString(s)}` }] } },
        { kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'x' }, spec: { policyName: 'x', validationActions: ['Deny'] } },
      ]);
      expect(loaded.errors).toEqual([]);
      const hit = evaluateVap(loaded, { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: s } }, operation: 'CREATE' });
      const miss = evaluateVap(loaded, { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${s}x` } }, operation: 'CREATE' });
      expect([s, hit[0]?.allowed, miss[0]?.allowed]).toEqual([s, true, false]);
    }
  });

  it('an injection attempt in values, globs, regexes and messages matches only itself', () => {
    let checked = 0;
    for (const s of nasty) {
      const q = JSON.stringify(s);
      const text = dsl`
        policy inj {
          applies to pods
          rule r {
            forbid metadata.labels.app = ${q} or any container has image matches ${q} or spec.hostname matches regex ${JSON.stringify(s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'))}
            message ${q}
          }
        }
      `;
      let set;
      try {
        set = irOf(text);
      } catch (e) {
        if (process.env['VAP_DEBUG']) console.log(s, (e as Error).message);
        continue; // the checker rejects some of these strings (e.g. an empty-looking namespace): nothing to emit
      }
      const out = vapBackend.emit(set);
      expect(out.diagnostics).toEqual([]);
      const loaded = loadVapDocuments(YAML.parseAllDocuments(out.value![0]!.content).map((d) => d.toJSON()));
      expect(loaded.errors).toEqual([]);
      const run = (labels: Record<string, string>, image: string) =>
        evaluateVap(loaded, { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec: { containers: [{ name: 'c', image }] } }, operation: 'CREATE', namespace: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } } })[0]!;
      expect([s, run({ app: s }, 'nginx').allowed]).toEqual([s, false]);
      expect([s, run({ app: `${s}x` }, 'nginx').allowed]).toEqual([s, true]);
      expect([s, run({}, s).allowed]).toEqual([s, false]);
      expect([s, run({}, `${s}x`).allowed]).toEqual([s, true]);
      expect(run({ app: s }, 'nginx').message).toBe(`[inj/r] ${s.replace(/[\r\n\u2028\u2029]+/g, ' ')}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(nasty.length / 2);
  });
});
