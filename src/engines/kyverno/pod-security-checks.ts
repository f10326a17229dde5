/**
 * The Pod Security Standards controls (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * encoded here for the `validate.podSecurity` subrule. Each check reports its violations as field errors (pod-level
 * fields, or container fields naming the container), which is the granularity Kyverno's exclusions work at.
 */
import { asArray, asString, isObject, type JsonObject } from './types.js';

export type Level = 'baseline' | 'restricted';
/** [major, minor]; `latest` is represented by Infinity. */
export type Version = readonly [number, number];

export interface ContainerRef {
  readonly group: 'containers' | 'initContainers' | 'ephemeralContainers';
  readonly name: string;
  readonly image: string;
}

/** One field error, as the Pod Security Admission library reports it with field errors enabled. */
export interface Site {
  /** Absent for pod-level fields. */
  readonly container?: ContainerRef;
  /** The field with indices written `[*]` (`spec.containers[*].securityContext.privileged`). */
  readonly field: string;
  /** The offending values (empty when a required field is missing). */
  readonly values: readonly unknown[];
  readonly detail: string;
}

export interface Check {
  readonly id: string;
  readonly level: Level;
  readonly reason: string;
  /** Minimum versions at which the check (or a variant of it) starts to apply. */
  readonly since: readonly Version[];
  readonly sites: (meta: JsonObject, spec: JsonObject, version: Version) => Site[];
}

const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});
const atLeast = (v: Version, major: number, minor: number): boolean => v[0] > major || (v[0] === major && v[1] >= minor);

export function containersOf(spec: JsonObject): { ref: ContainerRef; c: JsonObject }[] {
  const out: { ref: ContainerRef; c: JsonObject }[] = [];
  for (const group of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    for (const c of asArray(spec[group])) {
      if (!isObject(c)) continue;
      out.push({ ref: { group, name: asString(c['name']) ?? '', image: asString(c['image']) ?? '' }, c });
    }
  }
  return out;
}

const sc = (c: JsonObject): JsonObject => obj(c['securityContext']);
const podSc = (spec: JsonObject): JsonObject => obj(spec['securityContext']);
const field = (ref: ContainerRef, rest: string): string => `spec.${ref.group}[*].${rest}`;
const isWindows = (spec: JsonObject): boolean => asString(obj(spec['os'])['name'])?.toLowerCase() === 'windows';

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);
const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

function hostProcess(_m: JsonObject, spec: JsonObject): Site[] {
  const sites: Site[] = [];
  if (obj(podSc(spec)['windowsOptions'])['hostProcess'] === true) {
    sites.push({ field: 'spec.securityContext.windowsOptions.hostProcess', values: [true], detail: 'pod must not set securityContext.windowsOptions.hostProcess=true' });
  }
  for (const { ref, c } of containersOf(spec)) {
    if (obj(sc(c)['windowsOptions'])['hostProcess'] === true) {
      sites.push({ container: ref, field: field(ref, 'securityContext.windowsOptions.hostProcess'), values: [true], detail: `container "${ref.name}" must not set securityContext.windowsOptions.hostProcess=true` });
    }
  }
  return sites;
}

function hostNamespaces(_m: JsonObject, spec: JsonObject): Site[] {
  return (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((k) => spec[k] === true)
    .map((k) => ({ field: `spec.${k}`, values: [true], detail: `${k}=true` }));
}

function containerFlag(spec: JsonObject, path: string, test: (c: JsonObject) => unknown[] | undefined, detail: (ref: ContainerRef, values: unknown[]) => string): Site[] {
  const sites: Site[] = [];
  for (const { ref, c } of containersOf(spec)) {
    const values = test(c);
    if (values && values.length > 0) sites.push({ container: ref, field: field(ref, path), values, detail: detail(ref, values) });
  }
  return sites;
}

const privileged = (_m: JsonObject, spec: JsonObject): Site[] =>
  containerFlag(spec, 'securityContext.privileged', (c) => (sc(c)['privileged'] === true ? [true] : undefined), (r) => `container "${r.name}" must not set securityContext.privileged=true`);

const capabilitiesBaseline = (_m: JsonObject, spec: JsonObject): Site[] =>
  containerFlag(
    spec,
    'securityContext.capabilities.add',
    (c) => asArray(obj(sc(c)['capabilities'])['add']).filter((cap) => !BASELINE_CAPS.has(String(cap))),
    (r, v) => `container "${r.name}" must not include ${v.map((x) => `"${String(x)}"`).join(', ')} in securityContext.capabilities.add`,
  );

function hostPathVolumes(_m: JsonObject, spec: JsonObject): Site[] {
  return asArray(spec['volumes'])
    .filter((v) => isObject(v) && v['hostPath'] !== undefined && v['hostPath'] !== null)
    .map((v) => ({ field: 'spec.volumes[*].hostPath', values: [obj(v)['hostPath']], detail: `volume "${asString(obj(v)['name']) ?? ''}" uses hostPath` }));
}

function hostPorts(_m: JsonObject, spec: JsonObject): Site[] {
  const sites: Site[] = [];
  for (const { ref, c } of containersOf(spec)) {
    for (const port of asArray(c['ports'])) {
      const hostPort = obj(port)['hostPort'];
      if (hostPort === undefined || hostPort === null || hostPort === 0) continue;
      sites.push({ container: ref, field: field(ref, 'ports[*].hostPort'), values: [hostPort], detail: `container "${ref.name}" uses hostPort ${String(hostPort)}` });
    }
  }
  return sites;
}

function appArmor(meta: JsonObject, spec: JsonObject): Site[] {
  const sites: Site[] = [];
  for (const [k, v] of Object.entries(obj(meta['annotations']))) {
    if (!k.startsWith('container.apparmor.security.beta.kubernetes.io/')) continue;
    const value = String(v ?? '');
    if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
    sites.push({ field: `metadata.annotations[${k}]`, values: [value], detail: `annotation ${k}="${value}"` });
  }
  const podProfile = podSc(spec)['appArmorProfile'];
  if (isObject(podProfile) && !SECCOMP_OK.has(String(podProfile['type']))) {
    sites.push({ field: 'spec.securityContext.appArmorProfile.type', values: [podProfile['type']], detail: `pod must not set AppArmor profile type to "${String(podProfile['type'])}"` });
  }
  return [
    ...sites,
    ...containerFlag(
      spec,
      'securityContext.appArmorProfile.type',
      (c) => {
        const p = sc(c)['appArmorProfile'];
        return isObject(p) && !SECCOMP_OK.has(String(p['type'])) ? [p['type']] : undefined;
      },
      (r, v) => `container "${r.name}" must not set AppArmor profile type to "${String(v[0])}"`,
    ),
  ];
}

function seLinux(_m: JsonObject, spec: JsonObject, version: Version): Site[] {
  const types = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', ...(atLeast(version, 1, 31) ? ['container_engine_t'] : [])]);
  const check = (opts: unknown, prefix: string, who: string, container?: ContainerRef): Site[] => {
    if (!isObject(opts)) return [];
    const out: Site[] = [];
    const type = String(opts['type'] ?? '');
    if (!types.has(type)) out.push({ ...(container ? { container } : {}), field: `${prefix}.type`, values: [type], detail: `${who} set forbidden securityContext.seLinuxOptions: type "${type}"` });
    for (const key of ['user', 'role'] as const) {
      const value = String(opts[key] ?? '');
      if (value !== '') out.push({ ...(container ? { container } : {}), field: `${prefix}.${key}`, values: [value], detail: `${who} set forbidden securityContext.seLinuxOptions: ${key} may not be set` });
    }
    return out;
  };
  return [
    ...check(podSc(spec)['seLinuxOptions'], 'spec.securityContext.seLinuxOptions', 'pod'),
    ...containersOf(spec).flatMap(({ ref, c }) => check(sc(c)['seLinuxOptions'], field(ref, 'securityContext.seLinuxOptions'), `container "${ref.name}"`, ref)),
  ];
}

const procMount = (_m: JsonObject, spec: JsonObject): Site[] =>
  containerFlag(
    spec,
    'securityContext.procMount',
    (c) => {
      const v = sc(c)['procMount'];
      return v !== undefined && v !== null && v !== 'Default' ? [v] : undefined;
    },
    (r, v) => `container "${r.name}" must not set securityContext.procMount to "${String(v[0])}"`,
  );

function seccompBaseline(meta: JsonObject, spec: JsonObject, version: Version): Site[] {
  if (!atLeast(version, 1, 19)) {
    return Object.entries(obj(meta['annotations']))
      .filter(([k, v]) => (k === 'seccomp.security.alpha.kubernetes.io/pod' || k.startsWith('container.seccomp.security.alpha.kubernetes.io/')) && v === 'unconfined')
      .map(([k]) => ({ field: `metadata.annotations[${k}]`, values: ['unconfined'], detail: `annotation ${k}="unconfined"` }));
  }
  const sites: Site[] = [];
  if (obj(podSc(spec)['seccompProfile'])['type'] === 'Unconfined') {
    sites.push({ field: 'spec.securityContext.seccompProfile.type', values: ['Unconfined'], detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"' });
  }
  return [
    ...sites,
    ...containerFlag(
      spec,
      'securityContext.seccompProfile.type',
      (c) => (obj(sc(c)['seccompProfile'])['type'] === 'Unconfined' ? ['Unconfined'] : undefined),
      (r) => `container "${r.name}" must not set securityContext.seccompProfile.type to "Unconfined"`,
    ),
  ];
}

function sysctls(_m: JsonObject, spec: JsonObject, version: Version): Site[] {
  const allowed = new Set(atLeast(version, 1, 32) ? SYSCTLS_1_32 : atLeast(version, 1, 29) ? SYSCTLS_1_29 : atLeast(version, 1, 27) ? SYSCTLS_1_27 : SYSCTLS_1_0);
  const bad = asArray(podSc(spec)['sysctls'])
    .map((s) => obj(s)['name'])
    .filter((n) => !allowed.has(String(n)));
  return bad.map((name) => ({ field: 'spec.securityContext.sysctls[*].name', values: [name], detail: String(name) }));
}

function hostProbes(_m: JsonObject, spec: JsonObject): Site[] {
  const hosts = (c: JsonObject): unknown[] => {
    const out: unknown[] = [];
    const handlers = [c['livenessProbe'], c['readinessProbe'], c['startupProbe'], obj(c['lifecycle'])['postStart'], obj(c['lifecycle'])['preStop']];
    for (const h of handlers) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = obj(obj(h)[kind])['host'];
        if (typeof host === 'string' && host !== '') out.push(host);
      }
    }
    return out;
  };
  return containerFlag(spec, 'probe or lifecycle host', hosts, (r, v) => `container "${r.name}" uses probe or lifecycle host ${v.map((x) => `"${String(x)}"`).join(', ')}`);
}

function restrictedVolumes(_m: JsonObject, spec: JsonObject): Site[] {
  const sites: Site[] = [];
  for (const v of asArray(spec['volumes'])) {
    const volume = obj(v);
    const types = Object.keys(volume).filter((k) => k !== 'name' && volume[k] !== null && volume[k] !== undefined);
    if (types.some((t) => RESTRICTED_VOLUMES.has(t))) continue;
    const type = types[0] ?? 'unknown';
    sites.push({ field: `spec.volumes[*].${type}`, values: [], detail: `volume "${asString(volume['name']) ?? ''}" uses restricted volume type "${type}"` });
  }
  return sites;
}

const allowPrivilegeEscalation = (_m: JsonObject, spec: JsonObject, version: Version): Site[] =>
  atLeast(version, 1, 25) && isWindows(spec)
    ? []
    : containerFlag(
        spec,
        'securityContext.allowPrivilegeEscalation',
        (c) => (sc(c)['allowPrivilegeEscalation'] === false ? undefined : sc(c)['allowPrivilegeEscalation'] === true ? [true] : ['']),
        (r) => `container "${r.name}" must set securityContext.allowPrivilegeEscalation=false`,
      );

function runAsNonRoot(_m: JsonObject, spec: JsonObject): Site[] {
  const podValue = podSc(spec)['runAsNonRoot'];
  const sites: Site[] = [];
  if (podValue === false) sites.push({ field: 'spec.securityContext.runAsNonRoot', values: [false], detail: 'pod must not set securityContext.runAsNonRoot=false' });
  for (const { ref, c } of containersOf(spec)) {
    const value = sc(c)['runAsNonRoot'];
    if (value === false) {
      sites.push({ container: ref, field: field(ref, 'securityContext.runAsNonRoot'), values: [false], detail: `container "${ref.name}" must not set securityContext.runAsNonRoot=false` });
    } else if (value !== true && podValue !== true) {
      sites.push({ container: ref, field: field(ref, 'securityContext.runAsNonRoot'), values: [], detail: `pod or container "${ref.name}" must set securityContext.runAsNonRoot=true` });
    }
  }
  return sites;
}

function runAsUser(_m: JsonObject, spec: JsonObject): Site[] {
  const sites: Site[] = [];
  if (podSc(spec)['runAsUser'] === 0) sites.push({ field: 'spec.securityContext.runAsUser', values: [0], detail: 'pod must not set runAsUser=0' });
  return [...sites, ...containerFlag(spec, 'securityContext.runAsUser', (c) => (sc(c)['runAsUser'] === 0 ? [0] : undefined), (r) => `container "${r.name}" must not set runAsUser=0`)];
}

function seccompRestricted(_m: JsonObject, spec: JsonObject, version: Version): Site[] {
  if (atLeast(version, 1, 25) && isWindows(spec)) return [];
  const podProfile = podSc(spec)['seccompProfile'];
  const podType = isObject(podProfile) ? podProfile['type'] : undefined;
  const sites: Site[] = [];
  if (podType !== undefined && !SECCOMP_OK.has(String(podType))) {
    sites.push({ field: 'spec.securityContext.seccompProfile.type', values: [podType], detail: `pod must not set securityContext.seccompProfile.type to "${String(podType)}"` });
  }
  const podOk = podType !== undefined && SECCOMP_OK.has(String(podType));
  for (const { ref, c } of containersOf(spec)) {
    const profile = sc(c)['seccompProfile'];
    const type = isObject(profile) ? profile['type'] : undefined;
    if (type !== undefined) {
      if (!SECCOMP_OK.has(String(type))) {
        sites.push({ container: ref, field: field(ref, 'securityContext.seccompProfile.type'), values: [type], detail: `container "${ref.name}" must not set securityContext.seccompProfile.type to "${String(type)}"` });
      }
    } else if (!podOk) {
      sites.push({ container: ref, field: field(ref, 'securityContext.seccompProfile.type'), values: [], detail: `pod or container "${ref.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` });
    }
  }
  return sites;
}

function capabilitiesRestricted(_m: JsonObject, spec: JsonObject, version: Version): Site[] {
  if (atLeast(version, 1, 25) && isWindows(spec)) return [];
  const sites: Site[] = [];
  for (const { ref, c } of containersOf(spec)) {
    const caps = obj(sc(c)['capabilities']);
    const drop = asArray(caps['drop']);
    if (!drop.includes('ALL')) {
      sites.push({ container: ref, field: field(ref, 'securityContext.capabilities.drop'), values: [], detail: `container "${ref.name}" must set securityContext.capabilities.drop=["ALL"]` });
    }
    const added = asArray(caps['add']).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      sites.push({ container: ref, field: field(ref, 'securityContext.capabilities.add'), values: added, detail: `container "${ref.name}" must not include ${added.map((x) => `"${String(x)}"`).join(', ')} in securityContext.capabilities.add` });
    }
  }
  return sites;
}

export const CHECKS: readonly Check[] = [
  { id: 'windowsHostProcess', level: 'baseline', reason: 'hostProcess', since: [[1, 0]], sites: hostProcess },
  { id: 'hostNamespaces', level: 'baseline', reason: 'host namespaces', since: [[1, 0]], sites: hostNamespaces },
  { id: 'privileged', level: 'baseline', reason: 'privileged', since: [[1, 0]], sites: privileged },
  { id: 'capabilities_baseline', level: 'baseline', reason: 'non-default capabilities', since: [[1, 0]], sites: capabilitiesBaseline },
  { id: 'hostPathVolumes', level: 'baseline', reason: 'hostPath volumes', since: [[1, 0]], sites: hostPathVolumes },
  { id: 'hostPorts', level: 'baseline', reason: 'hostPort', since: [[1, 0]], sites: hostPorts },
  { id: 'appArmorProfile', level: 'baseline', reason: 'forbidden AppArmor profile', since: [[1, 0]], sites: appArmor },
  { id: 'seLinuxOptions', level: 'baseline', reason: 'seLinuxOptions', since: [[1, 0], [1, 31]], sites: seLinux },
  { id: 'procMount', level: 'baseline', reason: 'procMount', since: [[1, 0]], sites: procMount },
  { id: 'seccompProfile_baseline', level: 'baseline', reason: 'seccompProfile', since: [[1, 0], [1, 19]], sites: seccompBaseline },
  { id: 'sysctls', level: 'baseline', reason: 'forbidden sysctls', since: [[1, 0], [1, 27], [1, 29], [1, 32]], sites: sysctls },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', reason: 'probe or lifecycle host', since: [[1, 34]], sites: hostProbes },
  { id: 'restrictedVolumes', level: 'restricted', reason: 'restricted volume types', since: [[1, 0]], sites: restrictedVolumes },
  { id: 'allowPrivilegeEscalation', level: 'restricted', reason: 'allowPrivilegeEscalation != false', since: [[1, 8], [1, 25]], sites: allowPrivilegeEscalation },
  { id: 'runAsNonRoot', level: 'restricted', reason: 'runAsNonRoot != true', since: [[1, 0]], sites: runAsNonRoot },
  { id: 'runAsUser', level: 'restricted', reason: 'runAsUser=0', since: [[1, 23]], sites: runAsUser },
  { id: 'seccompProfile_restricted', level: 'restricted', reason: 'seccompProfile', since: [[1, 19], [1, 25]], sites: seccompRestricted },
  { id: 'capabilities_restricted', level: 'restricted', reason: 'unrestricted capabilities', since: [[1, 22], [1, 25]], sites: capabilitiesRestricted },
];

/** Kyverno's control names (as written in `exclude[].controlName`) to check IDs. */
export const CONTROL_CHECKS: Readonly<Record<string, readonly string[]>> = {
  Capabilities: ['capabilities_baseline', 'capabilities_restricted'],
  Seccomp: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  'Privileged Containers': ['privileged'],
  'Host Ports': ['hostPorts'],
  '/proc Mount Type': ['procMount'],
  HostProcess: ['windowsHostProcess'],
  SELinux: ['seLinuxOptions'],
  'Host Namespaces': ['hostNamespaces'],
  'HostPath Volumes': ['hostPathVolumes'],
  Sysctls: ['sysctls'],
  AppArmor: ['appArmorProfile'],
  'Host Probes / Lifecycle Hooks': ['hostProbesAndHostLifecycle'],
  'Privilege Escalation': ['allowPrivilegeEscalation'],
  'Running as Non-root': ['runAsNonRoot'],
  'Running as Non-root user': ['runAsUser'],
  'Volume Types': ['restrictedVolumes'],
};
