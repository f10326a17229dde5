import { SourceFile, type Span } from '../source/index.js';
import { parseSource, type FileAst, type PolicyAst, type RuleAst } from '../syntax/index.js';

/**
 * Reparses only the rule an edit falls in, when it pays: an edit inside one rule's braces of a file that parsed is
 * parsed as that rule alone (the rest of the text blanked, offsets and lines kept), and spliced into the previous
 * tree with every later span shifted. A rule parses the same wherever it stands (`ruleDecl` takes no context), so
 * the result equals a full parse; test/lsp/incremental.prop.test.ts checks that law on random edits. Anything else
 * (an edit outside a rule, a syntax error, braces that no longer pair up inside the rule) returns undefined, and
 * the caller parses the whole text.
 */
export function reparseRule(previous: FileAst, text: string): FileAst | undefined {
  const old = previous.span.file.text;
  let prefix = 0;
  const shortest = Math.min(old.length, text.length);
  while (prefix < shortest && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const oldEnd = old.length - suffix;
  const delta = text.length - old.length;
  if (prefix === old.length && delta === 0) return previous;

  let policy: PolicyAst | undefined;
  let rule: RuleAst | undefined;
  for (const decl of previous.decls) {
    if (decl.kind !== 'policy') continue;
    const r = decl.items.find((i): i is RuleAst => i.kind === 'rule' && prefix > i.name.span.end && oldEnd < i.span.end);
    if (r) [policy, rule] = [decl, r];
  }
  if (!policy || !rule) return undefined;
  const open = old.indexOf('{', policy.name.span.end);
  // The policy's header, the rule and the policy's closing brace are kept; everything else becomes blanks.
  const blank = (from: number, to: number) => text.slice(from, to).replace(/[^\r\n]/g, ' ');
  const close = policy.span.end - 1 + delta;
  const synthetic = [
    blank(0, policy.span.start),
    text.slice(policy.span.start, open + 1),
    blank(open + 1, rule.span.start),
    text.slice(rule.span.start, rule.span.end + delta),
    blank(rule.span.end + delta, close),
    text.slice(close, close + 1),
    blank(close + 1, text.length),
  ].join('');
  const parsed = parseSource(new SourceFile(previous.span.file.path, synthetic));
  const decl = parsed.value?.decls[0];
  if (!parsed.value || parsed.diagnostics.length || parsed.value.decls.length !== 1 || decl?.kind !== 'policy' || decl.items.length !== 1 || decl.items[0]?.kind !== 'rule') return undefined;

  const file = new SourceFile(previous.span.file.path, text);
  const fresh = (s: Span): Span => ({ file, start: s.start, end: s.end });
  const shifted = (s: Span): Span => ({ file, start: s.start >= oldEnd ? s.start + delta : s.start, end: s.end >= oldEnd ? s.end + delta : s.end });
  const spliced = remap(previous, shifted, (node) => (node === rule ? remap(decl.items[0], fresh) : undefined)) as FileAst;
  const inRule = (s: Span) => s.start >= rule.span.start && s.end <= rule.span.end;
  const comments = [...previous.comments.filter((c) => !inRule(c.span)).map((c) => remap(c, shifted) as FileAst['comments'][number]), ...parsed.value.comments.map((c) => remap(c, fresh) as FileAst['comments'][number])];
  return { ...spliced, span: { file, start: 0, end: text.length }, comments: comments.sort((a, b) => a.span.start - b.span.start) };
}

/** A copy of a syntax tree with every span mapped; `replace` may substitute a whole node. Loops, not entries(): it runs per keystroke. */
function remap(node: unknown, span: (s: Span) => Span, replace?: (node: unknown) => unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    const out: unknown[] = new Array(node.length);
    for (let i = 0; i < node.length; i++) out[i] = remap(node[i], span, replace);
    return out;
  }
  if ((node as { file?: unknown }).file instanceof SourceFile) return span(node as Span);
  const substitute = replace?.(node);
  if (substitute !== undefined) return substitute;
  const out: Record<string, unknown> = {};
  for (const key in node) out[key] = remap((node as Record<string, unknown>)[key], span, replace);
  return out;
}
