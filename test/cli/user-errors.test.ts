import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const policy = 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n';
const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: apps}\nspec:\n  containers: [{name: c, image: nginx}]\n';

function tmp(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-user-errors-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe('no policy found is an error naming the path (issue 15 item 8)', () => {
  const dir = tmp({ 'empty.secpol': '', 'comments.secpol': '# only a comment\n', 'sub/notes.txt': 'x', 'pod.yaml': pod });
  const emptyDir = join(dir, 'sub');
  const commands = (path: string): string[][] => [
    ['check', path],
    ['compile', path, '--target', 'kyverno'],
    ['test', path],
    ['verify', path, '--runs', '10'],
    ['audit', path, '--manifests', join(dir, 'pod.yaml')],
  ];

  for (const what of ['empty.secpol', 'comments.secpol', 'sub']) {
    it(`an empty ${what === 'sub' ? 'directory' : 'file'} (${what}): exit 2 in check, compile, test, verify and audit`, async () => {
      const path = what === 'sub' ? emptyDir : join(dir, what);
      for (const argv of commands(path)) {
        const r = await runCli(...argv, '--today', '2026-11-23');
        expect(r.stderr, argv.join(' ')).toContain(`${path}: error SP0010: no policy found in ${path}`);
        expect(r.stdout, argv.join(' ')).not.toMatch(/verified|agree|^0 findings/m);
        expect(r.code, argv.join(' ')).toBe(2);
      }
    });
  }

  it('a path that holds a policy next to an empty one still names the empty one', async () => {
    const both = tmp({ 'a/p.secpol': policy });
    mkdirSync(join(both, 'b'));
    const r = await runCli('check', join(both, 'a'), join(both, 'b'), '--today', '2026-11-23');
    expect(r.stderr).toContain(`no policy found in ${join(both, 'b')}: the directory holds no .secpol file`);
    expect(r.code).toBe(2);
  });

  it('a file whose policies come through its imports is not empty', async () => {
    const d = tmp({ 'main.secpol': 'import "lib.secpol"\n', 'lib.secpol': policy });
    const r = await runCli('check', join(d, 'main.secpol'), '--today', '2026-11-23');
    expect(r.code).toBe(0);
  });
});

describe('an unwritable --out is a user error naming the path (issue 15 item 13)', () => {
  const dir = tmp({ 'p.secpol': policy, 'a-file': 'not a directory\n' });

  it('a file in the path: exit 2, the path, no internal error', async () => {
    const r = await runCli('compile', join(dir, 'p.secpol'), '--target', 'kyverno', '--out', join(dir, 'a-file', 'out'), '--today', '2026-11-23');
    expect(r.stderr).toMatch(new RegExp(`error SP0012: cannot write ${join(dir, 'a-file', 'out')}/kyverno/p\\.yaml: (a parent is not a directory|a file stands where a directory is needed)`));
    expect(r.stderr).not.toMatch(/internal error|bug in secpol/);
    expect(r.code).toBe(2);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only directory: exit 2, nothing written', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = await runCli('compile', join(dir, 'p.secpol'), '--target', 'all', '--out', ro, '--today', '2026-11-23');
    expect(r.stderr).toMatch(/error SP0012: cannot write .*: permission denied/);
    expect(r.code).toBe(2);
    expect(readdirSync(ro)).toEqual([]);
  });

  it('when one file cannot be written, none is (all or nothing)', async () => {
    const out = join(dir, 'partial');
    mkdirSync(join(out, 'kyverno'), { recursive: true });
    writeFileSync(join(out, 'vap'), 'a file where the vap directory goes\n');
    const r = await runCli('compile', join(dir, 'p.secpol'), '--target', 'kyverno,vap', '--out', out, '--today', '2026-11-23');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SP0012');
    expect(existsSync(join(out, 'kyverno', 'p.yaml'))).toBe(false);
    expect(readdirSync(join(out, 'kyverno'))).toEqual([]);
  });
});
