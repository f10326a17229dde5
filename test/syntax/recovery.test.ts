import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/diagnostics/index.js';
import { codeFrame, SourceFile, spanOf } from '../../src/source/index.js';
import { diagnosticsOf, dsl, rawDiagnosticsOf } from '../helpers/dsl.js';
import { projectRoot } from '../helpers/corpora.js';

const messages = (text: string) => rawDiagnosticsOf(text).map((d) => d.message);

describe('syntax errors as a person fixes them (issue 17 item 5)', () => {
  it('a misspelt item keyword is one diagnostic, at the word, with the keyword it meant', () => {
    const text = dsl`
      policy p {
        applies to pods

        rul r {
          forbid spec.hostPID = true
        }

        rule s {
          forbid spec.hostIPC = true
        }
      }`;
    expect(diagnosticsOf(text)).toEqual([{ code: 'SP0002', at: '4:3' }]);
    expect(messages(text)).toEqual(['unknown word "rul" at the start of a policy item; did you mean "rule"?']);
    const inRule = 'policy p {\n  applies to pods\n\n  rule r {\n    forbd spec.hostPID = true\n  }\n}\n';
    expect(messages(inRule)).toEqual(['unknown word "forbd" at the start of a rule item; did you mean "forbid"?']);
    expect(diagnosticsOf('polcy p {\n  applies to pods\n}\n')).toEqual([{ code: 'SP0002', at: '1:1' }]);
    expect(messages('polcy p {\n  applies to pods\n}\n')[0]).toContain('did you mean "policy"?');
  });

  it('an unclosed brace is reported at the brace, with the "}" that closed the enclosing block instead', () => {
    const text = dsl`
      policy p {
        applies to pods

        rule r {
          forbid spec.hostPID = true

        rule s {
          forbid spec.hostIPC = true
        }
      }`;
    expect(diagnosticsOf(text)).toEqual([{ code: 'SP0002', at: '4:10', related: ['10:1'] }]);
    expect(messages(text)).toEqual(['the "{" of rule r is never closed']);
    const atEnd = 'policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n  }\n';
    expect(diagnosticsOf(atEnd)).toEqual([{ code: 'SP0002', at: '1:10' }]);
    expect(messages(atEnd)).toEqual(['the "{" of policy p is never closed']);
  });

  it('a "}" that closes nothing is reported at it; a missing "{" is reported where it was expected', () => {
    const extra = 'policy p {\n  applies to pods\n}\n}\n';
    expect(diagnosticsOf(extra)).toEqual([{ code: 'SP0002', at: '4:1' }]);
    const missing = 'policy p {\n  applies to pods\n\n  rule r\n    forbid spec.hostPID = true\n  }\n}\n';
    expect(diagnosticsOf(missing)).toEqual([{ code: 'SP0002', at: '5:5' }]);
    expect(messages(missing)).toEqual(['expected "{" but found "forbid"']);
  });

  it('independent mistakes in two rules are two diagnostics', () => {
    const text = dsl`
      policy p {
        rule a {
          forbid spec.hostNetwork ==
        }
        rule b { require x = }
      }`;
    expect(diagnosticsOf(text).map((d) => d.at)).toEqual(['3:30', '5:24']);
  });

  it('a one-word typo anywhere in the library is at most two diagnostics, and one in nine cases of ten', () => {
    const files = execFileSync('find', [`${projectRoot}/policies`, '-name', '*.secpol'], { encoding: 'utf8' }).trim().split('\n').sort();
    const counts: number[] = [];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let k = 0; k < 400; k++) {
      const text = readFileSync(files[next(files.length)]!, 'utf8');
      const words = [...text.matchAll(/[A-Za-z][A-Za-z-]*|[{}()[\]=]/g)];
      const w = words[next(words.length)]!;
      const at = w.index;
      // Delete the word, drop its last character, or double its first.
      const typo = [text.slice(0, at) + text.slice(at + w[0].length), text.slice(0, at) + w[0].slice(0, -1) + text.slice(at + w[0].length), text.slice(0, at + 1) + w[0][0]! + text.slice(at + 1)][next(3)]!;
      const syntax = rawDiagnosticsOf(typo).filter((d) => d.code.startsWith('SP000'));
      if (syntax.length) counts.push(syntax.length);
    }
    expect(counts.length).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    expect(counts.filter((n) => n === 1).length / counts.length).toBeGreaterThan(0.9);
  });
});

describe('a diagnostic never echoes more than 200 characters of a source line', () => {
  it('shows a window of a long line around the span, with … where it was cut, and the caret under the span', () => {
    const long = `policy p { title "${'x'.repeat(3000)}" severity hgh }\n`;
    const file = new SourceFile('long.secpol', long);
    const at = long.indexOf('hgh');
    const frame = codeFrame(spanOf(file, at, at + 3));
    const [line, caret] = frame.split('\n');
    expect(line!.length).toBeLessThanOrEqual('1 | '.length + 2 + 200);
    expect(line).toMatch(/^1 \| …x+" severity hgh }$/);
    expect(line!.indexOf('hgh')).toBe(caret!.indexOf('^^^'));
    const start = codeFrame(spanOf(file, 0, 6)).split('\n')[0]!;
    expect(start).toMatch(/^1 \| policy p \{ title "x+…$/);
    expect(start.length).toBe('1 | '.length + 200 + 1);
  });

  it('a syntax error quoting a long token cuts it', () => {
    const text = `policy p {\n  title "a" "${'y'.repeat(500)}"\n}\n`;
    const rendered = rawDiagnosticsOf(text).map(renderDiagnostic).join('\n');
    expect(rendered.split('\n').every((l) => l.length <= 220)).toBe(true);
    expect(rendered).toContain(`"${'y'.repeat(38)}…"`);
  });
});
