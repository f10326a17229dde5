import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ILexingResult } from 'chevrotain';
import { Lexer } from '../../grammar/chevrotain.js';
import { allTokens, lexerOptions, secpolLexer } from '../../grammar/tokens.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * The tokens' start_chars_hint and line_breaks (grammar/tokens.ts) spare Chevrotain's regexp analysis at start-up;
 * a wrong hint would silently drop matches. Laws: the hinted lexer tokenizes every text exactly as Chevrotain's
 * safe mode (no first-character optimisation, hints unused) does, and every token's line is the count of line
 * breaks before it.
 */
const safeLexer = new Lexer(allTokens, { ...lexerOptions, safeMode: true, skipValidations: true });

function shape(result: ILexingResult) {
  return {
    tokens: result.tokens.map((t) => `${t.tokenType.name}@${t.startOffset}:${t.image}`),
    comments: result.groups['comments']?.map((t) => `${t.startOffset}:${t.image}`) ?? [],
    errors: result.errors.map((e) => `${e.offset}+${e.length}`),
  };
}

function linesAgree(text: string, result: ILexingResult): void {
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const t of [...result.tokens, ...(result.groups['comments'] ?? [])]) {
    expect({ image: t.image, line: t.startLine, end: t.endLine }).toEqual({ image: t.image, line: lineAt(t.startOffset), end: lineAt(t.endOffset ?? t.startOffset) });
  }
}

const pieces = ['policy', 'rule', 'forbid', 'in', 'init', 'no', 'not', 'any', 'v1.30', 'vx', '512Mi', '1.5', '-3', '2026-01-01', '80-90', '1e3', '"a b"', '"open', '# c', '!=', '<=', '>=', '<', '>', '=', '{', '}', '(', ')', '[', ']', ',', '.', '-', '_x', 'Ab9', 'é', '\\', '"', '\n', ' ', '\t', '\r\n', '@', '!'];

describe('lexer hints', () => {
  it('the hinted lexer and the safe-mode lexer agree on any text, and lines are counted right', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const hinted = secpolLexer.tokenize(text);
        expect(shape(hinted)).toEqual(shape(safeLexer.tokenize(text)));
        linesAgree(text, hinted);
      }),
      { seed: 17, numRuns: 2000 },
    );
  });

  it('they agree on every policy of the library', () => {
    const files = execFileSync('find', [`${projectRoot}/policies`, '-name', '*.secpol'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const hinted = secpolLexer.tokenize(text);
      expect(shape(hinted), f).toEqual(shape(safeLexer.tokenize(text)));
      linesAgree(text, hinted);
    }
  });
});
