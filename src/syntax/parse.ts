import type { IRecognitionException, IToken } from 'chevrotain';
import type { FileCstNode } from '../../grammar/cst.generated.js';
import { secpolParser } from '../../grammar/parser.js';
import { secpolLexer } from '../../grammar/tokens.js';
import { diagnostic, type Diagnostic, type Staged } from '../diagnostics/index.js';
import { spanOf, type SourceFile } from '../source/index.js';
import type { FileAst } from './ast.js';
import { toAst } from './to-ast.js';

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
  valueList: 'a list is written `["a", "b"]`',
  labelTest: 'a label test looks like `"app.kubernetes.io/name" = "web"`, `tier in ["a", "b"]`, `team exists`',
  exceptionItem: 'an exception holds namespaces, images, workloads, controls, rules, reason "…" and expires YYYY-MM-DD',
  networkItem: 'a network block holds `namespace "…"`, `workload …`, `default deny …`, `allow dns in namespaces …` and `allow from … to … on tcp 443`',
  peer: 'a peer is `pods where …`, `workload NAME`, `namespace "…"`, `namespaces where …` or `cidr "10.0.0.0/8"`',
  portSpec: 'a port is `tcp 443`, `udp 53`, `tcp 8000-9000` or `tcp "http"`',
  podSecurityDecl: 'write `enforce pod-security restricted version v1.30` (or audit / warn, version latest)',
  kindTarget: 'write `applies to pods` or `applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole`',
};

function describeToken(t: IToken): string {
  return t.tokenType.name === 'EOF' ? 'the end of the file' : `"${t.image}"`;
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
  for (const e of secpolParser.errors.slice(0, maxSyntaxErrors + 1)) diagnostics.push(syntaxDiagnostic(file, e));
  if (diagnostics.length > maxSyntaxErrors) return { diagnostics: tooManyErrors(file, diagnostics) };
  if (diagnostics.length > 0) return { diagnostics };
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  return { value: toAst(file, cst, comments), diagnostics };
}
