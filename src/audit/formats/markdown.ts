import type { AuditReport } from '../run.js';
import { counts, objectName } from './text.js';

/** A table cell: no HTML (a PR comment renders it), no pipe or line break that would end the cell or row. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/\r?\n|\r/g, '<br>');
}

const icon = { enforce: '⛔', audit: '⚠️', warn: '⚠️' } as const;

/** A summary and one table row per finding, fit for a pull-request comment. */
export function formatMarkdown(report: AuditReport): string {
  const { enforce, other } = counts(report);
  const n = report.findings.length;
  const out = [`### secpol audit: ${n} finding${n === 1 ? '' : 's'}`, ''];
  out.push(`${enforce} enforce, ${other} audit/warn, in ${report.objects} object${report.objects === 1 ? '' : 's'} from ${report.files} file${report.files === 1 ? '' : 's'} (judged by \`${report.target}\`).`, '');
  if (!n) return `${out.join('\n')}No findings.\n`;
  out.push('| | Severity | Rule | Object | Location | Message |', '|---|---|---|---|---|---|');
  for (const f of report.findings) {
    out.push(`| ${icon[f.mode]} ${f.mode} | ${f.severity} | ${cell(`${f.policy}/${f.rule}`)} | ${cell(objectName(f))} | ${cell(`${f.file}:${f.line}`)} | ${cell(f.message)} |`);
  }
  return `${out.join('\n')}\n`;
}
