import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/corpora.js';

/**
 * docs/getting-started.md runs as written: its commands, in order, through the CLI a user runs (bin/secpol.js, the
 * bundle), in a folder laid out like the checkout (policies/ is the library). The page's rules, as a reader follows them:
 * - a ```secpol block after "Create `PATH`" is written to PATH; a block whose first line is `# expect: …` is the
 *   page's broken variant of that file, written over it for the next command and put back after;
 * - every `npx secpol …` line of a ```sh block runs (`npm …` lines install, and are not run here) and must exit 0,
 *   or 1 against the broken variant;
 * - a ```text block is the output (stdout, then stderr) of the last command before it, exactly.
 */

type Step =
  | { readonly kind: 'file'; readonly line: number; readonly path: string; readonly text: string; readonly broken: boolean }
  | { readonly kind: 'run'; readonly line: number; readonly args: readonly string[] }
  | { readonly kind: 'output'; readonly line: number; readonly text: string };

const page = join(projectRoot, 'docs', 'getting-started.md');

function stepsOf(markdown: string): Step[] {
  const lines = markdown.split('\n');
  const steps: Step[] = [];
  let created: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!fence) {
      created = /^Create `([^`]+)`/.exec(lines[i]!)?.[1] ?? created;
      continue;
    }
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    const body = lines.slice(i + 1, end);
    const line = i + 2;
    if (fence[1] === 'secpol') {
      if (!created) throw new Error(`getting-started.md:${line}: a policy block before any "Create \`PATH\`"`);
      steps.push({ kind: 'file', line, path: created, text: `${body.join('\n')}\n`, broken: body[0]?.startsWith('# expect:') ?? false });
    } else if (fence[1] === 'sh') {
      body.forEach((command, k) => {
        const words = command.replace(/\s+#.*$/, '').trim().split(/\s+/);
        if (words[0] === 'npx' && words[1] === 'secpol') steps.push({ kind: 'run', line: line + k, args: words.slice(2) });
        else if (words[0] !== 'npm' && words[0] !== '') throw new Error(`getting-started.md:${line + k}: a command this test does not know how to run: ${command}`);
      });
    } else if (fence[1] === 'text') {
      steps.push({ kind: 'output', line, text: `${body.join('\n')}\n` });
    }
    i = end;
  }
  return steps;
}

describe('docs/getting-started.md runs as written', () => {
  const steps = stepsOf(readFileSync(page, 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'secpol-getting-started-'));
  symlinkSync(join(projectRoot, 'policies'), join(work, 'policies'));
  const bin = join(projectRoot, 'bin', 'secpol.js');
  let last: { stdout: string; stderr: string; status: number | null } | undefined;
  let restore: (() => void) | undefined;

  it('has the commands of every section', () => {
    const commands = steps.flatMap((s) => (s.kind === 'run' ? [s.args[0]] : []));
    for (const c of ['--help', 'check', 'fmt', 'compile', 'test', 'verify']) expect(commands).toContain(c);
    expect(steps.filter((s) => s.kind === 'output').length).toBeGreaterThanOrEqual(3);
  });

  for (const step of steps) {
    const title = step.kind === 'run' ? `line ${step.line}: npx secpol ${step.args.join(' ')}` : step.kind === 'file' ? `line ${step.line}: ${step.broken ? 'the broken variant of' : 'create'} ${step.path}` : `line ${step.line}: the output shown`;
    it(title, () => {
      if (step.kind === 'file') {
        const target = join(work, step.path);
        mkdirSync(dirname(target), { recursive: true });
        if (step.broken) {
          const good = readFileSync(target, 'utf8');
          restore = () => writeFileSync(target, good);
        }
        writeFileSync(target, step.text);
      } else if (step.kind === 'run') {
        last = spawnSync(process.execPath, [bin, ...step.args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        expect(last.status, `${last.stdout}\n${last.stderr}`).toBe(restore ? 1 : 0);
        if (restore) {
          restore();
          restore = undefined;
        }
      } else {
        expect(last, 'a text block with no command before it').toBeDefined();
        expect(`${last!.stdout}${last!.stderr}`).toBe(step.text);
      }
    });
  }
});
