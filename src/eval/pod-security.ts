import type { PodSecurity, PssControl, PssLevel } from '../ir/index.js';
import { isObject, valueAt, type Json } from './values.js';

/**
 * The IR's own Pod Security semantics (semantics §4): the Pod Security Standards checks, per level and version,
 * as the Kubernetes Pod Security Admission library applies them. Written from the standards page
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/) and the version table of the upstream
 * test data, independently of the PSA engine in src/engines/psa.
 */

export interface PodSecurityOutcome {
  readonly allowed: boolean;
  readonly failedControls: readonly PssControl[];
  /** Upstream check ids, e.g. `capabilities_restricted`. */
  readonly failedChecks: readonly string[];
}

/** Whether a control is exempted, for the pod as a whole (no container) or for one container. */
export type PssExempt = (control: PssControl, container?: unknown) => boolean;

/** Kubernetes v1.37 is the newest version the standards are defined for; `latest` means it. */
export const latestPssMinor = 37;

interface Ctx {
  readonly meta: unknown;
  readonly spec: unknown;
  /** Every container (containers, initContainers, ephemeralContainers) the check's control is not exempted for. */
  readonly containers: readonly unknown[];
  /** The pod-level fields count (the control is not exempted for the pod). */
  readonly podLevel: boolean;
}

/** A rule that holds from `since` (a minor version) until a newer rule of the same check takes over. */
interface RuleVersion {
  readonly since: number;
  readonly violated: (c: Ctx) => boolean;
}

interface Check {
  readonly id: string;
  readonly control: PssControl;
  readonly level: 'baseline' | 'restricted';
  /** Baseline checks this one replaces at the restricted level while one of its rules is in force. */
  readonly replaces?: string;
  readonly rules: readonly RuleVersion[];
}

const containerLists = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function allContainers(spec: unknown): unknown[] {
  return containerLists.flatMap((k) => {
    const list = valueAt(spec, [k]);
    return Array.isArray(list) ? list : [];
  });
}

const sc = (container: unknown, ...path: string[]): Json | undefined => valueAt(container, ['securityContext', ...path]);
const podSc = (c: Ctx, ...path: string[]): Json | undefined => (c.podLevel ? valueAt(c.spec, ['securityContext', ...path]) : undefined);
const anyContainer = (c: Ctx, f: (container: unknown) => boolean): boolean => c.containers.some(f);
const isWindows = (c: Ctx): boolean => valueAt(c.spec, ['os', 'name']) === 'windows';
const userNamespaced = (c: Ctx): boolean => valueAt(c.spec, ['hostUsers']) === false;
const nonEmpty = (v: Json | undefined): boolean => v !== undefined && v !== '';
const allowedOrUnset = (v: Json | undefined, allowed: readonly string[]): boolean => v === undefined || (typeof v === 'string' && allowed.includes(v));

/** Annotations `<prefix><container name>`, each with the container it names (undefined when none has that name). */
function containerAnnotations(c: Ctx, prefix: string): { value: Json; container: unknown }[] {
  const annotations = valueAt(c.meta, ['annotations']);
  if (!isObject(annotations)) return [];
  const out: { value: Json; container: unknown }[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    out.push({ value, container: allContainers(c.spec).find((x) => valueAt(x, ['name']) === name) });
  }
  return out;
}

/** Annotation checks: a container-scoped annotation counts unless its container is exempted (or, unmatched, the pod). */
function annotationViolated(c: Ctx, prefix: string, ok: (v: Json) => boolean): boolean {
  return containerAnnotations(c, prefix).some(({ value, container }) => !ok(value) && (container === undefined ? c.podLevel : c.containers.includes(container)));
}

/** The pod's volumes, or none when the pod-level control is exempted. */
function volumes(c: Ctx): Json[] {
  const list = valueAt(c.spec, ['volumes']);
  return c.podLevel && Array.isArray(list) ? list : [];
}

function hostPorts(container: unknown): boolean {
  const ports = valueAt(container, ['ports']);
  return Array.isArray(ports) && ports.some((p) => {
    const h = valueAt(p, ['hostPort']);
    return h !== undefined && h !== 0;
  });
}

function hostNamespaces(c: Ctx): boolean {
  return c.podLevel && ['hostNetwork', 'hostPID', 'hostIPC'].some((k) => valueAt(c.spec, [k]) === true);
}

const baselineCapabilities = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];

function addsOnly(container: unknown, allowed: readonly string[]): boolean {
  const add = sc(container, 'capabilities', 'add');
  return !Array.isArray(add) || add.every((x) => typeof x === 'string' && allowed.includes(x));
}

function dropsAll(container: unknown): boolean {
  const drop = sc(container, 'capabilities', 'drop');
  return Array.isArray(drop) && drop.includes('ALL');
}

const handlerHosts = (handler: unknown): (Json | undefined)[] => [valueAt(handler, ['httpGet', 'host']), valueAt(handler, ['tcpSocket', 'host'])];

function hostProbes(container: unknown): boolean {
  const handlers = [...['livenessProbe', 'readinessProbe', 'startupProbe'].map((p) => valueAt(container, [p])), ...['postStart', 'preStop'].map((h) => valueAt(container, ['lifecycle', h]))];
  return handlers.some((h) => handlerHosts(h).some(nonEmpty));
}

const appArmorTypes = ['RuntimeDefault', 'Localhost'];
const appArmorAnnotationOk = (v: Json): boolean => v === '' || v === 'runtime/default' || (typeof v === 'string' && v.startsWith('localhost/'));

function appArmor(c: Ctx): boolean {
  if (!allowedOrUnset(podSc(c, 'appArmorProfile', 'type'), appArmorTypes)) return true;
  if (anyContainer(c, (x) => !allowedOrUnset(sc(x, 'appArmorProfile', 'type'), appArmorTypes))) return true;
  return annotationViolated(c, 'container.apparmor.security.beta.kubernetes.io/', appArmorAnnotationOk);
}

function seLinux(types: readonly string[]): (c: Ctx) => boolean {
  const bad = (o: Json | undefined) => isObject(o) && (!allowedOrUnset(o['type'] ?? undefined, ['', ...types]) || nonEmpty(o['user'] ?? undefined) || nonEmpty(o['role'] ?? undefined));
  return (c) => bad(podSc(c, 'seLinuxOptions')) || anyContainer(c, (x) => bad(sc(x, 'seLinuxOptions')));
}

const procMountSet = (x: unknown): boolean => {
  const v = sc(x, 'procMount');
  return v !== undefined && v !== 'Default';
};

const seccompAnnotationOk = (v: Json): boolean => v === 'runtime/default' || v === 'docker/default' || (typeof v === 'string' && v.startsWith('localhost/'));
const seccompTypes = ['RuntimeDefault', 'Localhost'];

function seccompAnnotations(c: Ctx): boolean {
  const pod = valueAt(c.meta, ['annotations', 'seccomp.security.alpha.kubernetes.io/pod']);
  if (c.podLevel && pod !== undefined && !seccompAnnotationOk(pod)) return true;
  return annotationViolated(c, 'container.seccomp.security.alpha.kubernetes.io/', seccompAnnotationOk);
}

function seccompFields(c: Ctx): boolean {
  return !allowedOrUnset(podSc(c, 'seccompProfile', 'type'), seccompTypes) || anyContainer(c, (x) => !allowedOrUnset(sc(x, 'seccompProfile', 'type'), seccompTypes));
}

/** Restricted seccomp: every container's effective type (its own, else the pod's) must be set and allowed. */
function seccompRestricted(c: Ctx): boolean {
  if (seccompFields(c)) return true;
  const pod = valueAt(c.spec, ['securityContext', 'seccompProfile', 'type']);
  return anyContainer(c, (x) => (sc(x, 'seccompProfile', 'type') ?? pod) === undefined);
}

const sysctls1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const sysctls1_27 = [...sysctls1_0, 'net.ipv4.ip_local_reserved_ports'];
const sysctls1_29 = [...sysctls1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const sysctls1_32 = [...sysctls1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const sysctls1_37 = [...sysctls1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctls(allowed: readonly string[]): (c: Ctx) => boolean {
  return (c) => {
    const list = podSc(c, 'sysctls');
    return Array.isArray(list) && list.some((s) => !allowedOrUnset(valueAt(s, ['name']) ?? '', allowed));
  };
}

const restrictedVolumeTypes = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/** A volume with no source at all is an emptyDir (the API server's default), so only sources outside the list count. */
function restrictedVolumes(c: Ctx): boolean {
  return volumes(c).some((v) => isObject(v) && Object.entries(v).some(([k, x]) => k !== 'name' && x !== null && !restrictedVolumeTypes.has(k)));
}

function runAsNonRoot(c: Ctx): boolean {
  const pod = valueAt(c.spec, ['securityContext', 'runAsNonRoot']);
  if (c.podLevel && pod === false) return true;
  return anyContainer(c, (x) => {
    const own = sc(x, 'runAsNonRoot');
    return own === false || (own === undefined && pod !== true);
  });
}

const unlessWindows = (f: (c: Ctx) => boolean) => (c: Ctx) => !isWindows(c) && f(c);
const unlessUserNamespaced = (f: (c: Ctx) => boolean) => (c: Ctx) => !userNamespaced(c) && f(c);

const procMountBaseline = (c: Ctx) => anyContainer(c, procMountSet);
const privilegeEscalation = (c: Ctx) => anyContainer(c, (x) => sc(x, 'allowPrivilegeEscalation') !== false);
const capabilitiesRestricted = (c: Ctx) => anyContainer(c, (x) => !dropsAll(x) || !addsOnly(x, ['NET_BIND_SERVICE']));
const runAsUser = (c: Ctx) => podSc(c, 'runAsUser') === 0 || anyContainer(c, (x) => sc(x, 'runAsUser') === 0);

/** The checks, in upstream order; `rules` are ordered oldest first. */
const checks: readonly Check[] = [
  { id: 'windowsHostProcess', control: 'host-process', level: 'baseline', rules: [{ since: 0, violated: (c) => podSc(c, 'windowsOptions', 'hostProcess') === true || anyContainer(c, (x) => sc(x, 'windowsOptions', 'hostProcess') === true) }] },
  { id: 'hostNamespaces', control: 'host-namespaces', level: 'baseline', rules: [{ since: 0, violated: hostNamespaces }] },
  { id: 'privileged', control: 'privileged', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, (x) => sc(x, 'privileged') === true) }] },
  { id: 'capabilities_baseline', control: 'capabilities', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, (x) => !addsOnly(x, baselineCapabilities)) }] },
  { id: 'hostPathVolumes', control: 'host-path-volumes', level: 'baseline', rules: [{ since: 0, violated: (c) => volumes(c).some((v) => valueAt(v, ['hostPath']) !== undefined) }] },
  { id: 'hostPorts', control: 'host-ports', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, hostPorts) }] },
  { id: 'hostProbesAndHostLifecycle', control: 'host-probes', level: 'baseline', rules: [{ since: 34, violated: (c) => anyContainer(c, hostProbes) }] },
  { id: 'appArmorProfile', control: 'apparmor', level: 'baseline', rules: [{ since: 0, violated: appArmor }] },
  { id: 'seLinuxOptions', control: 'selinux', level: 'baseline', rules: [{ since: 0, violated: seLinux(['container_t', 'container_init_t', 'container_kvm_t']) }, { since: 31, violated: seLinux(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']) }] },
  { id: 'procMount', control: 'proc-mount', level: 'baseline', rules: [{ since: 0, violated: procMountBaseline }, { since: 35, violated: unlessUserNamespaced(procMountBaseline) }] },
  { id: 'seccompProfile_baseline', control: 'seccomp', level: 'baseline', rules: [{ since: 0, violated: seccompAnnotations }, { since: 19, violated: seccompFields }] },
  { id: 'sysctls', control: 'sysctls', level: 'baseline', rules: [{ since: 0, violated: sysctls(sysctls1_0) }, { since: 27, violated: sysctls(sysctls1_27) }, { since: 29, violated: sysctls(sysctls1_29) }, { since: 32, violated: sysctls(sysctls1_32) }, { since: 37, violated: sysctls(sysctls1_37) }] },
  { id: 'allowPrivilegeEscalation', control: 'privilege-escalation', level: 'restricted', rules: [{ since: 8, violated: privilegeEscalation }, { since: 25, violated: unlessWindows(privilegeEscalation) }] },
  { id: 'capabilities_restricted', control: 'capabilities', level: 'restricted', replaces: 'capabilities_baseline', rules: [{ since: 22, violated: capabilitiesRestricted }, { since: 25, violated: unlessWindows(capabilitiesRestricted) }] },
  { id: 'procMount_restricted', control: 'proc-mount', level: 'restricted', replaces: 'procMount', rules: [{ since: 35, violated: procMountBaseline }] },
  { id: 'restrictedVolumes', control: 'volume-types', level: 'restricted', replaces: 'hostPathVolumes', rules: [{ since: 0, violated: restrictedVolumes }] },
  { id: 'runAsNonRoot', control: 'run-as-non-root', level: 'restricted', rules: [{ since: 0, violated: runAsNonRoot }, { since: 35, violated: unlessUserNamespaced(runAsNonRoot) }] },
  { id: 'runAsUser', control: 'run-as-user', level: 'restricted', rules: [{ since: 23, violated: runAsUser }, { since: 35, violated: unlessUserNamespaced(runAsUser) }] },
  { id: 'seccompProfile_restricted', control: 'seccomp', level: 'restricted', replaces: 'seccompProfile_baseline', rules: [{ since: 19, violated: seccompRestricted }, { since: 25, violated: unlessWindows(seccompRestricted) }] },
];

/** The newest rule of a check in force at a minor version, if any. */
function ruleAt(check: Check, minor: number): RuleVersion | undefined {
  let found: RuleVersion | undefined;
  for (const r of check.rules) if (r.since <= minor) found = r;
  return found;
}

export function pssMinor(version: PodSecurity['version']): number {
  return version === 'latest' ? latestPssMinor : version.minor;
}

/**
 * Evaluates a pod view ({metadata, spec}) at a level and version. `exempt(control, container?)` says whether a
 * control is exempted: container-level fields ask per container (image-scoped exemptions), pod-level fields
 * ask without one. The privileged level allows everything.
 */
export function evaluatePodSecurity(pod: unknown, level: PssLevel, version: PodSecurity['version'], exempt: PssExempt = () => false): PodSecurityOutcome {
  if (level === 'privileged') return { allowed: true, failedControls: [], failedChecks: [] };
  const minor = pssMinor(version);
  const meta = valueAt(pod, ['metadata']);
  const spec = valueAt(pod, ['spec']);
  const active = checks
    .filter((k) => k.level === 'baseline' || level === 'restricted')
    .map((k) => ({ check: k, rule: ruleAt(k, minor) }))
    .filter((a): a is { check: Check; rule: RuleVersion } => a.rule !== undefined);
  const replaced = new Set(active.flatMap((a) => (a.check.replaces ? [a.check.replaces] : [])));
  const failedChecks: string[] = [];
  const failedControls = new Set<PssControl>();
  for (const { check, rule } of active) {
    if (replaced.has(check.id)) continue;
    const ctx: Ctx = { meta, spec, containers: allContainers(spec).filter((x) => !exempt(check.control, x)), podLevel: !exempt(check.control) };
    if (rule.violated(ctx)) {
      failedChecks.push(check.id);
      failedControls.add(check.control);
    }
  }
  return { allowed: failedChecks.length === 0, failedControls: [...failedControls], failedChecks };
}
