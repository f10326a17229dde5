import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { unifiedDiff, type PolicyDiff } from '../../src/diff/index.js';
import { diff, workspace } from './harness.js';

const oldPolicy = `policy uid {
  mode enforce
  applies to pods

  exception legacy {
    reason "the legacy app runs as a system user"
    namespaces "legacy"
  }

  rule min-uid {
    require every container has effective runAsUser >= 1000
  }
}
`;
const newPolicy = `policy uid {
  mode enforce
  applies to pods

  rule min-uid {
    require every container has effective runAsUser >= 2000
  }

  rule no-host-pid {
    forbid spec.hostPID = true
  }
}
`;

const deployment = (name: string, uid: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  template:
    spec:
      securityContext:
        runAsUser: ${uid}
      containers:
        - name: app
          image: nginx:1.25
`;

describe('secpol diff (admission)', () => {
  const dir = workspace({
    'old.secpol': oldPolicy,
    'new.secpol': newPolicy,
    'manifests/a.yaml': `${deployment('a', 1500)}---\n${deployment('b', 1200)}`,
    'manifests/nested/c.yaml': deployment('c', 1999),
    'manifests/d.yaml': deployment('d', 5000),
  });
  const paths = [join(dir, 'old.secpol'), join(dir, 'new.secpol')] as const;

  it('lists rules and exceptions added, removed and changed, with the changed rule\'s old and new lines', async () => {
    const r = await diff({}, ...paths);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ rule uid/min-uid');
    expect(r.stdout).toContain('-    require every container has effective runAsUser >= 1000');
    expect(r.stdout).toContain('+    require every container has effective runAsUser >= 2000');
    expect(r.stdout).toContain('+ rule uid/no-host-pid');
    expect(r.stdout).toContain('- exception uid/legacy');
  });

  it('finds concrete resources whose verdict changes: a runAsUser between 1000 and 1999', async () => {
    const r = await diff({ format: 'json' }, ...paths);
    const d = JSON.parse(r.stdout) as PolicyDiff;
    expect(d.changes.map((c) => `${c.change} ${c.kind} ${c.name}`)).toEqual(['changed rule min-uid', 'added rule no-host-pid', 'removed exception legacy']);
    const minUid = d.verdicts.rules.find((x) => x.rule === 'min-uid');
    expect(minUid?.examples.length).toBeGreaterThan(0);
    expect(minUid!.examples.length).toBeLessThanOrEqual(3);
    const uids = minUid!.examples.flatMap((e) => {
      const o = e.request.object as { spec?: { securityContext?: { runAsUser?: unknown }; containers?: { securityContext?: { runAsUser?: unknown } }[]; template?: { spec?: unknown } } };
      return JSON.stringify(o).match(/"runAsUser":(\d+)/g)?.map((m) => Number(m.split(':')[1])) ?? [];
    });
    expect(uids.some((u) => u >= 1000 && u <= 1999)).toBe(true);
    // Each example says what changed, and its YAML parses back to the object.
    for (const e of minUid!.examples) {
      expect(e.changes).toContainEqual(expect.objectContaining({ policy: 'uid', rule: 'min-uid' }));
      expect(YAML.parse(e.yaml)).toEqual(e.request.object);
    }
    expect(d.verdicts.rules.map((x) => x.rule)).toContain('no-host-pid');
    const hostPid = d.verdicts.rules.find((x) => x.rule === 'no-host-pid')!;
    expect(hostPid.examples[0]!.changes).toContainEqual({ policy: 'uid', rule: 'no-host-pid', old: 'absent', new: 'fail', newMode: 'enforce', direction: 'stricter' });
  });

  it('the same seed gives the same examples', async () => {
    const a = await diff({ format: 'json', seed: '7' }, ...paths);
    const b = await diff({ format: 'json', seed: '7' }, ...paths);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--manifests counts the existing objects that would now be denied', async () => {
    const r = await diff({ manifests: [join(dir, 'manifests')], format: 'json' }, ...paths);
    const d = JSON.parse(r.stdout) as PolicyDiff;
    expect(d.manifests).toMatchObject({ objects: 4, newlyDenied: 3, newlyAllowed: 0 });
    expect(d.manifests!.changed.map((c) => `${c.kind} ${c.namespace}/${c.name}`)).toEqual(['Deployment shop/a', 'Deployment shop/b', 'Deployment shop/c']);
    expect(d.manifests!.changed[1]).toMatchObject({ file: join(dir, 'manifests/a.yaml'), line: 15, before: { verdict: 'allowed', by: [] }, after: { verdict: 'denied', by: [{ policy: 'uid', rule: 'min-uid', mode: 'enforce' }] } });
    const text = await diff({ manifests: [join(dir, 'manifests')] }, ...paths);
    expect(text.stdout).toContain('Existing manifests (4 objects): 3 would now be denied, 0 would now be allowed');
  });

  it('markdown: headings, tables, collapsible artifact diffs', async () => {
    const r = await diff({ format: 'markdown', manifests: [join(dir, 'manifests')] }, ...paths);
    expect(r.stdout).toContain('## secpol policy diff');
    expect(r.stdout).toContain('| change | kind | name | where |');
    expect(r.stdout).toContain('| changed | rule | uid/min-uid |');
    expect(r.stdout).toContain('### Admission verdict changes');
    expect(r.stdout).toContain('### Existing manifests');
    expect(r.stdout).toMatch(/<details><summary>kyverno: 2 file\(s\) changed<\/summary>/);
    expect(r.stdout).toContain('```diff');
    expect(r.stdout).toContain('```yaml');
  });

  it('renders the artifact diff per backend', async () => {
    const d = JSON.parse((await diff({ format: 'json' }, ...paths)).stdout) as PolicyDiff;
    const kyverno = d.artifacts.find((a) => a.backend === 'kyverno');
    // The exception's PolicyException file goes; the ClusterPolicy changes.
    expect(kyverno?.files.map((f) => f.change).sort()).toEqual(['changed', 'removed']);
    const changed = kyverno!.files.find((f) => f.change === 'changed')!;
    expect(changed.diff).toMatch(/^--- a\/kyverno\/.*\n\+\+\+ b\/kyverno\//);
    expect(changed.diff).toMatch(/\n\+.*no-host-pid/);
    expect(kyverno!.files.find((f) => f.change === 'removed')!.diff).toMatch(/\+\+\+ \/dev\/null/);
  });

  it('invalid input: exit 2 for a missing file, 1 for a policy error, usage error for one positional', async () => {
    expect((await diff({}, paths[0], join(dir, 'nope.secpol'))).code).toBe(2);
    const bad = workspace({ 'bad.secpol': 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPDI = true\n  }\n}\n' });
    const r = await diff({}, paths[0], join(bad, 'bad.secpol'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SP1002');
    await expect(diff({}, paths[0])).rejects.toThrow('exactly two');
  });
});

describe('secpol diff (network)', () => {
  const net = (extra: string) => `network shop {
  workload api in namespace "shop" with labels app = "api" ports http = tcp 8080
  workload db in namespace "db" with labels app = "db" ports pg = tcp 5432
  default deny ingress and egress in namespaces "shop", "db"
  allow dns in namespaces "shop", "db"
${extra}}
`;
  it('an allow removed shows a newly denied connection', async () => {
    const dir = workspace({ 'old.secpol': net('  allow from workload api to workload db on tcp 5432\n'), 'new.secpol': net('') });
    const r = await diff({ format: 'json' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(r.stderr).toBe('');
    const d = JSON.parse(r.stdout) as PolicyDiff;
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'flow', change: 'removed', owner: 'shop', name: 'allow from workload api to workload db on tcp 5432' })]);
    expect(d.network?.newlyAllowed).toBe(0);
    expect(d.network?.newlyDenied).toBeGreaterThan(0);
    expect(d.network?.changes).toContainEqual(expect.objectContaining({ change: 'newly-denied', from: expect.stringContaining('workload api'), to: expect.stringContaining('workload db'), protocol: 'TCP', port: 5432 }));
    const text = await diff({}, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(text.stdout).toMatch(/newly-denied {2}shop\/p\d+ \(workload api\) -> db\/p\d+ \(workload db\) TCP\/5432/);
    expect(text.stdout).toContain('netpol/');
  });
});

describe('unifiedDiff', () => {
  it('hunks with context, and nothing for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y')).toBe('');
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const changed = [...lines];
    changed[10] = 'L10';
    expect(unifiedDiff(lines.join('\n'), changed.join('\n'), 'a/f', 'b/f')).toBe(['--- a/f', '+++ b/f', '@@ -8,7 +8,7 @@', ' l7', ' l8', ' l9', '-l10', '+L10', ' l11', ' l12', ' l13', ''].join('\n'));
    expect(unifiedDiff('', 'x\n', '/dev/null', 'b/f')).toBe('--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n');
  });
});
