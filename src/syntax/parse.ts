import type { IRecognitionException, IToken } from 'chevrotain';
import type { FileCstNode } from '../../grammar/cst.generated.js';
import { secpolParser } from '../../grammar/parser.js';
import { secpolLexer } from '../../grammar/tokens.js';
import { closestName, diagnostic, type Diagnostic, type Staged } from '../diagnostics/index.js';
import { spanOf, type SourceFile } from '../source/index.js';
import type { FileAst } from './ast.js';
import { toAst } from './to-ast.js';
import { blockAt, blockKind, itemKeywords, itemRule, matchBraces, outermost, type Block, type BraceStructure } from './recover.js';

/** What each grammar rule expects, for the hint under a syntax error (keyed by the innermost rule). */
const ruleHints: Record<string, string> = {
  file: 'a file holds `import "…"` lines, then `policy NAME { … }` and `network NAME { … }` blocks',
  policyDecl: 'write `policy NAME { … }`',
  policyItem: 'a policy holds title, description, severity, category, mode, `applies to …`, `in namespaces …`, `rule NAME { … }`, `exception NAME { … }` or `enforce pod-security LEVEL`',
  ruleItem: 'a rule holds `require …`, `forbid …`, `when …`, `message "…"` or `applies to …`',
  predicate: 'a condition looks like `securityContext.privileged = true` or `any container has image matches "*:latest"`',
  comparison: 'a condition is a field path followed by a test: `= value`, `in [a, b]`, `exists`, `matches "glob"`, `>= 1000`, `contains "x"`',
  test: 'after a field path write a test: `= value`, `!= value`, `in [a, b]`, `exists`, `is absent`, `matches "glob"`, `>= 1000`, `contains only [a]`',
  quantified: 'write `any|every|no container has <condition>`',
  domain: 'quantify over container, app container, init container, ephemeral container, volume, port, env, rbac rule, subject, or `item in <path>`',
  value: 'a value is a "string", a number, a quantity such as 512Mi, true or false',
  operand: 'compare with a value ("string", a number, a quantity such as 512Mi, true or false) or with another field (`<= 2 * resources.requests.cpu`, `>= spec.minReplicas + 1`)',
  valueList: 'a list is written `["a", "b"]`',
  labelTest: 'a label test looks like `"app.kubernetes.io/name" = "web"`, `tier in ["a", "b"]`, `team exists`',
  exceptionItem: 'an exception holds namespaces, images, workloads, controls, rules, reason "…" and expires YYYY-MM-DD',
  networkItem: 'a network block holds `namespace "…"`, `workload …`, `default deny …`, `allow dns in namespaces …` and `allow from … to … on tcp 443`',
  peer: 'a peer is `pods where …`, `workload NAME`, `namespace "…"`, `namespaces where …` or `cidr "10.0.0.0/8"`',
  portSpec: 'a port is `tcp 443`, `udp 53`, `tcp 8000-9000` or `tcp "http"`',
  podSecurityDecl: 'write `enforce pod-security restricted version v1.30` (or audit / warn, version latest)',
  kindTarget: 'write `applies to pods` or `applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole`',
};

/** A token as a message quotes it: a long string literal is cut, so a message stays one readable line. */
function describeToken(t: IToken): string {
  if (t.tokenType.name === 'EOF') return 'the end of the file';
  return t.image.length > 40 ? `"${t.image.slice(0, 39)}…"` : `"${t.image}"`;
}

function syntaxDiagnostic(file: SourceFile, e: IRecognitionException): Diagnostic {
  const token = e.token;
  const offset = Number.isFinite(token.startOffset) ? token.startOffset : file.text.length;
  const end = token.tokenType.name === 'EOF' ? offset : (token.endOffset ?? offset) + 1;
  const rule = [...e.context.ruleStack].reverse().find((r) => r in ruleHints) ?? 'file';
  const expected = /Expecting token of type --> (\w+) <--/.exec(e.message)?.[1];
  const detail = expected
    ? `expected ${expectedText(expected)} but found ${describeToken(token)}`
    : `unexpected ${describeToken(token)} here`;
  return diagnostic('SP0002', spanOf(file, offset, end), { detail, hint: ruleHints[rule] ?? '' });
}

function tokenSpan(file: SourceFile, t: IToken) {
  return spanOf(file, t.startOffset, (t.endOffset ?? t.startOffset) + 1);
}

/** `rule no-root`, `policy hardening`: the words from a block's opening keyword to its `{`, for messages. */
function blockTitle(tokens: readonly IToken[], block: Block): string {
  const words = tokens.filter((t) => t.startOffset >= block.opener.startOffset && t.startOffset < block.open.startOffset).map((t) => t.image);
  const title = words.join(' ');
  return title.length > 40 ? `${title.slice(0, 39)}…` : title;
}

function unclosedDiagnostic(file: SourceFile, tokens: readonly IToken[], structure: BraceStructure, block: Block): Diagnostic {
  const instead = structure.closedInstead.get(block);
  const kind = blockKind(block);
  return diagnostic(
    'SP0002',
    tokenSpan(file, block.open),
    { detail: `the "{" of ${blockTitle(tokens, block) || 'this block'} is never closed`, hint: `add "}" where the ${kind && kind !== 'file' ? kind : 'block'} ends` },
    instead ? [{ span: tokenSpan(file, instead), note: 'this "}", indented like an enclosing block, closes that block instead' }] : [],
  );
}

/**
 * A misspelt keyword at the start of an item (`rul r {`, `forbd …`) parses as a name, so the error lands later in
 * the line; when the line's first word is close to a keyword that may start an item there, say so at that word.
 */
function misspeltKeyword(file: SourceFile, structure: BraceStructure, e: IRecognitionException): Diagnostic | undefined {
  const first = e.token.startLine === undefined ? undefined : structure.firstOnLine.get(e.token.startLine);
  if (!first || first.tokenType.name !== 'Identifier' || first.startOffset > e.token.startOffset) return undefined;
  const kind = blockKind(blockAt(structure, first));
  const keywords = kind ? itemKeywords[kind] : undefined;
  if (!kind || !keywords || keywords.includes(first.image)) return undefined;
  const near = closestName(first.image, keywords);
  if (!near.length) return undefined;
  return diagnostic('SP0002', tokenSpan(file, first), {
    detail: `unknown word "${first.image}" at the start of ${kind === 'file' ? 'a block' : `a ${kind} item`}; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?`,
    hint: ruleHints[itemRule[kind] ?? 'file'] ?? '',
  });
}

/** The block just below the top level that holds a token (a rule or exception of a policy), if any. */
function itemBlock(block: Block | undefined): Block | undefined {
  let b = block;
  while (b?.parent?.parent) b = b.parent;
  return b?.parent ? b : undefined;
}

/**
 * The parser's errors, reported as a person would fix them. Braces that are never closed, or close nothing, are
 * reported at the brace, with the parser's errors before the first of them (after it, they are its cascade) — unless
 * the parser expected a "{" that is missing, which explains a "}" closing nothing. Otherwise the first error of each
 * item block (a rule, an exception) is reported, and the first error among a top-level block's own items if no error
 * came before it in that block; an error among a block's own items (`rul r {`) also covers the block that opens on
 * its line. Chevrotain's recovery re-synchronises on any name, so what follows a first error is mostly its echo.
 */
function syntaxDiagnostics(file: SourceFile, tokens: readonly IToken[], errors: readonly IRecognitionException[]): Diagnostic[] {
  const structure = matchBraces(tokens);
  const offsetOf = (e: IRecognitionException) => (Number.isFinite(e.token.startOffset) ? e.token.startOffset : file.text.length);
  const sorted = [...errors].sort((a, b) => offsetOf(a) - offsetOf(b));
  const missingOpen = sorted.some((e) => /Expecting token of type --> LBrace <--/.test(e.message));
  const braceProblems = [
    ...structure.unclosed.map((b) => ({ at: b.open.startOffset, diagnostic: unclosedDiagnostic(file, tokens, structure, b) })),
    ...(missingOpen ? [] : structure.stray.map((t) => ({ at: t.startOffset, diagnostic: diagnostic('SP0002', tokenSpan(file, t), { detail: '"}" closes nothing: every block before it is closed', hint: 'remove it, or add the "{" it was meant to close' }) }))),
  ].sort((a, b) => a.at - b.at);
  const firstBraceProblem = braceProblems[0]?.at ?? Number.POSITIVE_INFINITY;
  // An error at file level on the line that opens a block (`polcy p {`) belongs to that block.
  const openedOnLine = new Map(structure.blocks.filter((b) => !b.parent).map((b) => [b.open.startLine, b]));
  const reported = new Set<Block | string>();
  const out: Diagnostic[] = [];
  for (const e of sorted) {
    if (offsetOf(e) >= firstBraceProblem) break;
    const inner = blockAt(structure, e.token);
    const top = outermost(inner) ?? openedOnLine.get(e.token.startLine);
    const item = itemBlock(inner);
    const topKey = top ?? 'file';
    let group: Block | string;
    if (item && !reported.has(`${item.open.startLine}@${top?.open.startOffset}`)) group = item;
    else if (reported.has(topKey) || [...reported].some((g) => typeof g !== 'string' && outermost(g) === top)) continue;
    else group = topKey;
    if (reported.has(group)) continue;
    reported.add(group);
    if (group === topKey) reported.add(`${e.token.startLine}@${top?.open.startOffset}`);
    out.push(misspeltKeyword(file, structure, e) ?? syntaxDiagnostic(file, e));
  }
  return [...out, ...braceProblems.map((p) => p.diagnostic)];
}

function expectedText(tokenName: string): string {
  const punctuation: Record<string, string> = { RBrace: '"}"', LBrace: '"{"', RParen: '")"', RBracket: '"]"', LBracket: '"["', StringLiteral: 'a "quoted string"', Word: 'a name', PathStart: 'a field path', DateLiteral: 'a date (YYYY-MM-DD)', Equals: '"="' };
  if (tokenName.startsWith('Kw')) return `"${tokenName.slice(2).replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}"`;
  return punctuation[tokenName] ?? tokenName;
}

function tooManyErrors(file: SourceFile, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const kept = [...diagnostics].sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0)).slice(0, maxSyntaxErrors);
  const last = kept[kept.length - 1]?.span ?? spanOf(file, 0, 0);
  return [...kept, diagnostic('SP0007', last, { what: 'the number of syntax errors', limit: `${maxSyntaxErrors} (is this a policy file?)` })];
}

/** Lexing rejects stray characters, line breaks inside strings and escapes JSON does not define. */
function lexDiagnostics(file: SourceFile, tokens: readonly IToken[], errors: readonly { offset: number; length: number }[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const char = file.text[e.offset] ?? '';
    if (char === '"') out.push(diagnostic('SP0003', spanOf(file, e.offset, e.offset + 1)));
    else out.push(diagnostic('SP0001', spanOf(file, e.offset, e.offset + Math.max(1, Math.min(e.length, 1))), { char: JSON.stringify(char) }));
  }
  for (const t of tokens) {
    if (t.tokenType.name === 'UnterminatedString') {
      out.push(diagnostic('SP0003', spanOf(file, t.startOffset, t.startOffset + 1)));
      continue;
    }
    if (t.tokenType.name !== 'StringLiteral') continue;
    try {
      JSON.parse(t.image);
    } catch {
      const bad = /\\(?:[^"\\/bfnrtu]|u(?![0-9a-fA-F]{4}))/.exec(t.image);
      const at = t.startOffset + (bad?.index ?? 0);
      out.push(diagnostic('SP0002', spanOf(file, at, at + (bad?.[0].length ?? 1)), { detail: `invalid escape ${bad?.[0] ?? ''} in string`, hint: 'strings accept \\" \\\\ \\n \\t \\r \\b \\f \\/ and \\uXXXX' }));
    }
  }
  return out;
}

/**
 * How deeply predicates may nest (parentheses, `not`, quantifiers). The parser and the later stages recurse on
 * nesting, so an adversarial file could otherwise exhaust the stack; no real policy comes near this.
 */
export const maxNesting = 64;

/** After this many syntax errors a file is garbage, not a policy: report these and stop (bounded time and memory). */
export const maxSyntaxErrors = 100;

function nestingDiagnostics(file: SourceFile, tokens: readonly IToken[]): Diagnostic[] {
  let depth = 0;
  let chain = 0;
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (name === 'LParen' || name === 'LBrace' || name === 'LBracket') depth++;
    else if (name === 'RParen' || name === 'RBrace' || name === 'RBracket') depth = Math.max(0, depth - 1);
    // `not not …` and `any … has any … has …` nest without parentheses; a rule's items reset the chain.
    if (name === 'KwNot' || name === 'KwHas') chain++;
    else if (name === 'KwRequire' || name === 'KwForbid' || name === 'KwWhen' || name === 'RBrace') chain = 0;
    if (depth > maxNesting || chain > maxNesting) {
      return [diagnostic('SP0007', spanOf(file, t.startOffset, (t.endOffset ?? t.startOffset) + 1), { what: 'the nesting of this condition', limit: `${maxNesting} levels` })];
    }
  }
  return [];
}

/** Lex, parse and build the AST. A file with any syntax error yields every syntax diagnostic and no AST. */
export function parseSource(file: SourceFile): Staged<FileAst> {
  const lexed = secpolLexer.tokenize(file.text);
  const lexErrors = lexed.errors.map((e) => ({ offset: e.offset, length: e.length }));
  const diagnostics = lexDiagnostics(file, lexed.tokens, lexErrors);
  if (diagnostics.length > maxSyntaxErrors) return { diagnostics: tooManyErrors(file, diagnostics) };
  const tooDeep = nestingDiagnostics(file, lexed.tokens);
  if (tooDeep.length) return { diagnostics: [...diagnostics, ...tooDeep] };
  secpolParser.input = lexed.tokens;
  const cst = secpolParser.file() as FileCstNode;
  // A loop, not push(...errors): a garbage file can produce more errors than a call may take arguments.
  if (secpolParser.errors.length) for (const d of syntaxDiagnostics(file, lexed.tokens, secpolParser.errors.slice(0, 10_000))) diagnostics.push(d);
  if (diagnostics.length > maxSyntaxErrors) return { diagnostics: tooManyErrors(file, diagnostics) };
  if (diagnostics.length > 0) return { diagnostics };
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  return { value: toAst(file, cst, comments), diagnostics };
}
