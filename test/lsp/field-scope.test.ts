import { describe, expect, it } from 'vitest';
import { fieldScopeAt } from '../../src/lsp/field-scope.js';

/** Completion inside `KIND referenced by PATH has …` offers the referenced object's fields, not the referrer's. */
describe('lsp field scope in reference bodies', () => {
  const scopeAfter = (text: string, needle: string) => fieldScopeAt(text, text.indexOf(needle) + needle.length);

  it('a scale target body is looked up in the four targets, a role body in Role and ClusterRole', () => {
    const hpa = `policy p {\n  applies to "autoscaling/v2" HorizontalPodAutoscaler\n  rule r {\n    require any scale target referenced by spec.scaleTargetRef has \n  }\n}\n`;
    const scope = scopeAfter(hpa, 'spec.scaleTargetRef has ');
    expect(scope?.schemas.map((s) => s.owner)).toEqual(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
    expect(scope?.schemas[0]?.schema.fields?.['spec']?.fields?.['replicas']).toBeDefined();
    const rb = `policy p {\n  applies to "rbac.authorization.k8s.io/v1" RoleBinding\n  rule r {\n    forbid any role referenced by roleRef has \n  }\n}\n`;
    expect(scopeAfter(rb, 'roleRef has ')?.schemas.map((s) => s.owner)).toEqual(['ClusterRole', 'Role']);
  });

  it('outside the body the referrer\'s fields stay in scope', () => {
    const hpa = `policy p {\n  applies to "autoscaling/v2" HorizontalPodAutoscaler\n  rule r {\n    require \n  }\n}\n`;
    expect(scopeAfter(hpa, 'require ')?.schemas.map((s) => s.owner)).toEqual(['HorizontalPodAutoscaler']);
  });
});
