/**
 * The blocks of a document read from its text alone (braces outside strings and comments), so completion and hover
 * work while the document does not parse, as it mostly does not while one types.
 */
export interface TextBlock {
  /** The first word before the `{`: policy, rule, exception, network, or another word. */
  readonly kind: string;
  readonly name: string;
  readonly open: number;
  /** The offset of the closing `}`, or the end of the text when the block is not closed. */
  readonly close: number;
}

export function scanBlocks(text: string): TextBlock[] {
  const done: TextBlock[] = [];
  const openBlocks: TextBlock[] = [];
  let lastBoundary = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lastBoundary = i + 1;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      if (text[i] === '\n') i--;
    } else if (c === '{') {
      const [kind = '', name = ''] = text.slice(lastBoundary, i).trim().split(/\s+/);
      openBlocks.push({ kind, name, open: i, close: text.length });
      lastBoundary = i + 1;
    } else if (c === '}') {
      const block = openBlocks.pop();
      if (block) done.push({ ...block, close: i });
      lastBoundary = i + 1;
    }
  }
  return [...done, ...openBlocks].sort((a, b) => a.open - b.open);
}

/** The blocks open at `offset`, outermost first. */
export function blocksAt(blocks: readonly TextBlock[], offset: number): TextBlock[] {
  return blocks.filter((b) => b.open < offset && offset <= b.close);
}

/** A block's text without the blocks nested in it (a policy's own items, not its rules'). */
export function ownText(text: string, block: TextBlock, blocks: readonly TextBlock[]): string {
  let out = '';
  let at = block.open + 1;
  for (const inner of blocks) {
    if (inner.open <= block.open || inner.close >= block.close || inner.open < at) continue;
    out += text.slice(at, inner.open);
    at = inner.close + 1;
  }
  return out + text.slice(at, block.close);
}
