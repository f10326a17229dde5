import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile } from '../../src/syntax/index.js';
import { fileAst, withoutSpans } from '../helpers/ast-arbitraries.js';

const seed = 20261123;

describe('printer laws', () => {
  it('parse(print(ast)) is ast, for generated syntax trees', () => {
    fc.assert(
      fc.property(fileAst, (ast) => {
        const text = printFile(ast);
        const parsed = parseSource(new SourceFile('printed.secpol', text));
        if (!parsed.value) throw new Error(`printed text does not parse:\n${text}\n${parsed.diagnostics.map((d) => d.message).join('\n')}`);
        expect(withoutSpans(parsed.value)).toEqual(withoutSpans(ast));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('print is idempotent: formatting formatted text changes nothing', () => {
    fc.assert(
      fc.property(fileAst, (ast) => {
        const once = printFile(ast);
        const parsed = parseSource(new SourceFile('once.secpol', once));
        expect(parsed.value && printFile(parsed.value)).toBe(once);
      }),
      { seed, numRuns: 300 },
    );
  });
});
