/**
 * `--help` and docs/cli.md describe the same command line (issue 15, "Docs and help that disagree with the
 * CLI"): every command and every flag in the help is documented, every flag the page documents exists, and the
 * engines and targets each lists are the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

const page = readFileSync(join(projectRoot, 'docs/cli.md'), 'utf8');
const flagsIn = (text: string): Set<string> => new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));

async function commands(): Promise<string[]> {
  const main = await runCli('--help');
  return [...main.stdout.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
}

describe('--help and docs/cli.md agree', () => {
  it('every command and every flag in --help is in docs/cli.md', async () => {
    const all = await commands();
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const c of all) {
      expect(page, `command ${c}`).toMatch(new RegExp(`\`${c}[ \`]`));
      const help = await runCli(c, '--help');
      expect(help.code, c).toBe(0);
      for (const flag of flagsIn(help.stdout)) {
        if (flag === '--help') continue;
        expect(page.includes(flag), `${c} ${flag} is not in docs/cli.md`).toBe(true);
      }
    }
  });

  it('every flag docs/cli.md documents exists in some command', async () => {
    const known = new Set<string>(['--help', '--version']);
    for (const c of await commands()) for (const f of flagsIn((await runCli(c, '--help')).stdout)) known.add(f);
    for (const flag of flagsIn(page)) expect(known.has(flag), `docs/cli.md documents ${flag}, which no command has`).toBe(true);
  });

  it('the targets and engines each side lists are the same', async () => {
    const compile = (await runCli('compile', '--help')).stdout;
    const targets = /--target ([a-z|-]+)/.exec(compile)![1]!.split('|');
    const main = (await runCli('--help')).stdout;
    for (const t of targets) {
      expect(page, `compile target ${t} in docs/cli.md`).toContain(t);
      if (!['all', 'psa', 'netpol'].includes(t)) expect(main.toLowerCase(), `compile target ${t} in the main help`).toMatch(new RegExp(t === 'vap' ? 'validatingadmissionpolicy' : t));
    }
    const evalHelp = (await runCli('eval', '--help')).stdout;
    const engines = /--engine ([a-z|]+)/.exec(evalHelp)![1]!.split('|');
    for (const e of engines) {
      expect(main, `eval engine ${e} in the main help`).toMatch(new RegExp(`eval .*${e}`));
      expect(page, `eval engine ${e} in docs/cli.md`).toMatch(new RegExp(`eval --engine [a-z\\\\|]*${e}`));
    }
  });
});
