import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontEnd } from '../src/compile.js';
import { renderDiagnostic, type Diagnostic } from '../src/diagnostics/index.js';
import { projectRoot } from './helpers/corpora.js';
import { rawDiagnosticsOf, testToday } from './helpers/dsl.js';

/**
 * Every ```secpol block in docs/**\/*.md is a whole policy file, checked with the real front end as of testToday.
 * A block must produce no diagnostic at all, unless its first line is `# expect: SP1002 SP1004`: then it must
 * produce exactly those codes (errors and warnings, each as often as listed, in any order).
 * A block may name itself with a leading `# file: NAME.secpol` comment; a block with `import` lines is loaded
 * through the import resolver, reading the named blocks of the same page as files beside it.
 */

interface Block {
  readonly page: string;
  /** 1-based line of the block's first line in the page. */
  readonly line: number;
  readonly text: string;
  readonly expect?: readonly string[];
  readonly file?: string;
}

const docsRoot = join(projectRoot, 'docs');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}

function blocksOf(path: string): Block[] {
  const page = relative(projectRoot, path).split('\\').join('/');
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```secpol') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const body = lines.slice(start, end);
    const expectLine = /^# expect:(.*)$/.exec(body[0] ?? '');
    const firstCode = body.findIndex((l) => !l.startsWith('#'));
    const header = firstCode < 0 ? body : body.slice(0, firstCode);
    const file = header.map((l) => /^# file: (\S+)\s*$/.exec(l)?.[1]).find((f) => f !== undefined);
    blocks.push({
      page,
      line: start + 1,
      text: `${body.join('\n')}\n`,
      ...(expectLine ? { expect: (expectLine[1] ?? '').trim().split(/\s+/).filter(Boolean).sort() } : {}),
      ...(file ? { file } : {}),
    });
    i = end;
  }
  return blocks;
}

/**
 * Known checker bugs that make an example (in a generated page this test cannot change) produce more than it
 * declares. An entry must match exactly, so the test fails once the bug is fixed and the entry has to go.
 */
const knownExtraDiagnostics: Readonly<Record<string, readonly string[]>> = {};

const declaration = /^\s*(policy|network|defaults)\s+[A-Za-z_][\w-]*\s*\{/m;
const importLine = /^\s*import\s+"/m;

function diagnosticsOf(block: Block, siblings: readonly Block[]): readonly Diagnostic[] {
  if (!importLine.test(block.text)) return rawDiagnosticsOf(block.text);
  const files = new Map(siblings.filter((b) => b.file).map((b) => [posix.normalize(b.file ?? ''), b.text]));
  const root = block.file ?? `block-at-line-${block.line}.secpol`;
  files.set(root, block.text);
  const read = (p: string) => {
    const text = files.get(posix.normalize(p));
    return text === undefined ? { error: 'no such file' } : { bytes: new TextEncoder().encode(text) };
  };
  // The files of one page form one project: its examples import each other across directories.
  return frontEnd([{ path: root, files: [root], root: '.' }], read, { today: testToday }).diagnostics;
}

const pages = markdownFiles(docsRoot).map((path) => ({ path, blocks: blocksOf(path) }));

describe('secpol examples in docs/', () => {
  for (const { blocks } of pages) {
    for (const block of blocks) {
      const where = `${block.page}:${block.line}`;
      it(where, () => {
        expect(declaration.test(block.text), `${where}: an example must be a whole file (a policy, network or defaults block), not a fragment`).toBe(true);
        const diagnostics = diagnosticsOf(block, blocks);
        const codes = diagnostics.map((d) => d.code).sort();
        const rendered = diagnostics.map((d) => renderDiagnostic(d)).join('\n');
        const wanted = [...(block.expect ?? []), ...(knownExtraDiagnostics[where] ?? [])].sort();
        const got = `got (line numbers count from the block's first line, page line ${block.line}):\n${rendered || '(none)'}`;
        expect(codes, `${where}: expected ${wanted.length ? wanted.join(' ') : 'no diagnostics'}, ${got}`).toEqual(wanted);
      });
    }
  }

  it('every language reference page has tested examples', () => {
    const reference = pages.filter((p) => p.path.startsWith(join(docsRoot, 'language')) && !p.path.endsWith('semantics.md'));
    const bare = reference.filter((p) => p.blocks.length === 0).map((p) => relative(projectRoot, p.path));
    expect(reference.length).toBeGreaterThan(0);
    expect(bare, 'pages without a ```secpol example').toEqual([]);
  });
});
