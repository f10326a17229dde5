/**
 * The law incremental reparsing rests on: splicing a reparsed rule into the previous tree gives the tree a full parse
 * gives (spans included), for random edits inside rules of every policy in the library; and when it declines, or
 * the edit breaks the syntax, a full parse is what the server falls back to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reparseRule } from '../../src/lsp/incremental.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, type FileAst } from '../../src/syntax/index.js';
import { projectRoot } from '../helpers/corpora.js';

const library = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? library(join(dir, e.name)) : e.name.endsWith('.secpol') ? [join(dir, e.name)] : []));
const texts = library(join(projectRoot, 'policies')).sort().map((f) => readFileSync(f, 'utf8'));

/** The tree as plain data: spans as [start, end] of the text they point into, which must be the new text. */
function plain(file: FileAst, text: string): unknown {
  return JSON.parse(JSON.stringify(file, (_k, v: unknown) => {
    if (v && typeof v === 'object' && 'file' in v && 'start' in v) {
      const s = v as { file: SourceFile; start: number; end: number };
      if (s.file.text !== text) throw new Error('a span points into another text');
      return [s.start, s.end];
    }
    return v;
  }));
}

const fragments = ['', ' ', '\n', 'x', '.', '"', '{', '}', 'true', ' and spec.hostPID = true', 'securityContext.', ' or ', '# note\n', '(', ')', ']', '[', 'rule q {', '512Mi', '>= 10'];

describe('incremental reparse', () => {
  it('equals a full parse for random edits inside rules, or declines', () => {
    let spliced = 0;
    let declined = 0;
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.nat(), fc.nat(20), fc.constantFrom(...fragments), (which, at, removed, inserted) => {
        const before = texts[which]!;
        const previous = parseSource(new SourceFile('p.secpol', before)).value!;
        const rules = previous.decls.flatMap((d) => (d.kind === 'policy' ? d.items.filter((i) => i.kind === 'rule') : []));
        if (rules.length === 0) return;
        const rule = rules[at % rules.length]!;
        const from = rule.name.span.end + 1 + (at % Math.max(1, rule.span.end - rule.name.span.end - 1));
        const to = Math.min(from + removed, rule.span.end - 1);
        const text = before.slice(0, from) + inserted + before.slice(Math.max(from, to));
        const full = parseSource(new SourceFile('p.secpol', text));
        const fast = reparseRule(previous, text);
        if (fast === undefined) {
          declined++;
          return;
        }
        spliced++;
        expect(full.diagnostics).toEqual([]);
        expect(plain(fast, text)).toEqual(plain(full.value!, text));
      }),
      { seed: 20, numRuns: 400 },
    );
    // Both branches ran: the law was exercised, and breaking edits were declined.
    expect(spliced).toBeGreaterThan(50);
    expect(declined).toBeGreaterThan(20);
  });

  it('declines edits outside rules and texts that gain an import', () => {
    const before = 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n';
    const previous = parseSource(new SourceFile('p.secpol', before)).value!;
    expect(reparseRule(previous, before.replace('applies to pods', 'applies to  pods'))).toBeUndefined();
    expect(reparseRule(previous, `import "./x.secpol"\n${before}`)).toBeUndefined();
    expect(reparseRule(previous, before.replace('rule r {', 'rule s {'))).toBeUndefined();
    const edited = reparseRule(previous, before.replace('hostPID', 'hostIPC'));
    expect(edited && plain(edited, before.replace('hostPID', 'hostIPC'))).toEqual(plain(parseSource(new SourceFile('p.secpol', before.replace('hostPID', 'hostIPC'))).value!, before.replace('hostPID', 'hostIPC')));
  });
});
