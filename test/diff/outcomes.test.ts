import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PolicyDiff } from '../../src/diff/index.js';
import { diff, workspace } from './harness.js';

const privileged = (settings: string) => `policy privileged {
${settings}
  applies to pods

  rule no-privileged {
    forbid any container has securityContext.privileged = true
  }
}
`;

const deployment = (name: string, privilegedFlag: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: app
          image: nginx:1.25
          securityContext:
            privileged: ${privilegedFlag}
`;

describe('secpol diff: outcomes name the rules and modes that decide them (issue 15 item 11)', () => {
  const dir = workspace({
    'audit.secpol': privileged('  mode audit'),
    'enforce.secpol': privileged('  mode enforce'),
    'manifests/priv.yaml': deployment('priv', true),
    'manifests/plain.yaml': deployment('plain', false),
  });
  const paths = [join(dir, 'audit.secpol'), join(dir, 'enforce.secpol')] as const;

  it('audit -> enforce: generated requests go from reported to denied, by the same rule', async () => {
    const r = await diff({ format: 'json' }, ...paths);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as PolicyDiff;
    const rule = d.verdicts.rules.find((x) => x.rule === 'no-privileged');
    expect(rule).toMatchObject({ direction: 'stricter', looser: 0 });
    expect(rule!.hits).toBeGreaterThan(0);
    expect(rule!.stricter).toBe(rule!.hits);
    const cause = (mode: string) => [{ policy: 'privileged', rule: 'no-privileged', mode }];
    for (const e of rule!.examples) {
      expect(e.old).toEqual({ verdict: 'reported', by: cause('audit') });
      expect(e.new).toEqual({ verdict: 'denied', by: cause('enforce') });
      expect(e.changes).toEqual([{ policy: 'privileged', rule: 'no-privileged', old: 'fail', new: 'fail', oldMode: 'audit', newMode: 'enforce', direction: 'stricter' }]);
    }
    expect(d.summary.requests.newlyDenied).toBe(rule!.hits);
    const text = await diff({}, ...paths);
    expect(text.stdout).not.toContain('no judged request changes verdict');
    expect(text.stdout).toContain('example 1 (shrunk): reported by privileged/no-privileged (audit) -> denied by privileged/no-privileged (enforce)');
    expect(text.stdout).toContain('rules: privileged/no-privileged fail (audit) -> fail (enforce)');
  });

  it('audit -> enforce: an existing object goes from reported to denied; enforce -> audit the reverse', async () => {
    const r = await diff({ manifests: [join(dir, 'manifests')] }, ...paths);
    expect(r.stdout).toContain('Existing manifests (2 objects): 1 would now be denied, 0 would now be allowed, 1 change a rule verdict');
    expect(r.stdout).toContain(`Deployment shop/priv (${join(dir, 'manifests/priv.yaml')}:1): reported by privileged/no-privileged (audit) -> denied by privileged/no-privileged (enforce)`);
    const back = JSON.parse((await diff({ manifests: [join(dir, 'manifests')], format: 'json' }, paths[1], paths[0])).stdout) as PolicyDiff;
    expect(back.manifests).toMatchObject({ newlyDenied: 0, newlyAllowed: 1 });
    expect(back.manifests!.changed[0]).toMatchObject({ name: 'priv', before: { verdict: 'denied' }, after: { verdict: 'reported' } });
    expect(back.summary.rules).toEqual({ stricter: 0, looser: 1, both: 0, neither: 0 });
  });

  it('markdown: the verdict table gives the direction and the outcomes on both sides', async () => {
    const r = await diff({ format: 'markdown', manifests: [join(dir, 'manifests')] }, ...paths);
    expect(r.stdout).toMatch(/\| privileged\/no-privileged \| stricter \| \d+ \| reported by privileged\/no-privileged \(audit\) -> denied by privileged\/no-privileged \(enforce\) \|/);
    expect(r.stdout).toContain('| reported by privileged/no-privileged (audit) | denied by privileged/no-privileged (enforce) |');
  });
});

describe('secpol diff: settings show old and new values (issue 15 item 11)', () => {
  it('mode, severity, title and scope fields, each with both values', async () => {
    const dir = workspace({
      'old.secpol': privileged('  title "Privileged"\n  severity high\n  mode audit\n  except namespaces "kube-system"'),
      'new.secpol': privileged('  title "No privileged containers"\n  severity critical\n  mode enforce\n  in namespaces "prod", "stage"'),
    });
    const r = await diff({ runs: '50' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(r.stdout).toContain('~ policy-settings privileged (mode, scope, severity, title)');
    expect(r.stdout).toContain('      mode: audit -> enforce\n');
    expect(r.stdout).toContain('      severity: high -> critical\n');
    expect(r.stdout).toContain('      title: Privileged -> "No privileged containers"\n');
    expect(r.stdout).toContain('      scope.namespaces: (none) -> prod, stage\n');
    expect(r.stdout).toContain('      scope.excludedNamespaces: kube-system -> (none)\n');
    const d = JSON.parse((await diff({ runs: '50', format: 'json' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'))).stdout) as PolicyDiff;
    expect(d.changes[0]!.settings).toEqual([
      { field: 'mode', old: 'audit', new: 'enforce' },
      { field: 'scope.namespaces', old: '(none)', new: 'prod, stage' },
      { field: 'scope.excludedNamespaces', old: 'kube-system', new: '(none)' },
      { field: 'severity', old: 'high', new: 'critical' },
      { field: 'title', old: 'Privileged', new: '"No privileged containers"' },
    ]);
    const md = await diff({ runs: '50', format: 'markdown' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(md.stdout).toContain('mode: audit → enforce; scope.namespaces: (none) → prod, stage;');
  });
});

describe('secpol diff: a malformed manifest is reported, the others are judged (issue 15 item 11)', () => {
  it('YAML syntax errors and documents that are not objects: file:line:col, the diff goes on, exit 1', async () => {
    const dir = workspace({
      'audit.secpol': privileged('  mode audit'),
      'enforce.secpol': privileged('  mode enforce'),
      'manifests/a-broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n',
      'manifests/b-mixed.yaml': `just a string\n---\n${deployment('priv', true)}---\nkind: Pod\nmetadata: { name: no-api-version }\n`,
      'manifests/c-plain.yaml': deployment('plain', false),
    });
    const r = await diff({ format: 'json', manifests: [join(dir, 'manifests')] }, join(dir, 'audit.secpol'), join(dir, 'enforce.secpol'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const d = JSON.parse(r.stdout) as PolicyDiff;
    expect(d.manifests).toMatchObject({ objects: 2, newlyDenied: 1 });
    expect(d.manifests!.changed.map((c) => c.name)).toEqual(['priv']);
    const invalid = d.manifests!.invalid.map((i) => `${i.file.slice(dir.length + 1)}:${i.line}:${i.column}`);
    expect(invalid).toEqual([expect.stringMatching(/^manifests\/a-broken\.yaml:\d+:\d+$/), 'manifests/b-mixed.yaml:1:1', expect.stringMatching(/^manifests\/b-mixed\.yaml:2\d:1$/)]);
    expect(d.manifests!.invalid[1]!.reason).toContain('not a Kubernetes object');
    expect(d.manifests!.invalid[2]!.reason).toContain('no apiVersion');
    expect(d.summary.manifests).toEqual({ newlyDenied: 1, newlyAllowed: 0, invalid: 3 });
    const text = await diff({ manifests: [join(dir, 'manifests')] }, join(dir, 'audit.secpol'), join(dir, 'enforce.secpol'));
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`invalid manifest ${join(dir, 'manifests/b-mixed.yaml')}:1:1: the document is a string, not a Kubernetes object`);
    expect(text.stdout).toContain('Rendered artifacts:');
  });

  it('an unreadable manifest path is still an input error (exit 2)', async () => {
    const dir = workspace({ 'p.secpol': privileged('  mode audit') });
    const r = await diff({ manifests: [join(dir, 'missing.yaml')] }, join(dir, 'p.secpol'), join(dir, 'p.secpol'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SP0004');
  });
});

describe('secpol diff: the summary line (issue 22 item 6)', () => {
  const before = `policy p {
  mode enforce
  applies to pods
  rule no-host-pid {
    forbid spec.hostPID = true
  }
  rule service-account {
    forbid spec.serviceAccountName = "default"
  }
}

policy q {
  mode audit
  applies to pods
  rule no-host-network {
    forbid spec.hostNetwork = true
  }
}
`;
  const after = before
    .replace(/ {2}rule no-host-pid \{\n.*\n {2}\}\n/, '  rule no-host-ipc {\n    forbid spec.hostIPC = true\n  }\n')
    .replace('"default"', '"admin"')
    .replace('mode audit', 'mode warn');

  it('counts rules stricter, looser, both ways and audit <-> warn, and requests newly denied and allowed', async () => {
    const dir = workspace({ 'old.secpol': before, 'new.secpol': after });
    const d = JSON.parse((await diff({ format: 'json' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'))).stdout) as PolicyDiff;
    expect(d.summary.directions).toEqual([
      { policy: 'p', rule: 'no-host-ipc', direction: 'stricter' },
      { policy: 'p', rule: 'no-host-pid', direction: 'looser' },
      { policy: 'p', rule: 'service-account', direction: 'both' },
      { policy: 'q', rule: 'no-host-network', direction: 'neither' },
    ]);
    expect(d.summary.rules).toEqual({ stricter: 1, looser: 1, both: 1, neither: 1 });
    const { requests } = d.summary;
    expect(requests.judged).toBe(600);
    expect(requests.newlyDenied).toBeGreaterThan(0);
    expect(requests.newlyAllowed).toBeGreaterThan(0);
    const p = d.verdicts.requests.find((x) => x.policy === 'p')!;
    expect(p.newlyDenied + d.verdicts.requests.find((x) => x.policy === 'q')!.newlyDenied).toBe(requests.newlyDenied);

    const text = await diff({}, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(text.stdout.split('\n')[2]).toBe(
      `Summary: 1 rule stricter, 1 looser, 1 both ways, 1 between audit and warn; generated requests: ${requests.newlyDenied} newly denied, ${requests.newlyAllowed} newly allowed (of 600 judged)`,
    );
    const md = await diff({ format: 'markdown' }, join(dir, 'old.secpol'), join(dir, 'new.secpol'));
    expect(md.stdout).toContain(`**4** change(s): **1** rule stricter, **1** looser, **1** both ways, **1** between audit and warn; generated requests: **${requests.newlyDenied}** newly denied`);
  });
});
