/**
 * `scale target referenced by spec.scaleTargetRef` (docs/language/references.md): read at an autoscaling/v2 or v1
 * HorizontalPodAutoscaler; its body is checked against the fields of the four targets (Deployment, StatefulSet,
 * ReplicaSet, ReplicationController).
 */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const rule = (applies: string, body: string) => dsl`
  policy p {
    applies to ${applies}
    rule r {
      require ${body}
    }
  }
`;

describe('scale target references', () => {
  it('an HPA of either version reads its scale target at the object', () => {
    for (const hpa of ['"autoscaling/v2" HorizontalPodAutoscaler', '"autoscaling/v1" HorizontalPodAutoscaler', '"autoscaling/v2" HorizontalPodAutoscaler\n    applies to "autoscaling/v1" HorizontalPodAutoscaler']) {
      const p = irOf(rule(hpa, 'any scale target referenced by spec.scaleTargetRef has spec.replicas >= 1')).policies[0]!.rules[0]!.predicate;
      expect(p).toMatchObject({ kind: 'referenced', quantifier: 'any', reference: { kind: 'scale-target', path: ['spec', 'scaleTargetRef'] } });
    }
  });

  it('the body is checked against the targets\' fields', () => {
    expect(diagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler', 'any scale target referenced by spec.scaleTargetRef has spec.replcas >= 1'))[0]?.code).toBe('SP1002');
    expect(diagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler', 'any scale target referenced by spec.scaleTargetRef has metadata.labels.app = "web"'))).toEqual([]);
  });

  it('read from another kind it is SP1009 naming the HPA', () => {
    const text = rule('"apps/v1" Deployment', 'any scale target referenced by spec.scaleTargetRef has metadata.name exists');
    expect(diagnosticsOf(text)).toEqual([{ code: 'SP1009', at: '4:17' }]);
    expect(rawDiagnosticsOf(text)[0]!.message).toContain('HorizontalPodAutoscaler');
    expect(diagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler\n    applies to "apps/v1" Deployment', 'any scale target referenced by spec.scaleTargetRef has metadata.name exists'))[0]?.code).toBe('SP1009');
  });

  it('a misspelt reference is SP1010 with a suggestion; the referring field is fixed', () => {
    expect(rawDiagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler', 'any scale targt referenced by spec.scaleTargetRef has metadata.name exists'))[0]!.hint).toContain('did you mean "scale target"?');
    const field = rawDiagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler', 'any scale target referenced by spec.targetRef has metadata.name exists'))[0]!;
    expect(field.code).toBe('SP1010');
    expect(field.hint).toContain('scale target referenced by spec.scaleTargetRef');
  });

  it('the HPA fields are typed: replicas are integers', () => {
    expect(diagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler', 'spec.maxReplicas <= 10 and spec.scaleTargetRef.kind in ["Deployment"]'))).toEqual([]);
    expect(diagnosticsOf(rule('"autoscaling/v2" HorizontalPodAutoscaler', 'spec.maxReplicas = "ten"'))[0]?.code).toBe('SP1003');
  });
});
