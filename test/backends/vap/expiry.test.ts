import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { vapBackend } from '../../../src/backends/vap/index.js';
import { renderDiagnostic } from '../../../src/diagnostics/index.js';
import { evaluateVap, loadVapDocuments } from '../../../src/engines/vap/index.js';
import { compact, dsl, irOf } from '../../helpers/dsl.js';

/** Issue 15 item 7: CEL has no clock, so VAP cannot end an exception at its date; it must say so. */
const source = dsl`
  policy p {
    applies to pods
    rule no-host-pid {
      forbid spec.hostPID = true
    }
    exception legacy {
      namespaces "legacy"
      reason "migration"
      expires 2030-06-30
    }
    exception forever {
      namespaces "system"
      reason "no date"
    }
  }`;

describe('VAP: exception expiry is not enforced, and said so', () => {
  const out = vapBackend.emit(irOf(source));

  it('warns SP2003 at the date, with a hint, and only for the exception that expires', () => {
    expect(out.diagnostics.map(compact)).toEqual([{ code: 'SP2003', at: '9:13' }]);
    const text = renderDiagnostic(out.diagnostics[0]!);
    expect(text).toContain('warning');
    expect(text).toContain('vap does not enforce the expiry of exception "legacy": Kubernetes CEL has no clock, so it keeps applying after 2030-06-30');
    expect(text).toMatch(/recompile and redeploy once the date passes/);
  });

  it('the output says it in a comment, and still exempts (the documented approximation)', () => {
    const content = out.value?.[0]?.content ?? '';
    expect(content).toContain('# exception "legacy" expires 2030-06-30 but is NOT enforced as expiring here (Kubernetes CEL has no clock)');
    expect(content).not.toContain('"forever" expires');
    const loaded = loadVapDocuments(YAML.parseAllDocuments(content).map((d) => d.toJSON() as unknown).filter(Boolean));
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'legacy' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'nginx' }] } };
    expect(evaluateVap(loaded, { object: pod, operation: 'CREATE', namespace: { name: 'legacy', labels: {} } }).every((r) => r.allowed)).toBe(true);
  });
});
