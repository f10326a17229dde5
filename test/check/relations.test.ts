/** Field-relative comparisons (docs/language/predicates.md "Comparing two fields", semantics §3.5). */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const pods = (body: string) => dsl`
  policy p {
    applies to pods
    rule r {
      require ${body}
    }
  }
`;
const hpa = (body: string) => dsl`
  policy p {
    applies to "autoscaling/v2" HorizontalPodAutoscaler
    rule r {
      require ${body}
    }
  }
`;

describe('field-relative comparisons', () => {
  it('lower to a relation in the element scope, the factor as a reduced fraction', () => {
    const p = irOf(pods('every container has resources.limits.cpu <= 1.50 * resources.requests.cpu')).policies[0]!.rules[0]!.predicate;
    expect(p).toMatchObject({
      kind: 'quantified',
      body: { kind: 'relation', op: 'le', type: 'quantity', subject: { path: ['resources', 'limits', 'cpu'] }, other: { path: ['resources', 'requests', 'cpu'] }, factor: { text: '1.50', numerator: 3, denominator: 2 }, offset: 0 },
    });
  });

  it('take an integer offset on integer fields, `- N` negated', () => {
    const plus = irOf(hpa('spec.maxReplicas >= spec.minReplicas + 1')).policies[0]!.rules[0]!.predicate;
    expect(plus).toMatchObject({ kind: 'relation', op: 'ge', type: 'integer', factor: { numerator: 1, denominator: 1 }, offset: 1 });
    const minus = irOf(hpa('spec.minReplicas < 2 * spec.maxReplicas - 3')).policies[0]!.rules[0]!.predicate;
    expect(minus).toMatchObject({ kind: 'relation', op: 'lt', factor: { numerator: 2, denominator: 1 }, offset: -3 });
  });

  it('are SP1003 across types, on strings and lists, with offsets on quantities or fractions', () => {
    expect(diagnosticsOf(pods('every container has resources.limits.cpu <= ports'))).toEqual([{ code: 'SP1003', at: '4:57' }]);
    expect(diagnosticsOf(pods('every container has image <= name'))).toEqual([{ code: 'SP1003', at: '4:33' }]);
    expect(diagnosticsOf(pods('every container has args <= command'))[0]?.code).toBe('SP1003');
    expect(diagnosticsOf(hpa('spec.maxReplicas >= spec.scaleTargetRef.name'))[0]?.code).toBe('SP1003');
    expect(diagnosticsOf(pods('every container has resources.limits.cpu <= resources.requests.cpu + 1'))).toEqual([{ code: 'SP1003', at: '4:80' }]);
    expect(diagnosticsOf(hpa('spec.maxReplicas >= spec.minReplicas + 1.5'))[0]?.code).toBe('SP1003');
  });

  it('explain each refusal with a hint', () => {
    const [across] = rawDiagnosticsOf(pods('every container has resources.limits.cpu <= ports'));
    expect(across?.message).toContain('resources.limits.cpu is a quantity, but ports is a list of objects');
    const [offset] = rawDiagnosticsOf(pods('every container has resources.limits.cpu <= resources.requests.cpu + 1'));
    expect(offset?.message).toContain('an offset is added to integer fields only');
    expect(offset?.hint).toContain('2 * resources.requests.cpu');
  });

  it('are SP1003 with = or != (two fields compare with <, <=, >, >=)', () => {
    const [eq] = rawDiagnosticsOf(hpa('spec.maxReplicas = spec.minReplicas'));
    expect(eq?.code).toBe('SP1003');
    expect(eq?.message).toContain('two fields are compared with <, <=, > and >=');
  });

  it('are SP1003 with a negative factor, and the other path must exist (SP1002)', () => {
    expect(diagnosticsOf(hpa('spec.maxReplicas >= -2 * spec.minReplicas'))[0]?.code).toBe('SP1003');
    expect(diagnosticsOf(hpa('spec.maxReplicas >= spec.minReplica'))[0]?.code).toBe('SP1002');
  });

  it('are SP1003 on an `effective` field', () => {
    expect(diagnosticsOf(pods('every container has effective runAsUser >= securityContext.runAsGroup'))[0]?.code).toBe('SP1003');
  });

  it('a glued minus is part of the name: SP1002 with a hint to write spaces', () => {
    const [glued] = rawDiagnosticsOf(hpa('spec.maxReplicas >= spec.minReplicas-1'));
    expect(glued?.code).toBe('SP1002');
    expect(glued?.hint).toContain('"minReplicas - 1"');
  });

  it('leave `= true` a boolean literal and `<= 2` a number', () => {
    expect(diagnosticsOf(pods('every container has securityContext.privileged = true'))).toEqual([]);
    expect(diagnosticsOf(hpa('spec.maxReplicas <= 2'))).toEqual([]);
  });
});
