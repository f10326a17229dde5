/**
 * Issue 18 item 5, Gatekeeper: the library compiled to ConstraintTemplates and Constraints, imported back by lifting
 * each template's Rego (src/import/gatekeeper-secpol*.ts), is proven by `--verify` against the ORIGINAL templates run
 * in the Rego engine (fast-check, fixed seed). The lifter reads the Rego only: stripped of annotations and comments
 * the output lifts the same, a fixed helper edited in place is caught by the proof, a pod-security check set is
 * recognised only when it is exactly secpol's, and what it cannot lift is SP3001.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compileExpressible, frontEnd } from '../../src/compile.js';
import { importPolicies } from '../../src/import/index.js';
import { projectRoot } from '../helpers/corpora.js';

function secpolFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? secpolFiles(p) : p.endsWith('.secpol') ? [p] : [];
  });
}

const today = '2026-06-01';

async function libraryGatekeeper(): Promise<{ path: string; text: string }[]> {
  const front = frontEnd(secpolFiles(join(projectRoot, 'policies')), (p) => ({ bytes: readFileSync(p) }), { today });
  const compiled = await compileExpressible(front.value!.set, ['gatekeeper']);
  return compiled.value!.files.filter((f) => f.path.startsWith('gatekeeper/') && f.objects.some((o) => o.kind === 'ConstraintTemplate')).map((f) => ({ path: f.path, text: f.content }));
}

async function compileText(text: string): Promise<{ path: string; text: string }[]> {
  const front = frontEnd(['mixed.secpol'], () => ({ bytes: Buffer.from(text) }), { today });
  expect(front.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const compiled = await compileExpressible(front.value!.set, ['gatekeeper']);
  return compiled.value!.files.filter((f) => f.path.startsWith('gatekeeper/')).map((f) => ({ path: f.path, text: f.content }));
}

/** The file's documents with `edit` applied to each template's Rego (and annotations kept unless `strip`). */
function rewrite(text: string, edit: (rego: string) => string, strip = false): string {
  return YAML.parseAllDocuments(text)
    .map((d) => {
      const v = d.toJSON() as { kind?: string; metadata?: { annotations?: unknown }; spec?: { targets?: { rego: string }[] } };
      if (strip && v.metadata) delete v.metadata.annotations;
      if (v.kind === 'ConstraintTemplate') v.spec!.targets![0]!.rego = edit(v.spec!.targets![0]!.rego);
      return YAML.stringify(v);
    })
    .join('---\n');
}

const withoutComments = (text: string) => text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');

describe("import of secpol's own Gatekeeper output", () => {
  it('the library round-trips: every rule and pod-security line is lifted from the Rego and proven against the original template', async () => {
    const inputs = await libraryGatekeeper();
    const r = await importPolicies(inputs, { today, verify: { runs: 400, seed: 1 } });
    const rules = r.value!.rules;
    const proven = rules.filter((x) => x.status === 'proven');
    expect(rules.filter((x) => x.status !== 'proven')).toEqual([]);
    expect(proven.length).toBe(47);
    expect(r.diagnostics).toEqual([]);
    const text = r.value!.files.map((f) => f.text).join('\n');
    // Exceptions (a workload until a date; images), effective fields, references, label selectors come back as written.
    expect(text).toMatch(/exception node-exporter \{\n\s+workloads DaemonSet "monitoring\/node-exporter"\n\s+rules no-host-network, no-host-pid\n[^}]*expires 2030-12-31/);
    expect(text).toMatch(/exception legacy-billing-images \{\n\s+images "registry\.example\.com\/legacy\/\*"/);
    expect(text).toContain('require every container has effective runAsUser >= 1000');
    expect(text).toContain('forbid any role referenced by roleRef has any rbac rule has verbs contains any of ["escalate", "bind", "impersonate", "*"]');
    expect(text).toContain('where namespace labels env = "prod"');
    expect(text).toContain('message "container {name} uses image {image} from a registry that is not approved"');
    // Pod-security lines, each in its Constraint's mode, with the controls exception the checks read.
    expect(text).toMatch(/policy pss-baseline-enforce \{[^]*\n  enforce pod-security baseline version v1\.30\n[^]*exception tools-log-collector \{\n\s+namespaces "tools"\n\s+controls host-path-volumes\n/);
    expect(text).toMatch(/policy pss-baseline-warn \{[^]*\n  warn pod-security restricted version v1\.30\n/);
  }, 600_000);

  it('reads the Rego, not the annotations or comments that name the source policy', async () => {
    const inputs = await libraryGatekeeper();
    const plain = await importPolicies(inputs, { today });
    const stripped = await importPolicies(inputs.map((i) => ({ path: i.path, text: rewrite(i.text, withoutComments, true) })), { today });
    const texts = (r: typeof plain) => r.value!.files.map((f) => withoutComments(f.text));
    expect(texts(stripped)).toEqual(texts(plain));
    expect(plain.value!.rules.filter((x) => x.status === 'imported').length).toBe(47);
  }, 120_000);

  it('a fixed helper edited in place is caught by the proof (SP3002), not trusted by its name', async () => {
    const inputs = (await libraryGatekeeper()).filter((i) => i.path === 'gatekeeper/privileged.yaml');
    expect(inputs).toHaveLength(1);
    // `containers` without the ephemeral containers: the lifter still reads `some c in containers` as `any container`.
    const edited = rewrite(inputs[0]!.text, (rego) => {
      const out = rego.replace(/containers := array\.concat\(\n\tarray\.concat\((list_at\(pod_view, \["spec", "containers"\]\)), (list_at\(pod_view, \["spec", "initContainers"\]\))\),\n\tlist_at\(pod_view, \["spec", "ephemeralContainers"\]\),\n\)/, 'containers := array.concat($1, $2)');
      expect(out).not.toBe(rego);
      return out;
    });
    const r = await importPolicies([{ path: 'privileged.yaml', text: edited }], { today, verify: { runs: 400, seed: 1 } });
    expect(r.value!.rules.map((x) => x.status)).toEqual(['not-imported']);
    expect(r.diagnostics.map((d) => d.code)).toContain('SP3002');
    expect(r.diagnostics.find((d) => d.code === 'SP3002')!.message).toMatch(/ephemeralContainers/);
  }, 120_000);

  it('a construct the lifter does not translate is SP3001 for that rule, naming it; the other rules are lifted', async () => {
    const inputs = (await libraryGatekeeper()).filter((i) => i.path === 'gatekeeper/host-namespaces.yaml');
    const edited = rewrite(inputs[0]!.text, (rego) => rego.replace('\tvalue_at(pod_view, ["spec", "hostIPC"]) == true\n', '\tvalue_at(pod_view, ["spec", "hostIPC"]) == true\n\tcount(input.review.object.spec.containers) > 3\n'));
    const r = await importPolicies([{ path: 'host-namespaces.yaml', text: edited }], { today });
    const missing = r.value!.rules.filter((x) => x.status === 'not-imported');
    expect(missing.map((x) => x.original)).toEqual(['no-host-ipc']);
    expect(missing[0]!.reason).toContain('count(input.review.object.spec.containers) > 3');
    expect(r.diagnostics.filter((d) => d.code === 'SP3001').map((d) => d.message)).toEqual([expect.stringContaining('rule no-host-ipc')]);
    expect(r.value!.rules.filter((x) => x.status === 'imported').map((x) => x.original)).toEqual(['no-host-network', 'no-host-pid']);
  }, 120_000);

  it('a pod-security check set is recognised only when every check equals the one secpol writes for its level and version', async () => {
    const inputs = (await libraryGatekeeper()).filter((i) => i.path === 'gatekeeper/pss-restricted.yaml');
    // The restricted set without the seccomp check's Windows guard: no longer what secpol writes for restricted v1.30.
    const edited = rewrite(inputs[0]!.text, (rego) => {
      const out = rego.replace(/(pss_restricted_v1_30 contains "seccompProfile_restricted" if \{\n)\tnot value_at\(pod_view, \["spec", "os", "name"\]\) == "windows"\n/, '$1');
      expect(out).not.toBe(rego);
      return out;
    });
    const r = await importPolicies([{ path: 'pss-restricted.yaml', text: edited }], { today });
    expect(r.value!.rules.map((x) => [x.original, x.status])).toEqual([['pod-security-enforce', 'not-imported']]);
    expect(r.value!.rules[0]!.reason).toBe('the lifter does not translate the pod-security check set pss_restricted_v1_30 (its rule pss_restricted_v1_30 differs from the one secpol writes for enforce pod-security restricted version v1.30)');
  }, 120_000);

  it('strings of the Rego stay data: a rule name, a field name and a value cannot write secpol syntax', async () => {
    const inputs = (await libraryGatekeeper()).filter((i) => i.path === 'gatekeeper/host-namespaces.yaml');
    const evil = 'x"\n}\npolicy evil {\n  rule y {';
    const edited = rewrite(inputs[0]!.text, (rego) =>
      rego
        .replace('"rule": "no-host-ipc"', `"rule": ${JSON.stringify(evil)}`)
        .replace('value_at(pod_view, ["spec", "hostIPC"]) == true', `value_at(pod_view, ["metadata", "annotations", ${JSON.stringify(evil)}]) == ${JSON.stringify(evil)}`),
    );
    const r = await importPolicies([{ path: 'host-namespaces.yaml', text: edited }], { today });
    const file = r.value!.files[0]!;
    expect(file.set).toBeDefined();
    expect(r.value!.rules.map((x) => x.status)).toEqual(['imported', 'imported', 'imported']);
    expect(file.text.split('\n').filter((l) => /^\s*policy /.test(l))).toEqual(['policy host-namespaces {']);
    expect(file.text).toContain('forbid metadata.annotations["x\\"\\n}\\npolicy evil {\\n  rule y {"] = "x\\"\\n}\\npolicy evil {\\n  rule y {"');
    // The original's name only ever reaches comments, on one line.
    expect(file.text).toContain('# from host-namespaces.yaml:27 (rule x" } policy evil {   rule y {)');
  }, 120_000);

  it('a Constraint match the lifter does not read leaves every rule of the template out, each SP3001 with the reason', async () => {
    const inputs = (await libraryGatekeeper()).filter((i) => i.path === 'gatekeeper/host-namespaces.yaml');
    const edited = inputs[0]!.text.replace('  match:\n', '  match:\n    name: node-*\n');
    expect(edited).not.toBe(inputs[0]!.text);
    const r = await importPolicies([{ path: 'host-namespaces.yaml', text: edited }], { today });
    expect(r.value!.rules.map((x) => [x.original, x.status])).toEqual([['no-host-ipc', 'not-imported'], ['no-host-network', 'not-imported'], ['no-host-pid', 'not-imported']]);
    for (const x of r.value!.rules) expect(x.reason).toBe('the lifter does not translate the Constraint match.name (not lifted)');
    expect(r.value!.files[0]!.set).toBeUndefined();
  }, 120_000);

  it('a template shared by Constraints of several modes gives each Constraint the rules of its mode', async () => {
    const inputs = await compileText(`policy mixed {
  mode audit
  applies to pods

  rule no-host-pid {
    forbid spec.hostPID = true
  }

  enforce pod-security baseline version v1.30
}
`);
    const r = await importPolicies(inputs, { today, verify: { runs: 300, seed: 1 } });
    expect(r.value!.rules.map((x) => [x.policy, x.original, x.status])).toEqual([
      ['mixed-enforce', 'pod-security-enforce', 'proven'],
      ['mixed-audit', 'no-host-pid', 'proven'],
    ]);
    expect(r.value!.files.find((f) => f.policy.name === 'mixed-audit')!.text).toMatch(/mode audit[\s\S]*forbid spec\.hostPID = true/);
  }, 120_000);

  it('scope, per-rule subjects, when, messages and every kind of exception lift back and are proven', async () => {
    const inputs = await compileText(`policy kitchen-sink {
  mode warn
  applies to pods
  in namespaces "apps", "web"
  where labels team exists and tier in ["fe", "be"] and "app.kubernetes.io/part-of" != "legacy"
  where namespace labels env = "prod"
  on create, update, delete

  rule no-priv {
    forbid any container has securityContext.privileged = true when spec.hostNetwork = true
    message "100% sure: container {name} is privileged"
  }

  rule nets {
    applies to "networking.k8s.io/v1" Ingress
    require every item in spec.rules has host exists
  }

  rule ro {
    require every container has securityContext.readOnlyRootFilesystem = true
  }

  exception a {
    namespaces "apps"
    rules no-priv
    reason "a"
  }

  exception b {
    workloads Deployment "web/front", StatefulSet "apps/db"
    rules no-priv, ro
    reason "b"
    expires 2030-06-30
  }

  exception c {
    images "ghcr.io/x/*", "docker.io/y:*"
    rules ro
    reason "c"
  }
}

policy ns-rule {
  applies to "v1" Namespace
  except namespaces "kube-system"

  rule owner {
    require metadata.labels.owner exists
  }
}
`);
    const r = await importPolicies(inputs, { today, verify: { runs: 1000, seed: 1 } });
    expect(r.value!.rules.map((x) => [x.policy, x.original, x.status])).toEqual([
      ['kitchen-sink', 'nets', 'proven'],
      ['kitchen-sink', 'no-priv', 'proven'],
      ['kitchen-sink', 'ro', 'proven'],
      ['ns-rule', 'owner', 'proven'],
    ]);
    const text = r.value!.files.map((f) => f.text).join('\n');
    for (const line of [
      'mode warn',
      'on create, delete, update',
      'where labels "app.kubernetes.io/part-of" not in ["legacy"] and team exists and tier in ["be", "fe"]',
      'in namespaces "apps", "web"',
      'where namespace labels env = "prod"',
      'applies to "networking.k8s.io/v1" Ingress',
      'require every item in spec.rules has host exists',
      'forbid any container has securityContext.privileged = true\n    when spec.hostNetwork = true',
      'message "100% sure: container {name} is privileged"',
      'workloads Deployment "web/front", StatefulSet "apps/db"',
      'images "docker.io/y:*", "ghcr.io/x/*"',
      'expires 2030-06-30',
      'except namespaces "kube-system"',
      'require metadata.labels.owner exists',
    ]) expect(text).toContain(line);
  }, 120_000);
});
