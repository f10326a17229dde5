import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, pod, privileged, tmpTree } from './harness.js';

interface JsonFinding {
  file: string;
  line: number;
  policy: string;
  rule: string;
  message: string;
  object: { kind: string; name: string; namespace: string | null };
}

function deployment(name: string, privilegedInit: boolean): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  namespace: web',
    'spec:',
    '  template:',
    '    spec:',
    '      initContainers:',
    '        - name: init',
    '          image: busybox:1.36',
    ...(privilegedInit ? ['          securityContext:', '            privileged: true'] : []),
    '      containers:',
    '        - name: main',
    '          image: nginx:1.25',
    '',
  ].join('\n');
}

describe('secpol audit on a directory of 1,000 generated manifests', () => {
  // Every 7th manifest violates the privileged policy; every 3rd of those sits in kube-system, which the policy exempts.
  const files: Record<string, string> = {};
  const expected: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const dir = `team-${i % 10}/${i % 3 ? 'apps' : 'jobs'}`;
    const bad = i % 7 === 0;
    const namespace = bad && i % 21 === 0 ? 'kube-system' : 'apps';
    if (i % 5 === 0) {
      const path = `${dir}/d${i}.yaml`;
      files[path] = deployment(`d${i}`, bad);
      if (bad) expected.push(`${path}:13 Deployment/d${i}`);
    } else if (i % 11 === 0) {
      // JSON manifests are read too.
      const path = `${dir}/p${i}.json`;
      files[path] = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: bad } }] } }, null, 2);
      if (bad && namespace !== 'kube-system') expected.push(`${path}:14 Pod/p${i}`);
    } else {
      const path = `${dir}/p${i}.yaml`;
      files[path] = pod(`p${i}`, { namespace, privileged: bad });
      if (bad && namespace !== 'kube-system') expected.push(`${path}:11 Pod/p${i}`);
    }
  }
  files['README.md'] = '# not a manifest: ignored\n';
  const root = tmpTree(files);

  it('finds exactly the expected violations, quickly', async () => {
    const started = performance.now();
    const r = await audit({ manifests: [root], format: 'json' }, [privileged]);
    const elapsed = performance.now() - started;
    const json = JSON.parse(r.stdout) as { summary: { files: number; objects: number; findings: number }; findings: JsonFinding[] };
    expect(json.summary.files).toBe(1000);
    expect(json.summary.objects).toBe(1000);
    const got = json.findings.map((f) => `${f.file.slice(root.length + 1)}:${f.line} ${f.object.kind}/${f.object.name}`);
    expect(got.sort()).toEqual([...expected].sort());
    expect(expected.length).toBeGreaterThan(100);
    expect(r.code).toBe(1);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('reports malformed manifests as findings with file:line and keeps every other finding', async () => {
    const broken = tmpTree({
      ...Object.fromEntries(Object.entries(files).slice(0, 100)),
      'broken/syntax.yaml': `${pod('before', { namespace: 'apps', privileged: true })}---\nmetadata:\n  name: [unclosed\n---\n${pod('after', { namespace: 'apps', privileged: true })}`,
      'broken/scalar.yaml': 'just a string\n',
      'broken/no-kind.yaml': 'apiVersion: v1\nmetadata:\n  name: x\n',
      'broken/bomb.yaml': ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n'),
      'broken/duplicate-key.yaml': 'apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: dup}\n',
    });
    const r = await audit({ manifests: [broken], format: 'json' }, [privileged]);
    const json = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    const invalid = json.findings.filter((f) => f.rule === 'invalid-manifest').map((f) => `${f.file.slice(broken.length + 1)}:${f.line}`);
    expect(invalid).toEqual(['broken/bomb.yaml:2', 'broken/duplicate-key.yaml:3', 'broken/no-kind.yaml:1', 'broken/scalar.yaml:1', 'broken/syntax.yaml:15']);
    const inBroken = json.findings.filter((f) => f.file.includes('broken/syntax.yaml') && f.rule !== 'invalid-manifest').map((f) => f.object.name);
    expect(inBroken).toEqual(['before', 'after']);
    const others = json.findings.filter((f) => !f.file.includes('/broken/')).length;
    expect(others).toBe(expected.filter((e) => Object.keys(files).slice(0, 100).some((p) => e.startsWith(`${p}:`))).length);
    expect(r.code).toBe(1);
    expect(json.findings.find((f) => f.file.endsWith('bomb.yaml'))?.message).toMatch(/alias/i);
  });

  it('audits the same findings when the directory is given file by file', async () => {
    const some = Object.keys(files).filter((p) => p.endsWith('.yaml')).slice(0, 50);
    const r = await audit({ manifests: some.map((p) => join(root, p)), format: 'json' }, [privileged]);
    const got = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.map((f) => `${f.file.slice(root.length + 1)}:${f.line} ${f.object.kind}/${f.object.name}`);
    expect(got.sort()).toEqual(expected.filter((e) => some.some((p) => e.startsWith(`${p}:`))).sort());
  });
});
