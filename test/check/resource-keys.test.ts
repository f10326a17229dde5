import { describe, expect, it } from 'vitest';
import { diagnosticsOf, dsl, rawDiagnosticsOf } from '../helpers/dsl.js';

/** Map keys of Kubernetes resource lists are checked like fields (issue 15 item 5): a typo is SP1002, not a rule that never fires. */
const policy = (path: string, applies = 'pods') => dsl`
  policy p {
    applies to ${applies}
    rule r {
      require ${path} <= 1Gi
    }
  }`;

describe('resource list keys', () => {
  it('SP1002 on a misspelled key, with a did-you-mean hint', () => {
    expect(diagnosticsOf(policy('every container has resources.limits.memry'))).toEqual([{ code: 'SP1002', at: '4:50' }]);
    const [d] = rawDiagnosticsOf(policy('every container has resources.limits.memry'));
    expect(d?.message).toBe('unknown field "memry" in resources.limits');
    expect(d?.hint).toBe('did you mean "memory"?');
    expect(rawDiagnosticsOf(policy('every container has resources.requests.CPU'))[0]?.hint).toBe('did you mean "cpu"?');
  });

  it('says which keys a resource list takes when nothing is close', () => {
    const [d] = rawDiagnosticsOf(policy('every container has resources.limits.storage'));
    expect(d?.code).toBe('SP1002');
    expect(d?.hint).toBe('container resources.limits takes cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource <domain>/<name>');
  });

  it('accepts the standard names, hugepages-<size> and extended resources', () => {
    for (const key of ['cpu', 'memory', 'ephemeral-storage', '["hugepages-2Mi"]', '["hugepages-1Gi"]', '["nvidia.com/gpu"]', '["example.com/foo"]']) {
      const path = key.startsWith('[') ? `resources.limits${key}` : `resources.limits.${key}`;
      expect(diagnosticsOf(policy(`every container has ${path}`)), key).toEqual([]);
    }
  });

  it('checks pod-level resources and overhead, and PVC storage requests', () => {
    expect(diagnosticsOf(policy('spec.resources.limits.memroy')).map((d) => d.code)).toEqual(['SP1002']);
    expect(diagnosticsOf(policy('spec.overhead.memory'))).toEqual([]);
    expect(diagnosticsOf(policy('spec.overhead.mem')).map((d) => d.code)).toEqual(['SP1002']);
    const pvc = (key: string) => policy(`every item in spec.volumeClaimTemplates has spec.resources.requests.${key}`, '"apps/v1" StatefulSet');
    expect(diagnosticsOf(pvc('storage'))).toEqual([]);
    expect(rawDiagnosticsOf(pvc('storge')).map((d) => [d.code, d.hint])).toEqual([['SP1002', 'did you mean "storage"?']]);
  });

  it('leaves free maps free (labels, annotations, nodeSelector)', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        applies to pods
        rule r {
          require metadata.labels.memry = "x" and spec.nodeSelector["kubernetes.io/os"] = "linux"
        }
      }`)).toEqual([]);
  });
});
