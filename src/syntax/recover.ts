import type { IToken } from 'chevrotain';

/**
 * After a syntax error, Chevrotain's recovery re-synchronises on any token that may start an item, and a name may
 * start one (`enforce pod-security …`), so one typo used to cascade into five or eight errors. This module reads
 * the brace structure of the token stream, independently of the parse, so parse.ts can report one error per
 * top-level block, name the block an unclosed brace opens, and suggest the keyword a misspelt item meant.
 */

export interface Block {
  readonly open: IToken;
  /** The first token on the line of the `{`: the keyword that opened the block (`rule`, `policy`, `exception`…). */
  readonly opener: IToken;
  readonly parent?: Block;
  close?: IToken;
}

export interface BraceStructure {
  readonly blocks: readonly Block[];
  /** `{` never closed, innermost first within each run; judged by indentation where it tells (see matchBraces). */
  readonly unclosed: readonly Block[];
  /** For each unclosed block, the `}` that closed an outer block at the unclosed one's place, if any. */
  readonly closedInstead: ReadonlyMap<Block, IToken>;
  /** `}` with no `{` open. */
  readonly stray: readonly IToken[];
  /** The innermost block open at each token (by start offset), and at the end of the input. */
  readonly innermost: ReadonlyMap<number, Block>;
  readonly atEnd: Block | undefined;
  /** The first token of each line. */
  readonly firstOnLine: ReadonlyMap<number, IToken>;
}

/** Column of the first token on each line (1-based lines and columns, as Chevrotain tracks them). */
function lineIndents(tokens: readonly IToken[]): Map<number, { column: number; token: IToken }> {
  const out = new Map<number, { column: number; token: IToken }>();
  for (const t of tokens) if (t.startLine !== undefined && !out.has(t.startLine)) out.set(t.startLine, { column: t.startColumn ?? 1, token: t });
  return out;
}

/**
 * Matches braces. When `{` and `}` are not as many, a `}` that starts its line closes the open block whose opening
 * line has the same indentation, if there is one: the blocks opened after it were left unclosed (the canonical
 * layout, which `secpol fmt` writes, indents a block's `}` like its opening line). Otherwise a `}` closes the
 * innermost open block.
 */
export function matchBraces(tokens: readonly IToken[]): BraceStructure {
  const indents = lineIndents(tokens);
  // Indentation decides only when a brace is missing or extra: a file with as many `{` as `}` is matched innermost-first.
  const opens = tokens.filter((t) => t.tokenType.name === 'LBrace').length;
  const byIndent = opens !== tokens.filter((t) => t.tokenType.name === 'RBrace').length;
  const blocks: Block[] = [];
  const unclosed: Block[] = [];
  const closedInstead = new Map<Block, IToken>();
  const stray: IToken[] = [];
  const stack: { block: Block; indent: number }[] = [];
  const innermost = new Map<number, Block>();
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (stack.length) innermost.set(t.startOffset, stack[stack.length - 1]!.block);
    if (name === 'LBrace') {
      const line = indents.get(t.startLine ?? 0);
      const block: Block = { open: t, opener: line?.token ?? t, ...(stack.length ? { parent: stack[stack.length - 1]!.block } : {}) };
      blocks.push(block);
      stack.push({ block, indent: line?.column ?? 1 });
    } else if (name === 'RBrace') {
      if (!stack.length) {
        stray.push(t);
        continue;
      }
      const firstOnLine = indents.get(t.startLine ?? 0)?.token === t;
      let match = stack.length - 1;
      if (byIndent && firstOnLine && stack[match]!.indent !== t.startColumn) {
        const same = stack.map((s) => s.indent).lastIndexOf(t.startColumn ?? -1);
        if (same >= 0) match = same;
      }
      const left = stack.splice(match + 1).reverse();
      for (const s of left) {
        unclosed.push(s.block);
        closedInstead.set(s.block, t);
      }
      stack.pop()!.block.close = t;
    }
  }
  const atEnd = stack[stack.length - 1]?.block;
  unclosed.push(...stack.reverse().map((s) => s.block));
  const firstOnLine = new Map([...indents].map(([line, { token }]) => [line, token]));
  return { blocks, unclosed, closedInstead, stray, innermost, atEnd, firstOnLine };
}

/** The innermost block open at a token (its `{` and `}` belong to the enclosing one); the end of input if none. */
export function blockAt(structure: BraceStructure, token: IToken): Block | undefined {
  return Number.isFinite(token.startOffset) && token.tokenType.name !== 'EOF' ? structure.innermost.get(token.startOffset) : structure.atEnd;
}

export function outermost(block: Block | undefined): Block | undefined {
  let b = block;
  while (b?.parent) b = b.parent;
  return b;
}

/** What may start an item in each kind of block, by the keyword that opens it (the grammar's item rules). */
export const itemKeywords: Readonly<Record<string, readonly string[]>> = {
  file: ['import', 'policy', 'network'],
  policy: ['title', 'description', 'severity', 'category', 'mode', 'applies', 'in', 'except', 'where', 'on', 'omit', 'rule', 'exception', 'enforce', 'audit', 'warn'],
  rule: ['require', 'forbid', 'when', 'title', 'description', 'message', 'applies', 'omit'],
  exception: ['namespaces', 'images', 'workloads', 'controls', 'rules', 'reason', 'expires'],
  network: ['title', 'description', 'namespace', 'workload', 'default', 'allow'],
};

/** The grammar rule whose hint fits an item of each kind of block (parse.ts ruleHints). */
export const itemRule: Readonly<Record<string, string>> = { file: 'file', policy: 'policyItem', rule: 'ruleItem', exception: 'exceptionItem', network: 'networkItem' };

export function blockKind(block: Block | undefined): string | undefined {
  if (!block) return 'file';
  const word = block.opener.image;
  return word in itemKeywords ? word : undefined;
}
