import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { audit, auditModePolicy, pod, privileged, tmpTree } from './harness.js';

describe('secpol audit: exit codes and streams', () => {
  const dir = tmpTree({
    'bad.yaml': pod('root', { namespace: 'apps', privileged: true }),
    'good.yaml': pod('fine', { namespace: 'apps' }),
    'audit.secpol': auditModePolicy,
  });

  it('exits 1 on a finding of an enforce-mode rule and prints it on stdout only', async () => {
    const r = await audit({ manifests: [join(dir, 'bad.yaml')] }, [privileged]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${join(dir, 'bad.yaml')}:11:9: enforce critical privileged/no-privileged Pod/apps/root: container app (registry.example.com/app:1.0) must not set securityContext.privileged: true [${privileged}:12]`);
    expect(r.stdout).toMatch(/^1 finding \(1 enforce, 0 audit\/warn\) in 1 object from 1 file, judged by ir$/m);
  });

  it('--target psa says which policies and rules PSA does not audit (it judges pod-security lines only)', async () => {
    const r = await audit({ manifests: [join(dir, 'bad.yaml')], target: 'psa' }, [privileged]);
    expect(r.stderr).toContain('note: privileged is not audited by psa: rule no-privileged: PSA audits only pod-security lines');
  });

  it('exits 0 without findings', async () => {
    const r = await audit({ manifests: [join(dir, 'good.yaml')] }, [privileged]);
    expect(r).toEqual({ code: 0, stderr: '', stdout: '0 findings (0 enforce, 0 audit/warn) in 1 object from 1 file, judged by ir\n' });
  });

  it('exits 0 on findings of audit-mode rules, 1 with --strict', async () => {
    const lax = await audit({ manifests: [join(dir, 'bad.yaml')] }, [join(dir, 'audit.secpol')]);
    expect(lax.code).toBe(0);
    expect(lax.stdout).toContain('audit medium privileged-audit/no-privileged Pod/apps/root: container app must not be privileged');
    const strict = await audit({ manifests: [join(dir, 'bad.yaml')], strict: true }, [join(dir, 'audit.secpol')]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe(lax.stdout);
  });

  it('exits 2 on an unreadable manifest path, with the diagnostic on stderr', async () => {
    const r = await audit({ manifests: [join(dir, 'missing.yaml')] }, [privileged]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot read');
  });

  it('exits 2 on invalid UTF-8', async () => {
    const bin = tmpTree({});
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(bin, 'x.yaml'), Buffer.from([0x6b, 0x3a, 0x20, 0xff, 0xfe]));
    const r = await audit({ manifests: [join(bin, 'x.yaml')] }, [privileged]);
    expect(r.code).toBe(2);
  });

  it('reports usage errors (exit 2 through the CLI)', async () => {
    await expect(audit({}, [privileged])).rejects.toThrow(UsageError);
    await expect(audit({ manifests: [join(dir, 'bad.yaml')] }, [])).rejects.toThrow(UsageError);
    await expect(audit({ manifests: [join(dir, 'bad.yaml')], format: 'xml' }, [privileged])).rejects.toThrow(/--format must be one of/);
    await expect(audit({ manifests: [join(dir, 'bad.yaml')], target: 'netpol' }, [privileged])).rejects.toThrow(/--target must be one of/);
    await expect(audit({ manifests: [join(dir, 'bad.yaml')], today: 'soon' }, [privileged])).rejects.toThrow(/--today/);
  });

  it('treats extra .yaml arguments as manifests (shell globs)', async () => {
    const r = await audit({}, [privileged, join(dir, 'bad.yaml'), join(dir, 'good.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('in 2 objects from 2 files');
  });

  it('reads --manifests - from stdin (Helm output with # Source comments and empty documents)', async () => {
    const helm = `---\n# Source: chart/templates/a.yaml\n${pod('a', { privileged: true })}---\n# Source: chart/templates/empty.yaml\n---\n# Source: chart/templates/b.yaml\n${pod('b')}`;
    const r = await audit({ manifests: ['-'], format: 'json' }, [privileged], { readStdin: () => Buffer.from(helm) });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { summary: { objects: number }; findings: { file: string; line: number; object: { name: string; namespace: string } }[] };
    expect(json.summary.objects).toBe(2);
    expect(json.findings.map((f) => [f.file, f.line, f.object.name, f.object.namespace])).toEqual([['<stdin>', 12, 'a', 'default']]);
  });

  it('prints progress on stderr only when asked (a TTY), never on stdout', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => pod(`p${i}`)).join('---\n');
    const big = tmpTree({ 'many.yaml': many });
    const r = await audit({ manifests: [big], format: 'json' }, [privileged], { progress: true });
    expect(r.stderr).toBe('secpol audit: 500/1200 objects\nsecpol audit: 1000/1200 objects\n');
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { objects: 1200, findings: 0 } });
    const quiet = await audit({ manifests: [big] }, [privileged]);
    expect(quiet.stderr).toBe('');
  });

  it('takes namespace labels from Namespace objects among the manifests', async () => {
    const labelled = tmpTree({
      'p.secpol': `policy team-only {
  severity low
  mode enforce
  applies to pods
  where namespace labels team = "a"

  rule needs-label {
    require metadata.labels.app exists
    message "pod needs an app label"
  }
}
`,
      'm.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    team: a\n---\n${pod('x', { namespace: 'team-a' })}---\n${pod('y', { namespace: 'other' })}`,
    });
    const r = await audit({ manifests: [join(labelled, 'm.yaml')], format: 'json' }, [join(labelled, 'p.secpol')]);
    const names = (JSON.parse(r.stdout) as { findings: { object: { name: string } }[] }).findings.map((f) => f.object.name);
    expect(names).toEqual(['x']);
  });
});

describe('secpol audit --target', () => {
  const dir = tmpTree({
    'm.yaml': `${pod('root', { namespace: 'apps', privileged: true })}---\n${pod('fine', { namespace: 'apps' })}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dep
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: c
          image: x
          securityContext: {privileged: true}
`,
  });

  for (const target of ['kyverno', 'gatekeeper', 'kyverno-cel'] as const) {
    it(`${target}: the engine on the compiled artifacts finds what the reference semantics find`, async () => {
      const ref = await audit({ manifests: [dir], format: 'json' }, [privileged]);
      const eng = await audit({ manifests: [dir], format: 'json', target }, [privileged]);
      const key = (s: string) => (JSON.parse(s) as { findings: { file: string; line: number; policy: string; rule: string; object: { name: string } }[] }).findings.map((f) => `${f.file}:${f.line} ${f.policy}/${f.rule} ${f.object.name}`);
      expect(key(eng.stdout)).toEqual(key(ref.stdout));
      expect(key(eng.stdout)).toHaveLength(2);
      expect(eng.code).toBe(1);
    });
  }
});
