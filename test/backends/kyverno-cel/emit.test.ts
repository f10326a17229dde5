import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { kyvernoCelBackend } from '../../../src/backends/kyverno-cel/index.js';
import { vapBackend } from '../../../src/backends/vap/index.js';
import type { PolicySet } from '../../../src/ir/index.js';
import { dsl, irOf } from '../../helpers/dsl.js';

function emit(set: PolicySet) {
  const out = kyvernoCelBackend.emit(set);
  expect(out.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return out.value!;
}

const docs = (content: string): any[] => YAML.parseAllDocuments(content).map((d) => d.toJSON()).filter((d) => d !== null);

const mixed = dsl`
  policy pods-baseline {
    applies to pods
    except namespaces "kube-system"
    mode audit
    rule no-privileged {
      forbid any container has securityContext.privileged = true
      message "container {name} is privileged"
    }
    enforce pod-security baseline version v1.30
    exception legacy {
      namespaces "legacy", "old"
      reason "migrating"
    }
    exception vendor {
      images "ghcr.io/vendor/*"
      reason "vendor images are reviewed"
    }
  }
`;

describe('kyverno-cel backend', () => {
  it('emits one ValidatingPolicy per mode with the VAP output CEL, and the binding actions on the policy', () => {
    const set = irOf(mixed);
    const [file, exceptions] = emit(set);
    expect([file!.path, exceptions!.path]).toEqual(['kyverno-cel/pods-baseline.yaml', 'kyverno-cel/pods-baseline-exceptions.yaml']);
    expect([...file!.objects, ...exceptions!.objects].map((o) => `${o.kind} ${o.name}`)).toEqual(['ValidatingPolicy pods-baseline', 'ValidatingPolicy pods-baseline.enforce', 'PolicyException pods-baseline-legacy']);
    const [audit, enforce] = docs(file!.content);
    const [exception] = docs(exceptions!.content);
    expect(audit.apiVersion).toBe('policies.kyverno.io/v1');
    expect(audit.spec.validationActions).toEqual(['Audit']);
    expect(enforce.spec.validationActions).toEqual(['Deny']);
    expect(audit.spec.evaluation).toEqual({ admission: { enabled: true }, background: { enabled: false } });
    expect(audit.spec.autogen).toBeUndefined();
    expect(exception.spec).toEqual({
      policyRefs: [{ name: 'pods-baseline', kind: 'ValidatingPolicy' }, { name: 'pods-baseline.enforce', kind: 'ValidatingPolicy' }],
      matchConditions: [{ name: 'namespaces', expression: '!(request.kind.group == "" && request.kind.kind == "Namespace") && request.namespace in ["legacy", "old"]' }],
    });
    expect(exception.metadata.namespace).toBe('kyverno');
  });

  it('keeps the CEL of the VAP output: with no namespace exception, the same match, variables and validations', () => {
    const set = irOf(mixed.replace(/exception legacy \{[^}]*\}/, ''));
    const vap = docs(vapBackend.emit(set).value![0]!.content);
    const cel = docs(emit(set)[0]!.content);
    expect(cel.map((d) => d.spec.validations)).toEqual([vap[0].spec.validations, vap[2].spec.validations]);
    expect(cel.map((d) => d.spec.variables)).toEqual([vap[0].spec.variables, vap[2].spec.variables]);
    expect(cel.map((d) => d.spec.matchConstraints)).toEqual([vap[0].spec.matchConstraints, vap[2].spec.matchConstraints]);
  });

  it('compiles a namespace exception into the CEL when it leaves PolicyException form (names a rule)', () => {
    const set = irOf(mixed.replace('namespaces "legacy", "old"', 'rules no-privileged\n      namespaces "legacy"'));
    const [file] = emit(set);
    expect(file!.objects.map((o) => o.kind)).toEqual(['ValidatingPolicy', 'ValidatingPolicy']);
    expect(docs(file!.content)[0].spec.validations[0].expression).toContain('variables.namespace in ["legacy"]');
  });

  it('honours `omit from kyverno-cel` and not `omit from vap`', () => {
    const omitted = emit(irOf(mixed.replace('mode audit', 'mode audit\n    omit from kyverno-cel because "not yet"')));
    expect(omitted[0]!.content).toContain('is omitted from kyverno-cel: not yet');
    expect(omitted[0]!.objects).toEqual([]);
    expect(emit(irOf(mixed.replace('mode audit', 'mode audit\n    omit from vap because "cost"'))).flatMap((f) => f.objects)).toHaveLength(3);
  });

  it('is byte-identical when emitted twice and reads no string from the policy outside a CEL literal', () => {
    const hostile = dsl`
      policy quotes {
        applies to pods
        rule r {
          require metadata.labels.team = "a\\" || true || \\"\\n}"
          message "bad\\n  injected: true"
        }
        exception e {
          namespaces "legacy"
          reason "r\\n  injected: true"
        }
        exception camelCase {
          namespaces "old"
          reason "r"
        }
      }
    `;
    const set = irOf(hostile);
    const a = emit(set);
    expect(emit(set)[0]!.content).toBe(a[0]!.content);
    const [policy] = docs(a[0]!.content);
    const [exception] = docs(a[1]!.content);
    expect(Object.keys(policy)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(exception.metadata.annotations['secpol.dev/reason']).toBe('r\n  injected: true');
    expect(policy.spec.validations[0].expression).toContain('== "a\\" || true || \\"\\u000a}"');
    // An exception whose name cannot be part of an object name stays compiled into the CEL.
    expect(a.flatMap((f) => f.objects).map((o) => o.name)).toEqual(['quotes', 'quotes-e']);
    expect(policy.spec.validations[0].expression).toContain('variables.namespace in ["old"]');
  });
});

describe('kyverno-cel backend: exception expiry', () => {
  it('emits an expiring exception as it is, says so in the file and warns SP2003 at the date', () => {
    const set = irOf(mixed.replace('reason "migrating"', 'reason "migrating"\n      expires 2030-12-31'));
    const out = kyvernoCelBackend.emit(set);
    expect(out.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ['SP2003', 'warning', 'kyverno-cel does not enforce the expiry of exception "legacy": the emitted CEL has no clock, so it keeps applying after 2030-12-31 until the output is recompiled without it'],
    ]);
    expect(out.value![0]!.content).toContain('# exception "legacy" expires 2030-12-31 but is NOT enforced as expiring here');
    expect(docs(out.value![1]!.content)[0].metadata.annotations['secpol.dev/expires']).toBe('2030-12-31');
  });
});
