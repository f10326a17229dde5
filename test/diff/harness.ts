import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffCommand } from '../../src/cli/commands/diff.js';

/** Runs `secpol diff` through its command, as the CLI does (fixed date, 300 runs unless given). */
export async function diff(values: Record<string, string | string[]>, ...positionals: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await diffCommand({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }).run({ today: '2026-11-23', runs: '300', ...values }, positionals);
  return { code, stdout, stderr };
}

/** A temporary directory holding the given files. */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-diff-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
