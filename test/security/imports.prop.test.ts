import fc from 'fast-check';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * Imports and suite samples are policy-repository text (issue 15 item 1): `import "../../../../proc/self/environ"`
 * made `secpol check` print the file. Whatever an import or sample names, no byte of a file outside the project
 * root may appear in any output, and the refusal says why, at the import.
 */
const marker = 'SECRET-7f3a9c';
const base = mkdtempSync(join(tmpdir(), 'secpol-imports-'));
const outside = join(base, 'outside');
const project = join(base, 'project');
const team = join(project, 'team');
mkdirSync(outside, { recursive: true });
mkdirSync(team, { recursive: true });
// Outside files that would be echoed if read: a broken policy (parse errors quote their lines), text, YAML.
writeFileSync(join(outside, 'secret.secpol'), `policy ${marker} { ${marker} = ${marker}\n`);
writeFileSync(join(outside, 'secret.txt'), `TOKEN=${marker}\n`);
writeFileSync(join(outside, 'secret.yaml'), `token: [${marker}\n`);
writeFileSync(join(project, '.env'), `TOKEN=${marker}\n`);
// Links inside the project that lead out of it, or to a file of another kind.
symlinkSync(join(outside, 'secret.secpol'), join(team, 'link.secpol'));
symlinkSync(join(outside, 'secret.txt'), join(team, 'text.secpol'));
symlinkSync(outside, join(team, 'linkdir'));
symlinkSync(join(project, '.env'), join(team, 'env.secpol'));
symlinkSync(join(outside, 'secret.yaml'), join(team, 'sample.yaml'));

const policy = 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n';
const withImport = (path: string) => `import ${JSON.stringify(path)}\n\n${policy}`;

const segment = fc.constantFrom('..', '.', '', 'outside', 'secret.secpol', 'secret.txt', 'secret.yaml', '.env', 'link.secpol', 'text.secpol', 'env.secpol', 'linkdir', 'team', 'project', '%2e%2e', '%2E%2E%2F', '..%2f', '..\\..', '....', '~', 'proc', 'self', 'environ', 'etc', 'passwd', '\u0000', 'a\u0000.secpol', 'x'.repeat(300));
const hostilePath = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 10 }).map((s) => s.join('/')),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `${base}/${s.join('/')}`),
  fc.constantFrom('/etc/passwd', '/proc/self/environ', `${outside}/secret.secpol`, '../../../../../../proc/self/environ', '../outside/secret.secpol', '../../outside/secret.secpol', 'linkdir/secret.secpol', '../.env', 'C:\\Windows\\win.ini', `${'../'.repeat(200)}etc/passwd`, `${'a/'.repeat(2000)}x.secpol`),
);

async function everyOutput(path: string): Promise<{ text: string; codes: number[] }> {
  writeFileSync(join(team, 'a.secpol'), withImport(path));
  const runs = await Promise.all([
    runCli('check', join(team, 'a.secpol'), '--today', '2026-11-23'),
    runCli('check', join(team, 'a.secpol'), '--root', project, '--format', 'json', '--today', '2026-11-23'),
    runCli('check', project, '--today', '2026-11-23'),
    runCli('compile', join(team, 'a.secpol'), '--target', 'kyverno', '--root', project, '--today', '2026-11-23'),
  ]);
  return { text: runs.map((r) => r.stdout + r.stderr).join('\n'), codes: runs.map((r) => r.code) };
}

describe('imports cannot read or print files outside the project root', () => {
  it('no content of an outside file appears in any output, whatever the import path (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostilePath, async (path) => {
        const { text } = await everyOutput(path);
        expect(text).not.toContain(marker);
        expect(text).not.toMatch(/internal error|This is a bug/);
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });

  it('says why an import is refused, at the import, with exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['/etc/passwd', /import "\/etc\/passwd" is an absolute path/],
      ['../../../../../../proc/self/environ', /import "..\/..\/..\/..\/..\/..\/proc\/self\/environ" does not name a \.secpol file/],
      ['../../outside/secret.secpol', /import "..\/..\/outside\/secret.secpol" leaves the project root .*team/],
      ['link.secpol', /import "link.secpol" is refused: its real path leaves the project root .* \(a symbolic link\)/],
      ['text.secpol', /import "text.secpol" is refused: its real path leaves the project root/],
      ['a\u0000b.secpol', /import "a\\u0000b.secpol" contains a control character/],
    ];
    for (const [path, message] of cases) {
      writeFileSync(join(team, 'a.secpol'), withImport(path));
      const r = await runCli('check', join(team, 'a.secpol'), '--today', '2026-11-23');
      expect(r.stderr, path).toMatch(message);
      expect(r.stderr).toContain(`${join(team, 'a.secpol')}:1:8: error SP0011:`);
      expect(r.stderr).toMatch(/\n {2}1 \| import "/);
      expect(r.stderr).toMatch(/ {2}hint: /);
      expect(r.code, path).toBe(2);
    }
  });

  it('a link to a non-policy file inside the root is refused too; --root widens what may be imported', async () => {
    writeFileSync(join(team, 'a.secpol'), withImport('env.secpol'));
    const link = await runCli('check', join(team, 'a.secpol'), '--root', project, '--today', '2026-11-23');
    expect(link.stderr).toMatch(/import "env.secpol" is refused: it is a symbolic link to a file that is not a \.secpol/);
    expect(link.stderr).not.toContain(marker);
    mkdirSync(join(project, 'shared'), { recursive: true });
    writeFileSync(join(project, 'shared', 'base.secpol'), 'policy base {\n  applies to pods\n  rule r {\n    forbid spec.hostIPC = true\n  }\n}\n');
    writeFileSync(join(team, 'a.secpol'), withImport('../shared/base.secpol'));
    expect((await runCli('check', join(team, 'a.secpol'), '--today', '2026-11-23')).code).toBe(2);
    const wide = await runCli('check', join(team, 'a.secpol'), '--root', project, '--today', '2026-11-23');
    expect(wide.stderr).toContain('ok: 2 file(s), 2 policies');
    expect(wide.code).toBe(0);
  });

  it('every command that reads policies refuses the import and takes --root', async () => {
    writeFileSync(join(team, 'a.secpol'), withImport('../../outside/secret.secpol'));
    writeFileSync(join(team, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c, image: nginx}]}\n');
    const a = join(team, 'a.secpol');
    const runs: string[][] = [
      ['check', a], ['compile', a, '--target', 'kyverno'], ['test', a], ['verify', a, '--runs', '10'],
      ['audit', a, '--manifests', join(team, 'pod.yaml')], ['explain', a, '--resource', join(team, 'pod.yaml')], ['diff', a, a],
    ];
    for (const argv of runs) {
      for (const root of [[], ['--root', project]]) {
        const r = await runCli(...argv, ...root, '--today', '2026-11-23');
        expect(r.stderr, argv.join(' ')).toContain('error SP0011: import "../../outside/secret.secpol" leaves the project root');
        expect(r.stdout + r.stderr).not.toContain(marker);
        expect(r.code, argv.join(' ')).toBe(2);
      }
    }
  });

  it('a policy file found in a directory that links out of it is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secpol-imports-dir-'));
    writeFileSync(join(dir, 'ok.secpol'), policy);
    symlinkSync(join(outside, 'secret.secpol'), join(dir, 'evil.secpol'));
    const r = await runCli('check', dir, '--today', '2026-11-23');
    expect(r.stderr).toMatch(/evil\.secpol is refused: its real path leaves the project root/);
    expect(r.stderr).not.toContain(marker);
    expect(r.code).toBe(2);
  });

  it('suite samples stay inside the root (secpol test)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secpol-samples-'));
    writeFileSync(join(dir, 'policy.secpol'), policy);
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'linked.yaml'));
    for (const sample of ['../outside/secret.yaml', `${outside}/secret.yaml`, 'linked.yaml', '../../../../../../proc/self/environ', '.env']) {
      writeFileSync(join(dir, 'suite.yaml'), `cases:\n  - { sample: ${JSON.stringify(sample)}, expect: deny }\n`);
      const r = await runCli('test', join(dir, 'policy.secpol'), '--today', '2026-11-23');
      expect(r.stdout + r.stderr, sample).not.toContain(marker);
      expect(r.stderr, sample).toContain('SP0011');
      expect(r.code, sample).toBe(2);
    }
  });
});
