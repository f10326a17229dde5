import type { AuditReport, ObjectRef } from '../run.js';

export function objectName(f: { readonly object: ObjectRef }): string {
  if (!f.object.kind) return '(not an object)';
  return `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name || '(unnamed)'}`;
}

/** How many findings block (enforce-mode rules), for the summary lines of every human format. */
export function counts(report: AuditReport): { enforce: number; other: number } {
  const enforce = report.findings.filter((f) => f.mode === 'enforce').length;
  return { enforce, other: report.findings.length - enforce };
}

/** One line per finding (`file:line:col: mode severity policy/rule Kind/ns/name: message [policy.secpol:12]`) and a summary. */
export function formatText(report: AuditReport): string {
  const lines = report.findings.map(
    (f) => `${f.file}:${f.line}:${f.column}: ${f.mode} ${f.severity} ${f.policy}/${f.rule} ${objectName(f)}: ${f.message.replace(/\r?\n/g, ' ')}${f.source ? ` [${f.source}]` : ''}`,
  );
  const { enforce, other } = counts(report);
  const n = report.findings.length;
  lines.push(`${n} finding${n === 1 ? '' : 's'} (${enforce} enforce, ${other} audit/warn) in ${report.objects} object${report.objects === 1 ? '' : 's'} from ${report.files} file${report.files === 1 ? '' : 's'}, judged by ${report.target}`);
  return `${lines.join('\n')}\n`;
}
