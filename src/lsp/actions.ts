import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type TextEdit } from 'vscode-languageserver';
import type { FileAst, PolicyAst, RuleAst } from '../syntax/index.js';
import type { DiagnosticData } from './diagnostics.js';
import { offsetAt } from './positions.js';

/**
 * Code actions for the diagnostics whose hint says what to write: a did-you-mean replaces the word it points at;
 * `omit from <target> because "…"` is added to the rule (or policy) the diagnostic points into, with the reason
 * left for the author to give.
 */
export function codeActionsFor(uri: string, text: string, file: FileAst | undefined, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'secpol') continue;
    const hint = (d.data as DiagnosticData | undefined)?.hint ?? '';
    const start = offsetAt(text, d.range.start);
    const end = offsetAt(text, d.range.end);
    const written = text.slice(start, end);
    const near = /did you mean "([^"]+)"/.exec(`${hint} ${d.message}`)?.[1];
    if (near && /^[A-Za-z_][\w.-]*$/.test(written) && written !== near) {
      actions.push(fix(`Change "${written}" to "${near}"`, uri, d, [{ range: d.range, newText: near }], true));
    }
    const omit = /`omit from ([a-z]+) because "…"`/.exec(hint)?.[1];
    const owner = omit && file ? ownerAt(file, start) : undefined;
    if (omit && owner) {
      const openLine = owner.span.file.lineColumn(owner.span.start).line;
      const indent = /^\s*/.exec(owner.span.file.lineText(openLine))![0];
      const line = `${indent}  omit from ${omit} because "TODO: why ${omit} need not enforce this"\n`;
      actions.push(fix(`Add \`omit from ${omit}\` to ${owner.kind} ${owner.name.text} (give the reason)`, uri, d, [{ range: { start: { line: openLine, character: 0 }, end: { line: openLine, character: 0 } }, newText: line }], false));
    }
  }
  return actions;
}

function fix(title: string, uri: string, d: LspDiagnostic, edits: TextEdit[], preferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: preferred, edit: { changes: { [uri]: edits } } };
}

/** The innermost rule, else the policy, whose span holds `offset` (a rule's `{` must end its first line). */
function ownerAt(file: FileAst, offset: number): RuleAst | PolicyAst | undefined {
  const inside = (s: { span: { start: number; end: number } }) => offset >= s.span.start && offset <= s.span.end;
  for (const decl of file.decls) {
    if (decl.kind !== 'policy' || !inside(decl)) continue;
    const rule = decl.items.find((i): i is RuleAst => i.kind === 'rule' && inside(i));
    return rule ?? decl;
  }
  return undefined;
}

