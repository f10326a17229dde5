import { checkFiles } from '../check/index.js';
import { diagnosticCodes, diagnosticExamples, renderDiagnostic, type DiagnosticCode } from '../diagnostics/index.js';
import { SourceFile } from '../source/index.js';
import { parseSource } from '../syntax/index.js';

/** The date the examples are checked against (SP1006/SP1013 depend on it). */
const today = '2026-06-01';

function renderExample(code: DiagnosticCode, text: string): string {
  const file = new SourceFile('example.secpol', text);
  const parsed = parseSource(file);
  const diagnostics = parsed.value ? checkFiles([parsed.value], { today }).diagnostics : parsed.diagnostics;
  return diagnostics.filter((d) => d.code === code).map(renderDiagnostic).join('\n\n');
}

/** docs/diagnostics/<code>.md and an index, rendered from the code table and the tested examples. */
export function diagnosticPages(): Record<string, string> {
  const pages: Record<string, string> = {};
  const codes = Object.keys(diagnosticCodes) as DiagnosticCode[];
  const index = ['# Diagnostics', '', 'Generated from src/diagnostics/ by `npm run generate`; do not edit.', '', '| code | severity | what |', '|---|---|---|'];
  for (const code of codes) {
    const entry = diagnosticCodes[code];
    const example = diagnosticExamples[code];
    index.push(`| [${code}](${code}.md) | ${entry.severity} | ${entry.title} |`);
    const lines = [`# ${code}: ${entry.title}`, '', 'Generated from src/diagnostics/ by `npm run generate`; do not edit.', '', `Severity: **${entry.severity}**.`, '', `Message: \`${entry.message}\``, '', `Hint: \`${entry.hint}\``, ''];
    if (example.text) {
      // The doc block starts with the `# expect:` line test/docs.test.ts reads; render with it so lines match.
      const shown = `# expect: ${code}\n${example.text}`;
      lines.push('## Example', '', '```secpol', shown.trimEnd(), '```', '', '```text', renderExample(code, shown), '```', '');
    } else if (example.origin) {
      lines.push('## When', '', `${example.origin}.`, '');
    }
    pages[`docs/diagnostics/${code}.md`] = lines.join('\n');
  }
  pages['docs/diagnostics/README.md'] = `${index.join('\n')}\n`;
  return pages;
}
