import { describe, expect, it } from 'vitest';
import { dsl } from '../../helpers/dsl.js';
import { containers, cronJob, deployment, emitKyverno, kyvernoVerdicts, pod } from './harness.js';

/**
 * Emitted policies run through the offline Kyverno engine (src/engines/kyverno). Every expected verdict is
 * derived by hand from docs/language/semantics.md, never from the output.
 */

describe('container rules on pods and controllers (autogen)', () => {
  const files = emitKyverno(dsl`
    policy hardening {
      applies to pods
      rule no-privileged {
        forbid any container has securityContext.privileged = true
        message "container {name} is privileged"
      }
    }`);
  const privileged = containers({ securityContext: { privileged: true } });

  it('fails a privileged init container (the container domain includes all three lists)', () => {
    const spec = { containers: [{ name: 'app', image: 'a' }], initContainers: [{ name: 'init', image: 'b', securityContext: { privileged: true } }] };
    expect(kyvernoVerdicts(files, pod(spec))).toEqual({ 'no-privileged': 'fail' });
  });

  // The rule is a pattern per container (`=(privileged): false`), exact on what the API server admits; a boolean field holding the
  // string "true" is rejected before admission, and the boolean leaf refuses it (pkg/engine/pattern validateBoolPattern).
  it('is a pattern whose boolean leaf matches only a boolean', () => {
    expect(kyvernoVerdicts(files, pod(containers({ securityContext: { privileged: false } })))).toEqual({ 'no-privileged': 'pass' });
    expect(kyvernoVerdicts(files, pod(containers({ securityContext: { privileged: 'false' } })))).toEqual({ 'no-privileged': 'fail' });
  });

  it('passes when the field is missing', () => {
    expect(kyvernoVerdicts(files, pod(containers({})))).toEqual({ 'no-privileged': 'pass' });
  });

  it('checks the pod template of every controller and reports under the rule name', () => {
    expect(kyvernoVerdicts(files, deployment(privileged))).toEqual({ 'no-privileged': 'fail' });
    expect(kyvernoVerdicts(files, cronJob(privileged))).toEqual({ 'no-privileged': 'fail' });
    expect(kyvernoVerdicts(files, deployment(containers({})))).toEqual({ 'no-privileged': 'pass' });
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet']) {
      expect(kyvernoVerdicts(files, { ...deployment(privileged), kind })).toEqual({ 'no-privileged': 'fail' });
    }
    expect(kyvernoVerdicts(files, { ...deployment(privileged), apiVersion: 'batch/v1', kind: 'Job' })).toEqual({ 'no-privileged': 'fail' });
  });

  it('names the offending container in the message (a pattern per container in a foreach)', async () => {
    const { evaluateResource, loadKyvernoDocuments } = await import('../../../src/engines/kyverno/index.js');
    const { documents } = await import('./harness.js');
    const loaded = loadKyvernoDocuments(documents(files));
    const spec = { containers: [{ name: 'ok', image: 'a' }, { name: 'bad', image: 'b', securityContext: { privileged: true } }] };
    const [result] = evaluateResource(loaded.policies, pod(spec));
    expect(result?.message).toContain('container bad is privileged');
    // Kyverno appends the path within the element the pattern was matched against.
    expect(result?.message).toContain('failed at path /securityContext/privileged/');
  });
});

describe('value semantics (semantics §3)', () => {
  const files = emitKyverno(dsl`
    policy values {
      applies to pods
      rule sa { require spec.serviceAccountName != "default" }
      rule mem { require every container has resources.limits.memory <= 512Mi }
      rule drop { require every container has securityContext.capabilities.drop contains only ["ALL"] }
      rule registry { require every container has image matches "registry.corp/*" }
      rule digest { require every container has image matches regex "@sha256:" }
      rule grace { require spec.terminationGracePeriodSeconds < 60 }
      rule vols { forbid spec.volumes is empty }
    }`);
  const base = { containers: [{ name: 'c', image: 'registry.corp/team/app@sha256:abc', resources: { limits: { memory: '256Mi' } } }] };
  const run = (spec: Record<string, unknown>) => kyvernoVerdicts(files, pod(spec));

  it('treats a missing field as false for != (so require fails)', () => {
    expect(run(base)['sa']).toBe('fail');
    expect(run({ ...base, serviceAccountName: 'builder' })['sa']).toBe('pass');
    expect(run({ ...base, serviceAccountName: 'default' })['sa']).toBe('fail');
  });

  it('compares quantities by value, accepting numbers and quantity strings only', () => {
    const mem = (memory: unknown) => run({ containers: [{ name: 'c', image: 'i', resources: { limits: { memory } } }] })['mem'];
    expect(mem('512Mi')).toBe('pass');
    expect(mem('0.5Gi')).toBe('pass');
    expect(mem('1Gi')).toBe('fail');
    expect(mem(536870912)).toBe('pass');
    expect(mem(536870913)).toBe('fail');
    expect(mem('lots')).toBe('fail');
    expect(run({ containers: [{ name: 'c', image: 'i' }] })['mem']).toBe('fail');
  });

  it('holds contains only for a missing or empty list', () => {
    const drop = (d: unknown) => run({ containers: [{ name: 'c', image: 'i', ...(d === undefined ? {} : { securityContext: { capabilities: { drop: d } } }) }] })['drop'];
    expect(drop(undefined)).toBe('pass');
    expect(drop([])).toBe('pass');
    expect(drop(['ALL'])).toBe('pass');
    expect(drop(['ALL', 'NET_RAW'])).toBe('fail');
  });

  it('matches globs over the whole string, with * crossing / and :', () => {
    expect(run(base)['registry']).toBe('pass');
    expect(run({ containers: [{ name: 'c', image: 'registry.corpx/app' }] })['registry']).toBe('fail');
    expect(run({ containers: [{ name: 'c', image: 'x/registry.corp/app' }] })['registry']).toBe('fail');
  });

  it('searches regexes unanchored', () => {
    expect(run(base)['digest']).toBe('pass');
    expect(run({ containers: [{ name: 'c', image: 'app:1.0' }] })['digest']).toBe('fail');
  });

  it('compares numbers only with numbers', () => {
    expect(run({ ...base, terminationGracePeriodSeconds: 30 })['grace']).toBe('pass');
    expect(run({ ...base, terminationGracePeriodSeconds: '30' })['grace']).toBe('fail');
    expect(run({ ...base, terminationGracePeriodSeconds: 60 })['grace']).toBe('fail');
  });

  it('treats missing and [] as empty', () => {
    expect(run(base)['vols']).toBe('fail');
    expect(run({ ...base, volumes: [] })['vols']).toBe('fail');
    expect(run({ ...base, volumes: [{ name: 'v', emptyDir: {} }] })['vols']).toBe('pass');
  });

  it('allows every-quantifiers over no containers', () => {
    // A foreach with no element to check reports `skip` in Kyverno (rule skipped): allowed, as an empty `every` is.
    expect(run({ containers: [] })['mem']).toBe('skip');
  });
});

describe('effective security settings', () => {
  const files = emitKyverno(dsl`
    policy non-root {
      applies to pods
      rule non-root { require every container has effective runAsNonRoot = true }
    }`);
  const run = (podSc: unknown, containerSc: unknown) =>
    kyvernoVerdicts(files, pod({ ...(podSc ? { securityContext: podSc } : {}), containers: [{ name: 'c', image: 'i', ...(containerSc ? { securityContext: containerSc } : {}) }] }))['non-root'];

  it('uses the container value when present, else the pod value', () => {
    expect(run({ runAsNonRoot: true }, undefined)).toBe('pass');
    expect(run({ runAsNonRoot: true }, { runAsNonRoot: false })).toBe('fail');
    expect(run({ runAsNonRoot: false }, { runAsNonRoot: true })).toBe('pass');
    expect(run(undefined, undefined)).toBe('fail');
    expect(run(undefined, { runAsNonRoot: true })).toBe('pass');
  });

  it('reads the pod value from the template of a controller', () => {
    expect(kyvernoVerdicts(files, deployment({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: 'i' }] }))['non-root']).toBe('pass');
    expect(kyvernoVerdicts(files, cronJob({ containers: [{ name: 'c', image: 'i' }] }))['non-root']).toBe('fail');
  });
});

describe('scope (semantics §1)', () => {
  const files = emitKyverno(dsl`
    policy scoped {
      applies to pods
      except namespaces "kube-system"
      where labels app = "web"
      where namespace labels env = "prod"
      rule host { forbid spec.hostNetwork = true }
    }`);
  const bad = { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] };
  const prod = { namespaceLabels: { env: 'prod' } };

  it('applies only in matching namespaces, to objects with matching labels', () => {
    expect(kyvernoVerdicts(files, pod(bad, { labels: { app: 'web' } }), prod)).toEqual({ host: 'fail' });
    expect(kyvernoVerdicts(files, pod(bad, { labels: { app: 'web' } }), { namespaceLabels: { env: 'dev' } })).toEqual({});
    expect(kyvernoVerdicts(files, pod(bad, { labels: { app: 'web' }, namespace: 'kube-system' }), prod)).toEqual({});
    expect(kyvernoVerdicts(files, pod(bad, { labels: { app: 'api' } }), prod)['host']).not.toBe('fail');
  });

  it("tests a controller's own labels, not its template's", () => {
    expect(kyvernoVerdicts(files, deployment(bad, { labels: { app: 'web' } }), prod)).toEqual({ host: 'fail' });
    expect(kyvernoVerdicts(files, deployment(bad, {}, { labels: { app: 'web' } }), prod)['host']).not.toBe('fail');
  });

  it('ignores operations outside the default CREATE and UPDATE', () => {
    expect(kyvernoVerdicts(files, pod(bad, { labels: { app: 'web' } }), { ...prod, operation: 'DELETE' })).toEqual({});
    expect(kyvernoVerdicts(files, pod(bad, { labels: { app: 'web' } }), { ...prod, operation: 'UPDATE' })).toEqual({ host: 'fail' });
  });
});

describe('exceptions (semantics §1.5)', () => {
  const files = emitKyverno(dsl`
    policy ex {
      applies to pods
      rule no-privileged { forbid any container has securityContext.privileged = true }
      rule no-host { forbid spec.hostPID = true }
      exception legacy {
        namespaces "legacy"
        images "ghcr.io/x/*"
        rules no-privileged
        reason "migrating"
      }
      exception debugger {
        workloads Deployment "ops/debugger"
        reason "debugging"
      }
    }`);
  const spec = (image: string) => ({ hostPID: true, containers: [{ name: 'c', image, securityContext: { privileged: true } }] });

  it('drops containers whose image matches, only where the other filters match', () => {
    // The exempt container is the only one, so the foreach checks no element: `skip`, allowed.
    expect(kyvernoVerdicts(files, pod(spec('ghcr.io/x/tool:1'), { namespace: 'legacy' }))).toEqual({ 'no-privileged': 'skip', 'no-host': 'fail' });
    expect(kyvernoVerdicts(files, pod(spec('docker.io/tool:1'), { namespace: 'legacy' }))['no-privileged']).toBe('fail');
    expect(kyvernoVerdicts(files, pod(spec('ghcr.io/x/tool:1'), { namespace: 'default' }))['no-privileged']).toBe('fail');
  });

  it('skips the named workload, and what its controllers create, never a pod by its name (issue 22 item 2)', () => {
    const rs = (name: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, controller: true }] });
    const replicasetController = { userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' } };
    const skipped = { 'no-privileged': 'skip', 'no-host': 'skip' };
    expect(kyvernoVerdicts(files, deployment(spec('a'), { name: 'debugger', namespace: 'ops' }))).toEqual(skipped);
    // The ReplicaSet the deployment controller makes, then its pods, made by the ReplicaSet controller.
    const replicaSet = { ...deployment(spec('a'), { name: 'debugger-7f9c5d', namespace: 'ops', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'debugger', controller: true }] }), kind: 'ReplicaSet' };
    expect(kyvernoVerdicts(files, replicaSet, { userInfo: { username: 'system:serviceaccount:kube-system:deployment-controller' } })).toEqual(skipped);
    expect(kyvernoVerdicts(files, pod(spec('a'), { name: 'debugger-7f9c5d-abcde', namespace: 'ops', ...rs('debugger-7f9c5d') }), replicasetController)).toEqual(skipped);
    expect(kyvernoVerdicts(files, pod(spec('a'), { name: 'debugger-7f9c5d-abcde', namespace: 'ops', ...rs('debugger-7f9c5d') }), { userInfo: { username: 'system:kube-controller-manager' } })).toEqual(skipped);
    // An attacker's pod: a look-alike name, even with the owner reference written in, is judged.
    expect(kyvernoVerdicts(files, pod(spec('a'), { name: 'debugger-7f9c-abcde', namespace: 'ops', ...rs('debugger-7f9c5d') }), { userInfo: { username: 'alice' } })['no-host']).toBe('fail');
    expect(kyvernoVerdicts(files, pod(spec('a'), { name: 'debugger-7f9c-abcde', namespace: 'ops' }))['no-host']).toBe('fail');
    // The controller's request, but a pod of another ReplicaSet (another deployment's `debugger-evil-…`).
    expect(kyvernoVerdicts(files, pod(spec('a'), { namespace: 'ops', ...rs('debugger-evil-7f9c5d') }), replicasetController)['no-host']).toBe('fail');
    expect(kyvernoVerdicts(files, pod(spec('a'), { namespace: 'default', ...rs('debugger-7f9c5d') }), replicasetController)['no-host']).toBe('fail');
    expect(kyvernoVerdicts(files, pod(spec('a'), { name: 'debugger', namespace: 'ops' }))['no-host']).toBe('fail');
    expect(kyvernoVerdicts(files, deployment(spec('a'), { name: 'debugger', namespace: 'default' }))['no-host']).toBe('fail');
  });
});

describe('pod security', () => {
  const files = emitKyverno(dsl`
    policy pss {
      applies to pods
      enforce pod-security baseline version v1.29
      audit pod-security restricted
      exception ops {
        namespaces "ops"
        controls host-namespaces
        reason "node agents"
      }
      exception nginx {
        images "nginx*"
        controls capabilities
        reason "legacy image"
      }
    }`);
  const hostNet = { hostNetwork: true, containers: [{ name: 'c', image: 'busybox' }] };

  it('applies the level and reports each mode under its own rule', () => {
    const v = kyvernoVerdicts(files, pod(hostNet));
    expect(v['pod-security-enforce']).toBe('fail');
    expect(v['pod-security-audit']).toBe('fail');
  });

  it('exempts controls where the exception matches', () => {
    expect(kyvernoVerdicts(files, pod(hostNet, { namespace: 'ops' }))['pod-security-enforce']).toBe('pass');
  });

  it('exempts controls for matching images only', () => {
    const caps = (image: string) => pod({ containers: [{ name: 'c', image, securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] });
    expect(kyvernoVerdicts(files, caps('nginx:1.25'))['pod-security-enforce']).toBe('pass');
    expect(kyvernoVerdicts(files, caps('busybox'))['pod-security-enforce']).toBe('fail');
  });

  it('checks controllers too', () => {
    expect(kyvernoVerdicts(files, deployment(hostNet))['pod-security-enforce']).toBe('fail');
  });
});

describe('resources other than pods', () => {
  const files = emitKyverno(dsl`
    policy rbac {
      applies to "rbac.authorization.k8s.io/v1" ClusterRole
      rule no-wildcard { forbid any rbac rule has verbs contains "*" }
    }`);
  const role = (verbs: unknown) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs }] });

  it('matches the kind exactly and quantifies over its lists', () => {
    expect(kyvernoVerdicts(files, role(['*']))).toEqual({ 'no-wildcard': 'fail' });
    expect(kyvernoVerdicts(files, role(['get']))).toEqual({ 'no-wildcard': 'pass' });
    expect(kyvernoVerdicts(files, { ...role(['*']), kind: 'Role', metadata: { name: 'r', namespace: 'default' } })).toEqual({});
  });
});
