import type { MarkupContent } from 'vscode-languageserver';
import { diagnosticCodes, diagnosticExamples, type Diagnostic } from '../diagnostics/index.js';
import type { PolicySet } from '../ir/index.js';
import { ruleCapabilities } from './compiled.js';
import { diagnosticsDocsBase } from './diagnostics.js';
import { fieldScopeAt, pathAround, resolveIn } from './field-scope.js';
import type { NameSite } from './names.js';
import { effectiveFields } from './vocabulary.js';

/**
 * Policy text is untrusted: what it contributes to a hover (names, strings quoted in messages, emitted artifacts) is
 * escaped as markdown text or put in a fence longer than any run of backticks inside it.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~-]/g, (c) => `\\${c}`);
}

function fenced(language: string, text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

/** A diagnostic explained: its code's title, the message and hint, what raises it, and its page. */
export function explainDiagnostic(d: Diagnostic): string {
  const entry = diagnosticCodes[d.code];
  const example = diagnosticExamples[d.code];
  const lines = [`**${d.code}** (${d.severity}): ${entry.title}`, '', escapeMarkdown(d.message)];
  if (d.hint) lines.push('', `*hint:* ${escapeMarkdown(d.hint)}`);
  if (example.origin) lines.push('', `Raised by ${example.origin}.`);
  else if (example.text) lines.push('', 'For example:', ...fenced('secpol', example.text.trimEnd()));
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
    return type ? `**effective ${escapeMarkdown(name)}**: ${type}\n\nThe container's securityContext.${escapeMarkdown(name)}, else the pod's spec.securityContext.${escapeMarkdown(name)}.` : undefined;
  }
  const schema = resolveIn(scope, path);
  if (!schema) return undefined;
  const owners = scope.schemas.map((s) => s.owner).join(', ');
  return [`**${escapeMarkdown(path.join('.'))}**: ${schema.type}${schema.element ? ' (quantify with `any item in …`)' : ''}`, '', `in ${escapeMarkdown(owners)}`, ...(schema.doc ? ['', schema.doc] : [])].join('\n');
}

/** A rule's compiled form per admission backend (a short excerpt) and what each backend does with it. */
export async function explainRule(set: PolicySet, policy: string, site: NameSite): Promise<string | undefined> {
  const caps = await ruleCapabilities(set, policy, site.name);
  if (!caps) return undefined;
  const lines = [`**rule ${escapeMarkdown(site.name)}** (policy ${escapeMarkdown(policy)})`];
  for (const c of caps) {
    if (c.status === 'compiled') lines.push('', `**${c.target}**: compiled`, ...fenced(c.target === 'gatekeeper' ? 'rego' : 'yaml', c.excerpt));
    else lines.push('', `**${c.target}**: ${escapeMarkdown(c.status === 'omitted' ? `omitted (${c.reason})` : `cannot express it: ${c.reason}`)}`);
  }
  return lines.join('\n');
}

export function markdown(parts: readonly (string | undefined)[]): MarkupContent | undefined {
  const shown = parts.filter((p): p is string => p !== undefined);
  return shown.length ? { kind: 'markdown', value: shown.join('\n\n---\n\n') } : undefined;
}
