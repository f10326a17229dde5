/**
 * `PATH is unique among KINDS in the cluster` (docs/language/uniqueness.md): where it may be written, on which
 * values, and the place other objects are compared at.
 */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile } from '../../src/syntax/index.js';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const rule = (applies: string, body: string) => dsl`
  policy p {
    applies to ${applies}
    rule r {
      require ${body}
    }
  }
`;

describe('`is unique among … in the cluster`', () => {
  it('lowers at the object, and inside item quantifiers with the place from the object root', () => {
    const set = irOf(rule('"networking.k8s.io/v1" Ingress', 'every item in spec.rules has host is unique among "networking.k8s.io/v1" Ingress, "extensions/v1beta1" Ingress in the cluster'));
    const p = set.policies[0]!.rules[0]!.predicate;
    expect(p.kind).toBe('quantified');
    if (p.kind !== 'quantified') return;
    expect(p.body).toMatchObject({
      kind: 'unique',
      path: ['host'],
      place: [['spec', 'rules'], ['host']],
      compare: 'string',
      among: [
        { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', resource: 'ingresses' },
        { apiVersion: 'extensions/v1beta1', kind: 'Ingress', resource: 'ingresses' },
      ],
    });
    const svc = irOf(rule('"v1" Service', 'spec.selector is unique among "v1" Service in the cluster')).policies[0]!.rules[0]!.predicate;
    expect(svc).toMatchObject({ kind: 'unique', path: ['spec', 'selector'], place: [['spec', 'selector']], compare: 'map' });
  });

  it('an apiVersion applies to the kinds after it until the next one', () => {
    const set = irOf(rule('"v1" Service', 'metadata.name is unique among "v1" Service, ConfigMap, "apps/v1" Deployment in the cluster'));
    expect(set.policies[0]!.rules[0]!.predicate).toMatchObject({ among: [{ apiVersion: 'v1', kind: 'Service' }, { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps' }, { apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments' }] });
  });

  it('is SP1009 inside other quantifiers, in rules over pods and in a referenced object', () => {
    expect(diagnosticsOf(rule('pods', 'every container has name is unique among "v1" Pod in the cluster'))).toEqual([{ code: 'SP1009', at: '4:38' }]);
    expect(diagnosticsOf(rule('"v1" Pod', 'metadata.name is unique among "v1" Pod in the cluster'))[0]?.code).toBe('SP1009');
    expect(diagnosticsOf(rule('"rbac.authorization.k8s.io/v1" RoleBinding', 'every role referenced by roleRef has metadata.name is unique among "rbac.authorization.k8s.io/v1" Role in the cluster'))[0]?.code).toBe('SP1009');
  });

  it('compares strings and maps of strings only (SP1003)', () => {
    expect(diagnosticsOf(rule('"apps/v1" Deployment', 'spec.replicas is unique among "apps/v1" Deployment in the cluster'))).toEqual([{ code: 'SP1003', at: '4:27' }]);
    expect(rawDiagnosticsOf(rule('"apps/v1" Deployment', 'spec.replicas is unique among "apps/v1" Deployment in the cluster'))[0]!.message).toContain('compares strings or maps of strings');
  });

  it('a kind typo in a built-in group is SP1010; a known kind without the path is SP1002', () => {
    expect(diagnosticsOf(rule('"v1" Service', 'spec.selector is unique among "v1" Servise in the cluster'))).toEqual([{ code: 'SP1010', at: '4:48' }]);
    expect(rawDiagnosticsOf(rule('"v1" Service', 'spec.selector is unique among "v1" Servise in the cluster'))[0]!.hint).toContain('did you mean "Service"?');
    expect(diagnosticsOf(rule('"v1" Service', 'spec.selector is unique among "v1" ConfigMap in the cluster'))[0]?.code).toBe('SP1002');
    // A removed version or a CRD has no field table: any path may hold the value.
    expect(diagnosticsOf(rule('"v1" Service', 'spec.selector is unique among "example.com/v1" Thing, "extensions/v1beta1" Ingress in the cluster'))).toEqual([]);
  });

  it('prints back as written (fmt)', () => {
    const text = rule('"networking.k8s.io/v1" Ingress', 'every item in spec.rules has host is unique among "networking.k8s.io/v1" Ingress, "extensions/v1beta1" Ingress in the cluster');
    const parsed = parseSource(new SourceFile('p.secpol', text));
    expect(printFile(parsed.value!)).toContain('require every item in spec.rules has host is unique among "networking.k8s.io/v1" Ingress, "extensions/v1beta1" Ingress in the cluster');
  });
});
