import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CstNode, IRecognitionException, IToken } from 'chevrotain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createToken, CstParser, Lexer } from '../../grammar/chevrotain.js';
import { lazyLookahead } from '../../grammar/lazy-lookahead.js';
import { SecpolParser } from '../../grammar/parser.js';
import { secpolLexer } from '../../grammar/tokens.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * The parser builds each lookahead function on first use (grammar/lazy-lookahead.ts, a start-up saving); Chevrotain's
 * default builds them all at construction. Both must parse everything alike: the same tree, the same errors, the same
 * recovery, on the policy library, the test fixtures and damaged copies of them.
 */
const lazy = new SecpolParser();
const eager = new SecpolParser({ eagerLookahead: true });

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? files(path, suffix) : name.endsWith(suffix) ? [path] : [];
  });
}

/** The tree as data: rule names, children in order of their keys, tokens by type, image and offset. */
function shape(node: CstNode | IToken): unknown {
  if ('image' in node) return [node.tokenType.name, node.image, node.startOffset];
  const children = Object.keys(node.children)
    .sort()
    .map((key) => [key, node.children[key]!.map((c) => shape(c as CstNode | IToken))]);
  return { name: node.name, recovered: node.recoveredNode ?? false, location: node.location, children };
}

function errorShape(e: IRecognitionException): unknown {
  return [e.name, e.message, e.token.startOffset, e.token.tokenType.name, [...e.context.ruleStack], [...e.context.ruleOccurrenceStack]];
}

function parseWith(parser: SecpolParser, tokens: IToken[]) {
  parser.input = tokens;
  const cst = parser.file();
  return { tree: shape(cst), errors: parser.errors.map(errorShape) };
}

function same(text: string): void {
  const { tokens } = secpolLexer.tokenize(text);
  expect(parseWith(lazy, tokens)).toEqual(parseWith(eager, tokens));
}

/** The library's and the tests' policy files, and every ```secpol example of the docs (a wider share of the grammar). */
const corpus: string[] = [
  ...[...files(join(projectRoot, 'policies'), '.secpol'), ...files(join(projectRoot, 'test'), '.secpol')].sort().map((p) => readFileSync(p, 'utf8')),
  ...files(join(projectRoot, 'docs'), '.md')
    .sort()
    .flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/^```secpol\n([\s\S]*?)^```/gm)].map((m) => m[1]!)),
];

describe('lazily built lookahead (grammar/lazy-lookahead.ts)', () => {
  it('parses every .secpol file of the library and the tests, and the docs\' examples, as the eager parser does', () => {
    expect(corpus.length).toBeGreaterThan(100);
    for (const text of corpus) same(text);
  });

  it('recovers from damaged files exactly as the eager parser does (tokens dropped, repeated, swapped)', () => {
    const texts = corpus;
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(fc.tuple(fc.constantFrom('drop', 'repeat', 'swap'), fc.nat()), { minLength: 1, maxLength: 4 }), (i, edits) => {
        const tokens = [...secpolLexer.tokenize(texts[i]!).tokens];
        for (const [op, n] of edits) {
          if (tokens.length < 2) break;
          const k = n % (tokens.length - 1);
          if (op === 'drop') tokens.splice(k, 1);
          else if (op === 'repeat') tokens.splice(k, 0, tokens[k]!);
          else [tokens[k], tokens[k + 1]] = [tokens[k + 1]!, tokens[k]!];
        }
        // Offsets no longer follow the text, which the parser does not need: it reads token types only.
        const a = parseWith(lazy, tokens);
        const b = parseWith(eager, tokens);
        expect(a).toEqual(b);
      }),
      { seed: 17, numRuns: 400 },
    );
  });

  it('keeps Chevrotain\'s grammar validation: an ambiguous grammar still fails self-analysis', () => {
    const A = createToken({ name: 'A', pattern: /a/ });
    const B = createToken({ name: 'B', pattern: /b/ });
    class Ambiguous extends CstParser {
      constructor() {
        super([A, B], { skipValidations: false, lookaheadStrategy: lazyLookahead(3) });
        this.performSelfAnalysis();
      }
      public top = this.RULE('top', () => {
        this.OR([{ ALT: () => this.CONSUME(A) }, { ALT: () => this.CONSUME2(A) }]);
      });
    }
    expect(() => new Ambiguous()).toThrow(/Ambiguous/);
    expect(new Lexer([A, B]).tokenize('ab').tokens.length).toBe(2);
  });
});
