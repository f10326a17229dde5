import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateRe2Flags } from '../../src/ir/index.js';
import { tmpTree } from '../audit/harness.js';
import { runCli } from '../helpers/cli.js';
import { dsl, rawDiagnosticsOf } from '../helpers/dsl.js';

/** RE2 flag groups (issue 15 item 6): `(?i)` is valid in Kyverno, OPA and CEL, so secpol takes it everywhere or names what it cannot take. */
const policy = (pattern: string) => dsl`
  policy p {
    applies to pods
    rule r {
      forbid any container has image matches regex ${JSON.stringify(pattern)}
    }
  }`;

describe('RE2 flag groups', () => {
  it('accepts one leading group of i, m and s', () => {
    for (const p of ['(?i)^nginx', '(?s)a.b', '(?m)^x$', '(?is)^a.b', '(?i)(?:ab|cd)', '(?i)[(?i)]']) expect(rawDiagnosticsOf(policy(p)), p).toEqual([]);
  });

  it('rejects the flag constructs JavaScript cannot express, naming them', () => {
    const cases: [string, string][] = [
      ['(?U)a+', '(?U)'],
      ['a(?i)b', '(?i)'],
      ['(?i)a(?s)b', '(?s)'],
      ['(?i:ab)c', '(?i:…)'],
      ['(?-i)ab', '(?-i)'],
      ['(?x)ab', '(?x)'],
    ];
    for (const [pattern, construct] of cases) {
      const ds = rawDiagnosticsOf(policy(pattern));
      expect(ds.map((d) => d.code), pattern).toEqual(['SP1004']);
      expect(ds[0]?.message, pattern).toContain(`: ${construct}: `);
      expect(ds[0]?.message).not.toMatch(/Invalid regular expression/);
    }
  });

  it('translates the leading group into RegExp flags', () => {
    expect(translateRe2Flags('(?si)a.b')).toEqual({ ok: true, source: 'a.b', flags: 'is' });
    expect(translateRe2Flags('\\(?i)x')).toEqual({ ok: true, source: '\\(?i)x', flags: '' });
  });

  it('the semantics and every engine give the same verdicts (explain, verify)', async () => {
    const dir = tmpTree({
      'p.secpol': dsl`
        policy p {
          applies to pods
          rule no-nginx {
            forbid any container has image matches regex "(?i)^nginx"
          }
          rule no-multiline-arg {
            forbid any container has workingDir matches regex "(?s)^/a.b$"
          }
          rule anchored-lines {
            forbid any container has workingDir matches regex "(?m)^b$"
          }
        }`,
    });
    const pod = (image: string, workingDir: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: apps}\nspec:\n  containers:\n    - name: c\n      image: ${JSON.stringify(image)}\n      workingDir: ${JSON.stringify(workingDir)}\n`;
    writeFileSync(join(dir, 'pod.yaml'), pod('NGINX:1.25', '/a\nb'));
    const r = await runCli('explain', join(dir, 'p.secpol'), '--resource', join(dir, 'pod.yaml'), '--today', '2026-11-23', '--format', 'json');
    const rules = (JSON.parse(r.stdout) as { resources: { rules: { rule: string; verdict: string; engines: { backend: string; verdict: string }[] }[] }[] }).resources[0]!.rules;
    const verdicts = (rule: string, verdict: string) => [rule, verdict, ...['kyverno', 'gatekeeper', 'gatekeeper-audit', 'vap', 'kyverno-cel'].map((e) => `${e}:${verdict}`)];
    expect(rules.map((x) => [x.rule, x.verdict, ...x.engines.map((e) => `${e.backend}:${e.verdict}`)])).toEqual([verdicts('anchored-lines', 'fail'), verdicts('no-multiline-arg', 'fail'), verdicts('no-nginx', 'fail')]);
    writeFileSync(join(dir, 'pod.yaml'), pod('nginx-proxy.example.com/app', '/ab'));
    const other = await runCli('explain', join(dir, 'p.secpol'), '--resource', join(dir, 'pod.yaml'), '--today', '2026-11-23', '--format', 'json');
    const otherRules = (JSON.parse(other.stdout) as { resources: { rules: { rule: string; verdict: string; engines: { backend: string; verdict: string }[] }[] }[] }).resources[0]!.rules;
    expect(otherRules.map((x) => [x.rule, x.verdict, ...x.engines.map((e) => `${e.backend}:${e.verdict}`)])).toEqual([verdicts('anchored-lines', 'pass'), verdicts('no-multiline-arg', 'pass'), verdicts('no-nginx', 'fail')]);
    expect(r.code).toBe(0);
    const v = await runCli('verify', join(dir, 'p.secpol'), '--runs', '300', '--today', '2026-11-23');
    expect(v.stdout).toContain('verified: every backend agrees');
    expect(v.code).toBe(0);
  });
});
