/**
 * The TextMate grammar (editors/vscode, also for GitHub/Linguist-style highlighting) run by vscode-textmate: every
 * keyword of the lexer (grammar/tokens.ts) is highlighted as one, names and field paths that contain keywords are
 * not, and the policy library's tokens are golden files (test/golden-tokens/), reviewed like code.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenType } from 'chevrotain';
import * as tokens from '../../grammar/tokens.js';
import { projectRoot } from '../helpers/corpora.js';
import { loadGrammar, type Token } from './textmate.js';

let tokenise: (text: string) => Token[][];
beforeAll(async () => {
  tokenise = await loadGrammar();
});

/** Each keyword token's word, read back from its pattern (`word(?!…)`). */
const keywords = Object.values(tokens)
  .filter((t): t is TokenType => typeof t === 'function' || (typeof t === 'object' && t !== null && 'name' in t && 'PATTERN' in t))
  .filter((t) => t.name.startsWith('Kw'))
  .map((t) => /^([a-z-]+)\(\?!/.exec((t.PATTERN as RegExp).source)?.[1] ?? `<${t.name}>`);

const scopeOf = (line: Token[], text: string) => line.find((t) => t.text === text)?.scopes.at(-1);
const keywordScope = /^(keyword|storage\.type|constant\.language)\./;

describe('TextMate grammar', () => {
  it('reads every keyword of the lexer', () => {
    expect(keywords.length).toBeGreaterThan(70);
    expect(keywords.filter((k) => k.startsWith('<'))).toEqual([]);
  });

  it('highlights every keyword of grammar/tokens.ts as a keyword, alone and after a name', () => {
    for (const k of keywords) {
      expect(scopeOf(tokenise(k)[0]!, k), k).toMatch(keywordScope);
      expect(scopeOf(tokenise(`  x ${k} y`)[0]!, k), k).toMatch(keywordScope);
    }
  });

  it('keywords inside names and field paths are not keywords', () => {
    for (const k of keywords) {
      const [line] = tokenise(`forbid ${k}-x.${k} = true`);
      expect(line!.map((t) => [t.text, t.scopes.at(-1)]), k).toContainEqual([`${k}-x.${k}`, 'variable.other.property.secpol']);
      expect(scopeOf(tokenise(`rule ${k}-name {`)[0]!, `${k}-name`), k).toBe('entity.name.function.secpol');
    }
  });

  it('literals, strings, comments', () => {
    const [line] = tokenise('  require x <= 512Mi and y = "a\\"b {name}" # done');
    const scopes = Object.fromEntries(line!.map((t) => [t.text.trim(), t.scopes.at(-1)]));
    expect(scopes['512Mi']).toBe('constant.numeric.quantity.secpol');
    expect(scopes['\\"']).toBe('constant.character.escape.secpol');
    expect(scopes['{name}']).toBe('variable.other.placeholder.secpol');
    expect(scopes['# done']).toBe('comment.line.number-sign.secpol');
    expect(scopeOf(tokenise('    expires 2027-01-31')[0]!, '2027-01-31')).toBe('constant.numeric.date.secpol');
    expect(scopeOf(tokenise('  enforce pod-security restricted version v1.30')[0]!, 'v1.30')).toBe('constant.numeric.version.secpol');
  });

  it('field-relative comparisons: `*`, `+` and a spaced `-` are operators, the other field a path', () => {
    const [line] = tokenise('  require limits.cpu <= 2 * requests.cpu and spec.max >= spec.min - 1 and spec.max > spec.min + -1');
    const scopes = line!.map((t) => [t.text.trim(), t.scopes.at(-1)]);
    expect(scopes).toContainEqual(['*', 'keyword.operator.arithmetic.secpol']);
    expect(scopes).toContainEqual(['-', 'keyword.operator.arithmetic.secpol']);
    expect(scopes).toContainEqual(['+', 'keyword.operator.arithmetic.secpol']);
    expect(scopes).toContainEqual(['-1', 'constant.numeric.secpol']);
    expect(scopes).toContainEqual(['requests.cpu', 'variable.other.property.secpol']);
    expect(scopes).toContainEqual(['2', 'constant.numeric.secpol']);
  });

  const library = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? library(join(dir, e.name)) : e.name.endsWith('.secpol') ? [join(dir, e.name)] : []));
  const files = [...library(join(projectRoot, 'policies')), join(projectRoot, 'docs/language/example.secpol')].sort();

  it.each(files.map((f) => [relative(projectRoot, f), f]))('tokens of %s match the golden file', async (name, file) => {
    const { readFileSync } = await import('node:fs');
    const lines = tokenise(readFileSync(file, 'utf8'));
    const text = lines.map((l, i) => `${i + 1}: ${l.filter((t) => t.text.trim()).map((t) => `${JSON.stringify(t.text)} ${t.scopes.at(-1) ?? 'source'}`).join(' | ')}`).join('\n');
    await expect(`${text}\n`).toMatchFileSnapshot(join(projectRoot, 'test/golden-tokens', `${name.replaceAll('/', '--').replace(/\.secpol$/, '')}.txt`));
  });
});
