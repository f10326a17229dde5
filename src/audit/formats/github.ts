import type { AuditReport } from '../run.js';
import { objectName } from './text.js';

/** Workflow-command data escaping (actions/toolkit `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property escaping (actions/toolkit `escapeProperty`): data escaping plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands (https://docs.github.com/actions/reference/workflow-commands-for-github-actions):
 * `::error` for enforce-mode findings, `::warning` for audit/warn, each annotating the manifest line.
 */
export function formatGithub(report: AuditReport): string {
  const lines = report.findings.map((f) => {
    const command = f.mode === 'enforce' ? 'error' : 'warning';
    const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.column}`, `title=${escapeProperty(`${f.policy}/${f.rule} (${f.severity})`)}`].join(',');
    return `::${command} ${props}::${escapeData(`${objectName(f)}: ${f.message}${f.source ? ` [${f.source}]` : ''}`)}`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
