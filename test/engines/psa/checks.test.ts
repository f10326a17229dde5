import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePod, formatPsaFailures, psaChecksFor } from '../../../src/engines/psa/index.js';
import { failing, podWith, restrictedPod, verdict } from './harness.js';

// Expectations come from the Pod Security Standards page
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/) and its per-control version notes.

describe('which checks run at which version', () => {
  it('runs nothing at privileged', () => {
    expect(psaChecksFor('privileged', 'latest')).toEqual([]);
    expect(evaluatePod(podWith((p) => (p.spec['hostNetwork'] = true)), 'privileged', 'latest').allowed).toBe(true);
  });

  it('orders baseline checks by id, then restricted checks by id', () => {
    expect(psaChecksFor('baseline', { major: 1, minor: 0 })).toEqual([
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'privileged',
      'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
    ]);
    expect(psaChecksFor('restricted', 'latest')).toEqual([
      'appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions',
      'sysctls', 'windowsHostProcess', 'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted',
      'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
  });

  it('adds checks only from their minimum version', () => {
    const at = (minor: number) => psaChecksFor('restricted', { major: 1, minor });
    expect(at(7)).not.toContain('allowPrivilegeEscalation');
    expect(at(8)).toContain('allowPrivilegeEscalation');
    expect(at(18)).not.toContain('seccompProfile_restricted');
    expect(at(19)).toContain('seccompProfile_restricted');
    expect(at(22)).not.toContain('runAsUser');
    expect(at(23)).toContain('runAsUser');
    expect(at(33)).not.toContain('hostProbesAndHostLifecycle');
    expect(at(34)).toContain('hostProbesAndHostLifecycle');
  });

  it('lets restricted checks replace their baseline counterparts from the version they start', () => {
    const at = (minor: number) => psaChecksFor('restricted', { major: 1, minor });
    expect(at(0)).toContain('restrictedVolumes');
    expect(at(0)).not.toContain('hostPathVolumes');
    expect(at(18)).toContain('seccompProfile_baseline');
    expect(at(19)).not.toContain('seccompProfile_baseline');
    expect(at(21)).toContain('capabilities_baseline');
    expect(at(22)).not.toContain('capabilities_baseline');
    expect(at(34)).toContain('procMount');
    expect(at(35)).not.toContain('procMount');
    expect(at(35)).toContain('procMount_restricted');
  });

  it('treats latest and versions past the newest check as the newest version', () => {
    expect(psaChecksFor('restricted', { major: 1, minor: 99 })).toEqual(psaChecksFor('restricted', 'latest'));
    const pod = podWith((p) => (p.spec['securityContext'].sysctls = [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }]));
    expect(verdict(pod, 'baseline@v1.99').allowed).toBe(true);
  });
});

describe('baseline controls', () => {
  it('forbids host namespaces', () => {
    const pod = podWith((p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: false }));
    expect(verdict(pod, 'baseline@latest').failures).toEqual([
      { check: 'hostNamespaces', allowed: false, reason: 'host namespaces', detail: 'hostNetwork=true, hostPID=true' },
    ]);
  });

  it('forbids privileged containers, including ephemeral ones', () => {
    const pod = podWith((p) => (p.spec['ephemeralContainers'] = [{ name: 'debug', securityContext: { privileged: true } }]));
    expect(failing(pod, 'baseline@v1.0')).toEqual(['privileged']);
    expect(verdict(pod, 'baseline@latest').failures[0]?.detail).toBe('container "debug" must not set securityContext.privileged=true');
  });

  it('allows only the default capabilities to be added', () => {
    expect(failing(podWith((p) => (p.spec['containers'][0].securityContext.capabilities.add = ['CHOWN', 'NET_BIND_SERVICE'])), 'baseline@latest')).toEqual([]);
    const pod = podWith((p) => (p.spec['containers'][0].securityContext.capabilities.add = ['SYS_ADMIN', 'NET_RAW']));
    expect(verdict(pod, 'baseline@latest').failures[0]?.detail).toBe(
      'container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
    );
  });

  it('forbids hostPath volumes and host ports', () => {
    const pod = podWith((p) => {
      p.spec['volumes'] = [{ name: 'root', hostPath: { path: '/' } }];
      p.spec['containers'][0].ports = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 0 }];
    });
    expect(failing(pod, 'baseline@latest')).toEqual(['hostPathVolumes', 'hostPorts']);
  });

  it('restricts AppArmor profile types and legacy annotations', () => {
    const byField = podWith((p) => (p.spec['securityContext'].appArmorProfile = { type: 'Unconfined' }));
    expect(failing(byField, 'baseline@v1.0')).toEqual(['appArmorProfile']);
    const localhost = podWith((p) => (p.spec['containers'][0].securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'x' }));
    expect(failing(localhost, 'baseline@latest')).toEqual([]);
    const annotated = podWith((p) => (p.metadata['annotations'] = {
      'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/init': 'unconfined',
    }));
    expect(verdict(annotated, 'baseline@latest').failures[0]?.reason).toBe('forbidden AppArmor profile');
  });

  it('restricts SELinux types, and adds container_engine_t at v1.31', () => {
    const engine = podWith((p) => (p.spec['securityContext'].seLinuxOptions = { type: 'container_engine_t' }));
    expect(failing(engine, 'baseline@v1.30')).toEqual(['seLinuxOptions']);
    expect(failing(engine, 'baseline@v1.31')).toEqual([]);
    const user = podWith((p) => (p.spec['containers'][0].securityContext.seLinuxOptions = { user: 'root', type: 'spc_t' }));
    expect(verdict(user, 'baseline@latest').failures[0]?.detail).toBe(
      'container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set',
    );
  });

  it('reads seccomp from the alpha annotations before v1.19 and from the field from v1.19', () => {
    const annotated = podWith((p) => (p.metadata['annotations'] = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }));
    expect(failing(annotated, 'baseline@v1.18')).toEqual(['seccompProfile_baseline']);
    expect(failing(annotated, 'baseline@v1.19')).toEqual([]);
    const field = podWith((p) => (p.spec['containers'][0].securityContext.seccompProfile = { type: 'Unconfined' }));
    expect(failing(field, 'baseline@v1.18')).toEqual([]);
    expect(failing(field, 'baseline@v1.19')).toEqual(['seccompProfile_baseline']);
  });

  it('grows the safe sysctl list by version', () => {
    const withSysctl = (name: string) => podWith((p) => (p.spec['securityContext'].sysctls = [{ name, value: '1' }]));
    const boundaries: [string, number][] = [
      ['net.ipv4.ip_local_reserved_ports', 27],
      ['net.ipv4.tcp_keepalive_time', 29],
      ['net.ipv4.tcp_rmem', 32],
      ['net.ipv4.tcp_slow_start_after_idle', 37],
    ];
    for (const [name, minor] of boundaries) {
      expect(failing(withSysctl(name), `baseline@v1.${minor - 1}`), name).toEqual(['sysctls']);
      expect(failing(withSysctl(name), `baseline@v1.${minor}`), name).toEqual([]);
    }
    expect(failing(withSysctl('kernel.shm_rmid_forced'), 'baseline@v1.0')).toEqual([]);
    expect(verdict(withSysctl('kernel.msgmax'), 'baseline@latest').failures[0]?.detail).toBe('kernel.msgmax');
  });

  it('forbids probe and lifecycle hosts from v1.34', () => {
    const pod = podWith((p) => (p.spec['containers'][0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }));
    expect(failing(pod, 'baseline@v1.33')).toEqual([]);
    expect(verdict(pod, 'baseline@v1.34').failures).toEqual([
      {
        check: 'hostProbesAndHostLifecycle', allowed: false, reason: 'probe or lifecycle host',
        detail: 'container "app" uses probe or lifecycle host "10.0.0.1"',
      },
    ]);
    const hook = podWith((p) => (p.spec['initContainers'][0].lifecycle = { preStop: { tcpSocket: { host: 'h', port: 1 } } }));
    expect(failing(hook, 'baseline@latest')).toEqual(['hostProbesAndHostLifecycle']);
  });

  it('forbids Windows HostProcess at pod or container level', () => {
    const pod = podWith((p) => (p.spec['securityContext'].windowsOptions = { hostProcess: true }));
    expect(failing(pod, 'baseline@v1.0')).toEqual(['windowsHostProcess']);
  });
});

describe('restricted controls', () => {
  it('accepts the restricted pod at every version', () => {
    for (let minor = 0; minor <= 40; minor++) expect(failing(restrictedPod(), `restricted@v1.${minor}`)).toEqual([]);
  });

  it('requires allowPrivilegeEscalation=false from v1.8', () => {
    const pod = podWith((p) => delete p.spec['containers'][0].securityContext.allowPrivilegeEscalation);
    expect(failing(pod, 'restricted@v1.7')).toEqual([]);
    expect(failing(pod, 'restricted@v1.8')).toEqual(['allowPrivilegeEscalation']);
  });

  it('requires drop ALL from v1.22, and allows adding back only NET_BIND_SERVICE', () => {
    const noDrop = podWith((p) => delete p.spec['containers'][0].securityContext.capabilities);
    expect(failing(noDrop, 'restricted@v1.21')).toEqual([]);
    expect(failing(noDrop, 'restricted@v1.22')).toEqual(['capabilities_restricted']);
    const chown = podWith((p) => (p.spec['containers'][0].securityContext.capabilities.add = ['CHOWN']));
    expect(failing(chown, 'restricted@v1.21')).toEqual([]);
    expect(verdict(chown, 'restricted@v1.22').failures[0]?.detail).toBe(
      'container "app" must not include "CHOWN" in securityContext.capabilities.add',
    );
    const bind = podWith((p) => (p.spec['containers'][0].securityContext.capabilities.add = ['NET_BIND_SERVICE']));
    expect(failing(bind, 'restricted@latest')).toEqual([]);
  });

  it('requires a seccomp profile from v1.19, at pod level or on every container', () => {
    const unset = podWith((p) => delete p.spec['securityContext'].seccompProfile);
    expect(failing(unset, 'restricted@v1.18')).toEqual([]);
    expect(failing(unset, 'restricted@v1.19')).toEqual(['seccompProfile_restricted']);
    const perContainer = podWith((p) => {
      delete p.spec['securityContext'].seccompProfile;
      for (const c of [...p.spec['containers'], ...p.spec['initContainers']]) c.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    });
    expect(failing(perContainer, 'restricted@latest')).toEqual([]);
  });

  it('requires runAsNonRoot at pod level or on every container, and forbids false anywhere', () => {
    const unset = podWith((p) => delete p.spec['securityContext'].runAsNonRoot);
    expect(verdict(unset, 'restricted@v1.0').failures[0]?.detail).toBe(
      'pod or containers "init", "app" must set securityContext.runAsNonRoot=true',
    );
    const falseOnOne = podWith((p) => (p.spec['containers'][0].securityContext.runAsNonRoot = false));
    expect(verdict(falseOnOne, 'restricted@latest').failures[0]?.detail).toBe(
      'container "app" must not set securityContext.runAsNonRoot=false',
    );
  });

  it('forbids runAsUser 0 from v1.23', () => {
    const root = podWith((p) => (p.spec['securityContext'].runAsUser = 0));
    expect(failing(root, 'restricted@v1.22')).toEqual([]);
    expect(failing(root, 'restricted@v1.23')).toEqual(['runAsUser']);
    expect(failing(podWith((p) => (p.spec['securityContext'].runAsUser = 1000)), 'restricted@latest')).toEqual([]);
  });

  it('allows only the listed volume types; an unnamed source is emptyDir after defaulting', () => {
    const pod = podWith((p) => (p.spec['volumes'] = [
      { name: 'a', nfs: { server: 's', path: '/' } },
      { name: 'b', image: { reference: 'r' } },
      { name: 'c' },
      { name: 'd', hostPath: { path: '/' } },
    ]));
    expect(verdict(pod, 'restricted@latest').failures).toEqual([
      {
        check: 'restrictedVolumes', allowed: false, reason: 'restricted volume types',
        detail: 'volumes "a", "d" use restricted volume types "hostPath", "nfs"',
      },
    ]);
  });
});

describe('Windows pods (spec.os.name: windows)', () => {
  const windows = podWith((p) => {
    p.spec['os'] = { name: 'windows' };
    for (const c of [...p.spec['containers'], ...p.spec['initContainers']]) delete c.securityContext;
    delete p.spec['securityContext'].seccompProfile;
  });

  it('are exempt from the Linux-only restricted controls from v1.25', () => {
    expect(failing(windows, 'restricted@v1.24')).toEqual([
      'allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted',
    ]);
    expect(failing(windows, 'restricted@v1.25')).toEqual([]);
  });

  it('still need runAsNonRoot and may not use HostProcess', () => {
    const hostProcess = { ...windows, spec: { ...windows.spec, securityContext: { windowsOptions: { hostProcess: true } } } };
    expect(failing(hostProcess, 'restricted@latest')).toEqual(['windowsHostProcess', 'runAsNonRoot']);
  });
});

describe('user-namespaced pods (spec.hostUsers: false)', () => {
  const userNs = (tweak: (p: ReturnType<typeof restrictedPod>) => void) =>
    podWith((p) => {
      p.spec['hostUsers'] = false;
      tweak(p);
    });

  it('relax runAsNonRoot and runAsUser from v1.35', () => {
    const pod = userNs((p) => Object.assign(p.spec['securityContext'], { runAsNonRoot: false, runAsUser: 0 }));
    expect(failing(pod, 'restricted@v1.34')).toEqual(['runAsNonRoot', 'runAsUser']);
    expect(failing(pod, 'restricted@v1.35')).toEqual([]);
  });

  it('relax procMount at baseline from v1.35, but never at restricted', () => {
    const pod = userNs((p) => (p.spec['containers'][0].securityContext.procMount = 'Unmasked'));
    expect(failing(pod, 'baseline@v1.34')).toEqual(['procMount']);
    expect(failing(pod, 'baseline@v1.35')).toEqual([]);
    expect(failing(pod, 'restricted@v1.34')).toEqual(['procMount']);
    expect(failing(pod, 'restricted@v1.35')).toEqual(['procMount_restricted']);
  });

  it('only apply to an explicit false', () => {
    const pod = podWith((p) => (p.spec['securityContext'].runAsNonRoot = false));
    expect(failing(pod, 'restricted@latest')).toEqual(['runAsNonRoot']);
  });
});

describe('messages and robustness', () => {
  it('formats failures as upstream does: reason (detail), ...', () => {
    const pod = podWith((p) => {
      p.spec['hostPID'] = true;
      delete p.spec['containers'][0].securityContext.allowPrivilegeEscalation;
    });
    expect(formatPsaFailures(verdict(pod, 'restricted@latest').failures)).toBe(
      'host namespaces (hostPID=true), allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });

  it('never throws on any input shape', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.constantFrom('baseline', 'restricted') as fc.Arbitrary<'baseline' | 'restricted'>, (metadata, spec, level) => {
        const result = evaluatePod({ metadata, spec }, level, 'latest');
        expect(typeof result.allowed).toBe('boolean');
      }),
    );
    expect(() => evaluatePod(null as never, 'restricted', 'latest')).not.toThrow();
  });

  it('evaluates an unknown level as restricted, as upstream does', () => {
    const unset = podWith((p) => delete p.spec['securityContext'].runAsNonRoot);
    expect(evaluatePod(unset, 'strict' as never, 'latest').failures.map((f) => f.check)).toEqual(['runAsNonRoot']);
  });

  it('reads a wrongly typed field as unset', () => {
    const pod = podWith((p) => (p.spec['containers'] = [{ name: 'x', securityContext: 'nope', ports: 'none' }, null]));
    expect(failing(pod, 'baseline@latest')).toEqual([]);
    expect(failing(pod, 'restricted@latest')).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted']);
  });
});
