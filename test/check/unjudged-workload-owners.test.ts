/**
 * SP1021: a Deployment or CronJob exception exempts the pods of any ReplicaSet (Job) named `<name>-<suffix>` that its
 * controller sends; that is safe only when such a ReplicaSet is judged at its own admission (issue 22 item 2,
 * docs/language/exceptions.md "two levels").
 */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const policy = (scope: string, workload = 'Deployment "shop/ledger"', rules = '') =>
  `policy p {\n  ${scope}\n  rule r {\n    forbid spec.hostNetwork = true\n  }\n  rule s {\n    forbid spec.hostPID = true\n  }\n  exception e {\n    workloads ${workload}\n${rules}    reason "r"\n  }\n}\n`;
const codes = (text: string) => diagnosticsOf(text).filter((d) => d.code === 'SP1021').map((d) => d.at);

describe('exceptions that trust objects the policy never judges', () => {
  it('warns under on create only, an object-label selector, or a rule over Pods but not ReplicaSets', () => {
    expect(codes(policy('applies to pods\n  on create'))).toEqual(['11:15']);
    expect(codes(policy('applies to pods\n  where labels tier = "web"'))).toEqual(['11:15']);
    expect(codes(policy('applies to "v1" Pod'))).toEqual(['10:15']);
    expect(codes(policy('applies to "v1" Pod', 'CronJob "shop/report"'))).toEqual(['10:15']);
    const raw = rawDiagnosticsOf(policy('applies to pods\n  on update'));
    expect(raw.map((d) => [d.code, d.severity])).toEqual([['SP1021', 'warning']]);
    expect(raw[0]!.message).toContain('on update only');
    expect(raw[0]!.hint).toContain('exempt the namespace "shop" instead');
  });

  it('is quiet when every ReplicaSet is judged, for workloads without a second level, and for rules the exception does not name', () => {
    expect(codes(policy('applies to pods'))).toEqual([]);
    expect(codes(policy('applies to pods\n  on create, update, delete'))).toEqual([]);
    expect(codes(policy('applies to pods\n  on create', 'DaemonSet "monitoring/node-exporter"'))).toEqual([]);
    expect(codes(policy('applies to pods\n  on create', 'Pod "shop/debug"'))).toEqual([]);
    expect(codes(policy('applies to pods\n  on delete'))).toEqual([]);
    expect(codes(policy('applies to "apps/v1" Deployment'))).toEqual([]);
  });
});
