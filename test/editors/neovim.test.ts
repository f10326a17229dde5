/**
 * End to end in a real editor: headless Neovim (Debian's neovim package) opens a policy with its built-in LSP
 * client on the bundled `secpol lsp`, and reads back the diagnostics and a hover. Skipped where nvim is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpora.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvim.status === 0;

describe.skipIf(!hasNvim)('Neovim with secpol lsp', () => {
  it('shows the diagnostic of a misspelt field and a hover on a field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secpol-nvim-'));
    const file = join(dir, 'p.secpol');
    writeFileSync(file, 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostNetwrk = true\n  }\n  rule s {\n    forbid spec.hostPID = true\n  }\n}\n');
    const out = join(dir, 'out.json');
    const env = { ...process.env, SECPOL_FILE: file, SECPOL_OUT: out, SECPOL_NODE: process.execPath, SECPOL_BIN: join(projectRoot, 'bin', 'secpol.js'), SECPOL_HOVER_LINE: '6', SECPOL_HOVER_COL: '18', XDG_STATE_HOME: dir, XDG_DATA_HOME: dir };
    const run = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${join(projectRoot, 'test/editors/neovim.lua')}`], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { timedOut: boolean; diagnostics: { line: number; col: number; code: string; message: string }[]; hover: string };
    expect(result.timedOut).toBe(false);
    expect(result.diagnostics.map((d) => [d.line, d.col, d.code])).toEqual([[3, 16, 'SP1002']]);
    expect(result.diagnostics[0]!.message).toContain('did you mean "hostNetwork"?');
    expect(result.hover).toContain('**spec.hostPID**: boolean');
  });
});
