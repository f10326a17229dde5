/**
 * Every `secpol` command line in the documentation is one the CLI accepts (issue 15, "Docs and help that disagree
 * with the CLI"): its command exists and every flag it uses is a flag of that command. A line ending with
 * `# exit N` is an example that runs from the project root as written (through the same entry point as
 * bin/secpol.js) and must exit with N. docs/getting-started.md is run step by step by its own test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { projectRoot } from './helpers/corpora.js';

interface DocCommand {
  readonly where: string;
  readonly words: readonly string[];
  /** A usage line (`FILE|DIR...`, `[--flag]`): only its command and flags are checked. */
  readonly synopsis: boolean;
  readonly exit?: number;
}

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pages(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}

/** Shell words of the command part of a line: quotes kept together, `$(…)` one word, cut at |, >, ;, && and ||. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      cur += text.slice(i + 1, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
    } else if (ch === '$' && text.charAt(i + 1) === '(') {
      const end = text.indexOf(')', i);
      cur += 'SUBSHELL';
      i = end < 0 ? text.length : end;
    } else if (/\s/.test(ch)) {
      if (cur) words.push(cur);
      cur = '';
    } else if ('|>;&'.includes(ch) && !/[A-Za-z]/.test(text.charAt(i + 1) || ' ')) {
      break;
    } else cur += ch;
  }
  if (cur) words.push(cur);
  return words;
}

function commandsIn(path: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  let fenced = false;
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (!fenced) return;
    const m = /^\s*(?:-\s+)?(?:\$\s+|run:\s+|entry:\s+)?(?:npm ci && )?(?:npx\s+secpol|secpol|node bin\/secpol\.js)\s+([a-z].*)$/.exec(raw);
    if (!m) return;
    const exit = /#\s*exit\s+(\d+)\s*$/.exec(m[1]!);
    const text = m[1]!.replace(/\s+#.*$/, '');
    const synopsis = /[A-Z_]+\|[A-Z]|\.\.\.|…|\[--/.test(text);
    out.push({ where: `${relative(projectRoot, path)}:${i + 1}`, words: shellWords(text), synopsis, ...(exit ? { exit: Number(exit[1]) } : {}) });
  });
  return out;
}

const documented = [...pages(join(projectRoot, 'docs')), join(projectRoot, 'README.md')].filter((p) => !p.endsWith('getting-started.md')).flatMap(commandsIn);

const flagsOf = new Map<string, Set<string>>();
async function flags(command: string): Promise<Set<string> | undefined> {
  if (!flagsOf.has(command)) {
    const help = await runCli(command, '--help');
    if (help.code !== 0) return undefined;
    flagsOf.set(command, new Set([...help.stdout.matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b/g)].map((x) => x[1]!)));
  }
  return flagsOf.get(command);
}

describe('secpol command lines in the docs', () => {
  it('finds the documented commands (a scan that finds none would check nothing)', () => {
    expect(documented.length).toBeGreaterThanOrEqual(20);
    expect(documented.filter((d) => d.exit !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  it.each(documented.map((d) => [d.where, d] as const))('%s uses a command and flags the CLI has', async (_, d) => {
    const [command, ...rest] = d.words;
    const known = await flags(command!);
    expect(known, `secpol ${command} is not a command`).toBeDefined();
    for (const w of rest) {
      const flag = w.split('=')[0]!;
      if (/^--?[a-z]/.test(flag)) expect(known!.has(flag), `secpol ${command} has no ${flag}`).toBe(true);
    }
  });

  const runnable = documented.filter((d) => d.exit !== undefined && !d.synopsis);
  it.each(runnable.map((d) => [d.where, d] as const))('%s runs as written with its documented exit code', async (_, d) => {
    const cwd = process.cwd();
    process.chdir(projectRoot);
    try {
      const r = await runCli(...d.words);
      expect(r.code, `${d.words.join(' ')}\n${r.stdout}${r.stderr}`).toBe(d.exit);
    } finally {
      process.chdir(cwd);
    }
  });
});
