import type { AuditReport } from '../run.js';

/** The documented, stable JSON shape of `secpol audit --format json` (docs/audit.md). */
export interface AuditJson {
  readonly version: 1;
  readonly target: AuditReport['target'];
  readonly summary: { readonly files: number; readonly objects: number; readonly findings: number; readonly enforce: number; readonly blocking: boolean };
  readonly findings: AuditReport['findings'];
  readonly excluded: AuditReport['excluded'];
}

export function formatJson(report: AuditReport, blocking: boolean): string {
  const enforce = report.findings.filter((f) => f.mode === 'enforce').length;
  const out: AuditJson = {
    version: 1,
    target: report.target,
    summary: { files: report.files, objects: report.objects, findings: report.findings.length, enforce, blocking },
    findings: report.findings,
    excluded: report.excluded,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
