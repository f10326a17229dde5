import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/source/index.js';
import { importPolicies } from '../../src/import/index.js';
import { buildChecked, importArtifacts } from '../../src/import/import.js';
import { proveNetwork, proveOnce } from '../../src/import/verify.js';
import { runCli } from '../helpers/cli.js';

const today = '2026-06-01';
const proof = { runs: 150, seed: 1 };

const hostNamespaces = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-host-namespaces
spec:
  validationFailureAction: Enforce
  rules:
    - name: host-namespaces
      match:
        any:
        - resources:
            kinds:
              - Pod
      validate:
        message: Sharing the host namespaces is disallowed.
        pattern:
          spec:
            =(hostPID): "false"
            =(hostNetwork): "false"
    - name: only-labelled
      match:
        any:
        - resources:
            kinds:
              - Pod
      validate:
        pattern:
          metadata:
            (labels):
              app: "?*"
`;

describe('secpol import: Kyverno', () => {
  it('translates =() anchors to "absent or equal", names the source line, and reports a conditional anchor at its line', () => {
    const out = importArtifacts([{ path: 'p.yaml', text: hostNamespaces }], { today });
    const file = out.value!.files[0]!;
    expect(file.text).toContain('# from p.yaml:8 (rule host-namespaces)');
    expect(file.text).toContain('require (spec.hostNetwork is absent or spec.hostNetwork = false) and (spec.hostPID is absent or spec.hostPID = false)');
    expect(file.text).toContain('mode enforce');
    expect(file.text).toMatch(/# Not imported: rule only-labelled \(p\.yaml:29\): the conditional anchor \(labels\)/);
    const d = out.diagnostics.find((x) => x.code === 'SP3001')!;
    expect(formatLocation(d.span!)).toBe('p.yaml:29:13');
  });

  it('--verify proves the translation against the original ClusterPolicy and catches a wrong one', async () => {
    const out = importArtifacts([{ path: 'p.yaml', text: hostNamespaces }], { today });
    const file = out.value!.files[0]!;
    const good = await proveOnce(file.policy, file.set!.policies[0]!, proof);
    expect(good.failed).toBeUndefined();
    expect(good.engines).toEqual(['kyverno (original)', 'kyverno']);
    // The same policy with hostPID left out of the translation: the original denies what it allows.
    const wrong = buildChecked({ ...file.policy, rules: file.policy.rules.map((r) => ({ ...r, lines: ['applies to pods', 'require spec.hostNetwork is absent or spec.hostNetwork = false'] })) }, { today });
    const bad = await proveOnce(wrong.policy, wrong.set!.policies[0]!, proof);
    expect(bad.failed?.key).toBe('host-namespaces');
    expect(bad.failed?.reason).toContain('hostPID: true');
  });

  it('a conditional anchor in a list element skips the elements it does not meet, and is proven', async () => {
    const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: latest-pull-always
spec:
  validationFailureAction: Enforce
  rules:
    - name: always-pull-latest
      match:
        any:
        - resources:
            kinds: [Pod]
      validate:
        pattern:
          spec:
            containers:
            - (image): "*:latest"
              imagePullPolicy: Always
    - name: with-labels
      match:
        any:
        - resources:
            kinds: [Pod]
      validate:
        pattern:
          metadata:
            labels:
              app: "?*"
          spec:
            containers:
            - (image): "*:latest"
              imagePullPolicy: Always
`;
    const r = await importPolicies([{ path: 'l.yaml', text }], { today, verify: proof });
    const file = r.value!.files[0]!;
    expect(file.text).toContain('require every app container has (not image matches "*:latest" or imagePullPolicy = "Always")');
    // Beside another check, the skip when no container meets the condition hides that check: not translated.
    expect(r.value!.rules).toEqual([
      { policy: 'latest-pull-always', original: 'always-pull-latest', status: 'proven' },
      { policy: 'latest-pull-always', original: 'with-labels', status: 'not-imported', reason: 'a list element with conditional anchors beside other checks (Kyverno skips the whole rule when no element meets them, whatever the others say)' },
    ]);
  });

  it('deny conditions over the containers become quantifiers, and the ones it cannot read are SP3001', async () => {
    const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: caps
spec:
  rules:
    - name: adding-capabilities
      match:
        resources:
          kinds: [Pod]
      preconditions:
        all:
        - key: "{{ request.operation || 'BACKGROUND' }}"
          operator: NotEquals
          value: DELETE
      validate:
        deny:
          conditions:
            all:
            - key: "{{ request.object.spec.[ephemeralContainers, initContainers, containers][].securityContext.capabilities.add[] }}"
              operator: AnyNotIn
              value: [CHOWN, KILL]
    - name: lengths
      match:
        resources:
          kinds: [Pod]
      validate:
        deny:
          conditions:
            any:
            - key: "{{ length(request.object.spec.containers) }}"
              operator: GreaterThan
              value: 3
`;
    const r = await importPolicies([{ path: 'c.yaml', text }], { today, verify: proof });
    const file = r.value!.files[0]!;
    expect(file.text).toContain('forbid any container has (not securityContext.capabilities.add contains only ["CHOWN", "KILL"])');
    expect(file.text).toContain('mode audit');
    expect(r.value!.rules).toEqual([
      { policy: 'caps', original: 'adding-capabilities', status: 'proven' },
      { policy: 'caps', original: 'lengths', status: 'not-imported', reason: 'the condition {{ length(request.object.spec.containers) }} GreaterThan at spec.rules.1.validate.deny.conditions.any.0 (translated: a {{ boolean expression }} Equals/NotEquals true or false, and one field compared with a value)' },
    ]);
    expect(r.diagnostics.map((d) => `${d.code} ${formatLocation(d.span!)}`)).toEqual(['SP3001 c.yaml:31:15']);
  });
});

describe('secpol import: PSA labels and the CLI', () => {
  const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: restricted
`;

  it('a labelled Namespace becomes pod-security lines, proven against Pod Security Admission', async () => {
    const r = await importPolicies([{ path: 'ns.yaml', text: namespace }], { today, verify: proof });
    const text = r.value!.files[0]!.text;
    expect(text).toContain('in namespaces "shop"');
    expect(text).toContain('enforce pod-security baseline version v1.30');
    expect(text).toContain('warn pod-security restricted version latest');
    expect(r.value!.rules.map((x) => x.status)).toEqual(['proven', 'proven']);
    expect(r.diagnostics).toEqual([]);
  });

  it('secpol import --out writes one formatted file per policy; exit 1 when a rule is left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secpol-import-'));
    writeFileSync(join(dir, 'ns.yaml'), namespace);
    writeFileSync(join(dir, 'p.yaml'), hostNamespaces);
    const out = join(dir, 'out');
    const run = await runCli('import', dir, '--out', out, '--verify', '--runs', '100');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error SP3001: not imported: rule only-labelled');
    expect(run.stderr).toContain('2 policies written; 3 of 4 rules imported and proven equivalent');
    const written = readFileSync(join(out, 'psa-shop.secpol'), 'utf8');
    const fmt = await runCli('fmt', '--check', join(out, 'psa-shop.secpol'));
    expect(fmt.code).toBe(0);
    expect(written).toMatch(/^# Imported by secpol import from .*ns\.yaml:4 \(Namespace shop/);
    expect((await runCli('import', '--from', 'helm', dir)).code).toBe(2);
    // Nothing to import is not success: an empty directory is a usage error, a file without policies exit 1.
    expect((await runCli('import', mkdtempSync(join(tmpdir(), 'secpol-empty-')))).code).toBe(2);
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    const none = await runCli('import', join(dir, 'cm.yaml'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no Kyverno ClusterPolicy/Policy, Gatekeeper Constraint, labelled Namespace or NetworkPolicy found');
  });

  it('policy text cannot leave its string: hostile names and messages stay names and quoted literals', () => {
    const text = hostNamespaces.replace('name: disallow-host-namespaces', 'name: "x\\"}\\n policy evil {"').replace('message: Sharing the host namespaces is disallowed.', 'message: "a\\" }\\n  rule evil { forbid metadata exists"');
    const out = importArtifacts([{ path: 'p.yaml', text }], { today });
    const file = out.value!.files[0]!;
    expect(file.text.match(/^policy /gm)).toEqual(['policy ']);
    expect(file.text).toContain('policy x-policy-evil {');
    // A message holding braces (secpol placeholders) is left out rather than rewritten.
    expect(file.text).not.toContain('message');
    expect(file.text).not.toMatch(/^\s*rule evil/m);
  });
});

describe('secpol import: NetworkPolicies', () => {
  const policies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: web
      ports:
        - port: 8080
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-only
  namespace: data
spec:
  podSelector:
    matchLabels:
      app: db
  ingress:
    - from:
        - podSelector: {}
`;

  it('a namespace-wide deny and the allow rules of pods it isolates become one network block, proven; partial isolation is SP3001', async () => {
    const r = await importPolicies([{ path: 'np.yaml', text: policies }], { today, verify: proof });
    const text = r.value!.files[0]!.text;
    expect(text).toContain('default deny ingress in namespaces "shop"');
    expect(text).toContain('allow from pods where app = "web" in namespace "shop" to pods where app = "api" in namespace "shop" on tcp 8080');
    expect(r.value!.rules.map((x) => `${x.original} ${x.status}`)).toEqual(['shop/default-deny proven', 'shop/api-from-web proven', 'data/db-only not-imported']);
    expect(r.diagnostics.map((d) => `${d.code} ${formatLocation(d.span!)}`)).toEqual(['SP3001 np.yaml:33:3']);
  });

  it('the network proof fails for a block that forgets a port', async () => {
    const out = importArtifacts([{ path: 'np.yaml', text: policies }], { today });
    const file = out.value!.files[0]!;
    const wrong = buildChecked({ ...file.policy, rules: file.policy.rules.map((r) => ({ ...r, lines: r.lines.map((l) => l.replace(' on tcp 8080', '')) })) }, { today });
    expect(await proveNetwork(wrong.policy, wrong.set!.networks, proof)).toMatch(/^the original denies .* which the imported block allows$/);
    expect(await proveNetwork(file.policy, file.set!.networks, proof)).toBeUndefined();
  });
});
