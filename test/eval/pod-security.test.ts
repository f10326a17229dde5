import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluatePodSecurity, evaluatePodSecurityRules, evaluatePolicy, type PssExempt } from '../../src/eval/index.js';
import type { Exception, PodSecurity, Policy, PssControl, PssLevel } from '../../src/ir/index.js';
import { SourceFile, type Span } from '../../src/source/index.js';
import { corpusPath, hasCorpus } from '../helpers/corpora.js';

interface Fixture {
  readonly path: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly minor: number;
  readonly expect: 'allow' | 'deny';
  readonly fixture: string;
  readonly check: string | null;
}

/** Restricted checks that replace a baseline check (corpus README), so deny a baseline fixture at restricted. */
const replacedBy: Readonly<Record<string, string>> = {
  capabilities_baseline: 'capabilities_restricted',
  hostPathVolumes: 'restrictedVolumes',
  procMount: 'procMount_restricted',
  seccompProfile_baseline: 'seccompProfile_restricted',
};

describe.skipIf(!hasCorpus('psa'))('Pod Security corpus (upstream PSA test data)', () => {
  const fixtures = hasCorpus('psa')
    ? readFileSync(corpusPath('psa', 'manifest.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Fixture)
    : [];
  const groups = new Map<string, Fixture[]>();
  for (const f of fixtures) groups.set(`${f.level} ${f.version}`, [...(groups.get(`${f.level} ${f.version}`) ?? []), f]);
  let agreed = 0;

  it('holds every fixture of the manifest', () => {
    expect(fixtures).toHaveLength(4537);
  });

  describe.each([...groups.keys()])('%s', (key) => {
    it('agrees with upstream on every fixture', () => {
      const mismatches: string[] = [];
      for (const f of groups.get(key) ?? []) {
        const pod = parse(readFileSync(corpusPath(f.path), 'utf8')) as unknown;
        const got = evaluatePodSecurity(pod, f.level, { minor: f.minor });
        const verdict = got.allowed ? 'allow' : 'deny';
        if (verdict === f.expect) agreed++;
        else mismatches.push(`${f.path}: expected ${f.expect}, got ${verdict}${got.failedChecks.length ? ` (${got.failedChecks.join(', ')})` : ''}`);
        // A fixture named for a check is denied by that check, or at restricted by the check replacing it.
        const by = f.check ? [f.check, ...(f.level === 'restricted' && replacedBy[f.check] ? [replacedBy[f.check]] : [])] : [];
        if (f.expect === 'deny' && f.check && !got.allowed && !by.some((c) => got.failedChecks.includes(c ?? ''))) mismatches.push(`${f.path}: denied by ${got.failedChecks.join(', ')}, not ${f.check}`);
      }
      expect(mismatches, mismatches.join('\n')).toEqual([]);
    });
  });

  it('reports the figure', () => {
    console.log(`pod-security reference semantics: ${agreed}/${fixtures.length} PSA fixtures agree`);
    expect(agreed).toBe(fixtures.length);
  });
});

const linuxPod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'registry.example/app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    ...spec,
  },
});

const restrictedContainer = (name: string, image: string, extra: Record<string, unknown> = {}) => ({
  name,
  image,
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...extra },
});

const byImage =
  (control: PssControl, glob: RegExp): PssExempt =>
  (c, container) =>
    c === control && container !== undefined && glob.test(String((container as { image?: unknown }).image));

describe('evaluatePodSecurity', () => {
  it('allows the minimal restricted pod, and anything at privileged', () => {
    expect(evaluatePodSecurity(linuxPod({}), 'restricted', 'latest')).toEqual({ allowed: true, failedControls: [], failedChecks: [] });
    expect(evaluatePodSecurity(linuxPod({ hostNetwork: true }), 'privileged', 'latest').allowed).toBe(true);
  });

  it('maps upstream checks to secpol controls', () => {
    const pod = linuxPod({ hostPID: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] });
    const got = evaluatePodSecurity(pod, 'restricted', 'latest');
    expect(got.failedChecks).toEqual(['hostNamespaces', 'restrictedVolumes']);
    expect(got.failedControls).toEqual(['host-namespaces', 'volume-types']);
    expect(evaluatePodSecurity(pod, 'baseline', 'latest').failedControls).toEqual(['host-namespaces', 'host-path-volumes']);
  });

  it('exempts a control for the whole pod', () => {
    const pod = linuxPod({ hostNetwork: true, containers: [restrictedContainer('app', 'a', { privileged: true })] });
    expect(evaluatePodSecurity(pod, 'baseline', 'latest').failedControls).toEqual(['host-namespaces', 'privileged']);
    const got = evaluatePodSecurity(pod, 'baseline', 'latest', (c) => c === 'host-namespaces');
    expect(got.failedControls).toEqual(['privileged']);
    expect(evaluatePodSecurity(pod, 'baseline', 'latest', (c) => c === 'host-namespaces' || c === 'privileged').allowed).toBe(true);
  });

  it('exempts a control only for containers whose image is exempted', () => {
    const agent = restrictedContainer('agent', 'vendor/agent:2', { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } });
    const app = restrictedContainer('app', 'registry.example/app:1');
    const exempt = byImage('capabilities', /^vendor\//);
    expect(evaluatePodSecurity(linuxPod({ containers: [app, agent] }), 'restricted', 'latest', exempt).allowed).toBe(true);
    // The same capability on a container whose image is not exempted still fails.
    const other = { ...agent, image: 'other/agent:2' };
    expect(evaluatePodSecurity(linuxPod({ containers: [app, other] }), 'restricted', 'latest', exempt).failedChecks).toEqual(['capabilities_restricted']);
    // An image exemption never reaches pod-level fields.
    const pod = linuxPod({ containers: [agent], securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } });
    expect(evaluatePodSecurity(pod, 'restricted', 'latest', byImage('seccomp', /^vendor\//)).failedChecks).toEqual(['capabilities_restricted', 'seccompProfile_restricted']);
  });

  it('lets an image-exempted container go without runAsNonRoot while the others need it', () => {
    const spec = { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } };
    const root = restrictedContainer('root', 'vendor/root:1');
    const nonRoot = restrictedContainer('app', 'registry.example/app:1', { runAsNonRoot: true });
    expect(evaluatePodSecurity(linuxPod({ ...spec, containers: [root, nonRoot] }), 'restricted', 'latest').failedControls).toEqual(['run-as-non-root']);
    expect(evaluatePodSecurity(linuxPod({ ...spec, containers: [root, nonRoot] }), 'restricted', 'latest', byImage('run-as-non-root', /^vendor\//)).allowed).toBe(true);
  });

  it('exempts Windows pods from the Linux-only restricted controls from v1.25', () => {
    // PSS: allowPrivilegeEscalation, capabilities and seccomp are Linux only in v1.25+ (.spec.os.name == "windows").
    const windows = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w' }, spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: 'mcr/w' }] } };
    expect(evaluatePodSecurity(windows, 'restricted', 'latest').allowed).toBe(true);
    expect(evaluatePodSecurity(windows, 'restricted', { minor: 25 }).allowed).toBe(true);
    expect(evaluatePodSecurity(windows, 'restricted', { minor: 24 }).failedChecks).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
    // runAsNonRoot is not Linux-only, and HostProcess is forbidden at baseline.
    const hostProcess = { ...windows, spec: { ...windows.spec, securityContext: { windowsOptions: { hostProcess: true } } } };
    expect(evaluatePodSecurity(hostProcess, 'restricted', 'latest').failedChecks).toEqual(['windowsHostProcess', 'runAsNonRoot']);
    expect(evaluatePodSecurity(hostProcess, 'baseline', 'latest').failedControls).toEqual(['host-process']);
  });

  it('relaxes procMount, runAsNonRoot and runAsUser for user-namespaced pods from v1.35 (hostUsers: false)', () => {
    const container = restrictedContainer('app', 'a', { procMount: 'Unmasked', runAsUser: 0 });
    const rooted = { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [container] };
    expect(evaluatePodSecurity(linuxPod({ ...rooted, hostUsers: false }), 'baseline', { minor: 35 }).allowed).toBe(true);
    expect(evaluatePodSecurity(linuxPod({ ...rooted, hostUsers: false }), 'baseline', { minor: 34 }).failedChecks).toEqual(['procMount']);
    expect(evaluatePodSecurity(linuxPod({ ...rooted, hostUsers: true }), 'baseline', 'latest').failedChecks).toEqual(['procMount']);
    // At restricted, procMount_restricted keeps forbidding Unmasked; the root checks are skipped.
    expect(evaluatePodSecurity(linuxPod({ ...rooted, hostUsers: false }), 'restricted', 'latest').failedChecks).toEqual(['procMount_restricted']);
    expect(evaluatePodSecurity(linuxPod({ ...rooted, hostUsers: false }), 'restricted', { minor: 34 }).failedChecks).toEqual(['procMount', 'runAsNonRoot', 'runAsUser']);
  });

  it('checks legacy annotations per container, honouring image exemptions', () => {
    const pod = linuxPod({ containers: [restrictedContainer('agent', 'vendor/agent:1')] }, { name: 'p', annotations: { 'container.apparmor.security.beta.kubernetes.io/agent': 'unconfined' } });
    expect(evaluatePodSecurity(pod, 'baseline', 'latest').failedChecks).toEqual(['appArmorProfile']);
    expect(evaluatePodSecurity(pod, 'baseline', 'latest', byImage('apparmor', /^vendor\//)).allowed).toBe(true);
  });

  it('follows version changes: sysctls and seccomp annotations', () => {
    const sysctl = linuxPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] } });
    expect(evaluatePodSecurity(sysctl, 'baseline', { minor: 31 }).failedChecks).toEqual(['sysctls']);
    expect(evaluatePodSecurity(sysctl, 'baseline', { minor: 32 }).allowed).toBe(true);
    const annotated = linuxPod({}, { name: 'p', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } });
    expect(evaluatePodSecurity(annotated, 'baseline', { minor: 18 }).failedControls).toEqual(['seccomp']);
    expect(evaluatePodSecurity(annotated, 'baseline', { minor: 19 }).allowed).toBe(true);
  });
});

// ------------------------------------------------------------------ through the policy

const file = new SourceFile('test.secpol', '');
const span: Span = { file, start: 0, end: 0 };

function policyWith(podSecurity: readonly Omit<PodSecurity, 'span'>[], exceptions: readonly Partial<Exception>[] = [], mode: Policy['mode'] = 'enforce'): Policy {
  return {
    name: 'pss',
    span,
    severity: 'high',
    mode,
    scope: { subjects: [{ kind: 'pods', span }], namespaces: [], excludedNamespaces: [], operations: ['CREATE', 'UPDATE'], span },
    rules: [],
    podSecurity: podSecurity.map((p) => ({ ...p, span })),
    exceptions: exceptions.map((e, i) => ({ name: `e${i}`, span, reason: 'test', rules: [], namespaces: [], workloads: [], images: [], controls: [], ...e })),
    omissions: [],
  };
}

const enforce = (level: PssLevel): Omit<PodSecurity, 'span'> => ({ mode: 'enforce', level, version: 'latest' });

describe('evaluatePodSecurityRules', () => {
  const hostNet = { ...linuxPod({ hostNetwork: true }), metadata: { name: 'web-1', namespace: 'shop' } };

  it('gives one verdict per pod-security line and denies only on enforce', () => {
    const policy = policyWith([enforce('baseline'), { mode: 'warn', level: 'restricted', version: { minor: 30 } }]);
    const verdicts = evaluatePodSecurityRules(policy, { object: hostNet });
    expect(verdicts.map((v) => [v.rule, v.outcome])).toEqual([
      ['pod-security-enforce', 'fail'],
      ['pod-security-warn', 'fail'],
    ]);
    expect(verdicts[1]?.message).toBe('violates PodSecurity "restricted:v1.30": hostNamespaces');
    expect(evaluatePolicy(policy, { object: hostNet }).denied).toBe(true);
    expect(evaluatePolicy(policyWith([{ mode: 'audit', level: 'baseline', version: 'latest' }]), { object: hostNet }).denied).toBe(false);
  });

  it('evaluates the pod template of a controller', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { metadata: {}, spec: hostNet.spec } } };
    expect(evaluatePodSecurityRules(policyWith([enforce('baseline')]), { object: deployment })[0]?.outcome).toBe('fail');
    expect(evaluatePodSecurityRules(policyWith([enforce('baseline')]), { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } })[0]?.skipped).toBe('not-in-scope');
  });

  it('applies exceptions by control, filtered by namespace and workload', () => {
    const inShop = policyWith([enforce('baseline')], [{ controls: ['host-namespaces'], namespaces: ['shop'] }]);
    expect(evaluatePodSecurityRules(inShop, { object: hostNet })[0]?.outcome).toBe('pass');
    const elsewhere = policyWith([enforce('baseline')], [{ controls: ['host-namespaces'], namespaces: ['other'] }]);
    expect(evaluatePodSecurityRules(elsewhere, { object: hostNet })[0]?.outcome).toBe('fail');
    const workload = policyWith([enforce('baseline')], [{ controls: ['host-namespaces'], workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web', span }] }]);
    // A pod of the deployment: created by the ReplicaSet controller, owned by a ReplicaSet named after it.
    const owned = { ...hostNet, metadata: { ...hostNet.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7f9c5d', controller: true }] } };
    expect(evaluatePodSecurityRules(workload, { object: owned, userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' } })[0]?.outcome).toBe('pass');
    // The same pod sent by a user, or a pod merely named after the deployment, is not the deployment's (issue 22 item 2).
    expect(evaluatePodSecurityRules(workload, { object: owned, userInfo: { username: 'alice' } })[0]?.outcome).toBe('fail');
    expect(evaluatePodSecurityRules(workload, { object: hostNet })[0]?.outcome).toBe('fail');
    const wrongControl = policyWith([enforce('baseline')], [{ controls: ['privileged'] }]);
    expect(evaluatePodSecurityRules(wrongControl, { object: hostNet })[0]?.outcome).toBe('fail');
  });

  it('applies exceptions by control and image to matching containers only', () => {
    const pod = { ...linuxPod({ containers: [restrictedContainer('app', 'registry.example/app:1'), restrictedContainer('agent', 'vendor/agent:2', { privileged: true })] }), metadata: { name: 'p', namespace: 'shop' } };
    const vendor = policyWith([enforce('baseline')], [{ controls: ['privileged'], images: ['vendor/*'] }]);
    expect(evaluatePodSecurityRules(vendor, { object: pod })[0]?.outcome).toBe('pass');
    const otherImage = policyWith([enforce('baseline')], [{ controls: ['privileged'], images: ['registry.example/*'] }]);
    expect(evaluatePodSecurityRules(otherImage, { object: pod })[0]?.outcome).toBe('fail');
  });

  it('skips objects an exception without controls or images matches', () => {
    const policy = policyWith([enforce('restricted')], [{ namespaces: ['shop'] }]);
    expect(evaluatePodSecurityRules(policy, { object: hostNet })[0]).toMatchObject({ outcome: 'skip', skipped: 'exempt' });
  });
});
