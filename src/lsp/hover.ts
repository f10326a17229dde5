import type { MarkupContent } from 'vscode-languageserver';
import { diagnosticCodes, diagnosticExamples, type Diagnostic } from '../diagnostics/index.js';
import type { PolicySet } from '../ir/index.js';
import { ruleCapabilities } from './compiled.js';
import { diagnosticsDocsBase } from './diagnostics.js';
import { fieldScopeAt, pathAround, resolveIn } from './field-scope.js';
import type { NameSite } from './names.js';
import { effectiveFields } from './vocabulary.js';

/** A diagnostic explained: its code's title, the message and hint, what raises it, and its page. */
export function explainDiagnostic(d: Diagnostic): string {
  const entry = diagnosticCodes[d.code];
  const example = diagnosticExamples[d.code];
  const lines = [`**${d.code}** (${d.severity}): ${entry.title}`, '', d.message];
  if (d.hint) lines.push('', `*hint:* ${d.hint}`);
  if (example.origin) lines.push('', `Raised by ${example.origin}.`);
  else if (example.text) lines.push('', 'For example:', '```secpol', example.text.trimEnd(), '```');
  lines.push('', `[${d.code} documentation](${diagnosticsDocsBase}${d.code}.md)`);
  return lines.join('\n');
}

/** A field path's type and Kubernetes doc line, for the segment under the cursor. */
export function explainField(text: string, offset: number): string | undefined {
  const around = pathAround(text, offset);
  if (!around) return undefined;
  const scope = fieldScopeAt(text, around.start);
  if (!scope) return undefined;
  const path = around.segments.slice(0, around.upTo);
  if (scope.effective) {
    const name = around.segments.join('.');
    const type = (effectiveFields as Record<string, string>)[name];
    return type ? `**effective ${name}**: ${type}\n\nThe container's securityContext.${name}, else the pod's spec.securityContext.${name}.` : undefined;
  }
  const schema = resolveIn(scope, path);
  if (!schema) return undefined;
  const owners = scope.schemas.map((s) => s.owner).join(', ');
  return [`**${path.join('.')}**: ${schema.type}${schema.element ? ' (quantify with `any item in …`)' : ''}`, '', `in ${owners}`, ...(schema.doc ? ['', schema.doc] : [])].join('\n');
}

/** A rule's compiled form per admission backend (a short excerpt) and what each backend does with it. */
export async function explainRule(set: PolicySet, policy: string, site: NameSite): Promise<string | undefined> {
  const caps = await ruleCapabilities(set, policy, site.name);
  if (!caps) return undefined;
  const lines = [`**rule ${site.name}** (policy ${policy})`];
  for (const c of caps) {
    if (c.status === 'compiled') lines.push('', `**${c.target}**: compiled`, '```yaml', c.excerpt, '```');
    else lines.push('', `**${c.target}**: ${c.status === 'omitted' ? `omitted (${c.reason})` : `cannot express it: ${c.reason}`}`);
  }
  return lines.join('\n');
}

export function markdown(parts: readonly (string | undefined)[]): MarkupContent | undefined {
  const shown = parts.filter((p): p is string => p !== undefined);
  return shown.length ? { kind: 'markdown', value: shown.join('\n\n---\n\n') } : undefined;
}
