import type { PodSecurity, PssControl, PssLevel } from '../../ir/index.js';

/**
 * The value lists of the Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * per Kubernetes version where they changed, and which check is in force at a level and version. Shared data of
 * the backends that compile `pod-security` to explicit checks (Gatekeeper Rego, Kyverno JMESPath, VAP CEL); the reference semantics in src/eval keeps its own copy on purpose,
 * so `secpol verify` and the PSA fixtures still check each backend against an independent reading.
 */
export const baselineCapabilities = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
/** Allowed SELinux types; v1.31 adds container_engine_t. */
export const seLinuxTypes = ['container_t', 'container_init_t', 'container_kvm_t'];
export const sysctls1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
export const sysctls1_27 = [...sysctls1_0, 'net.ipv4.ip_local_reserved_ports'];
export const sysctls1_29 = [...sysctls1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
export const sysctls1_32 = [...sysctls1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
export const sysctls1_37 = [...sysctls1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];
export const restrictedVolumeTypes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/** Kubernetes v1.37 is the newest version the standards are defined for; `latest` means it. */
export const latestPssMinor = 37;

export function pssMinor(version: PodSecurity['version']): number {
  return version === 'latest' ? latestPssMinor : version.minor;
}

/**
 * One Pod Security Standards check as every backend tables it: its PSA id, the control exceptions name, the level
 * that introduced it, the baseline check it tightens (restricted only), and its rule versions, oldest first, each
 * written in the backend's own language (R).
 */
export interface PssCheck<R extends { readonly since: number }> {
  readonly id: string;
  readonly control: PssControl;
  readonly level: 'baseline' | 'restricted';
  readonly replaces?: string;
  readonly rules: readonly R[];
}

/** The checks in force at a level and version, each with its newest rule version (restricted checks replace the baseline ones they tighten). */
export function activePssChecks<R extends { readonly since: number }, C extends PssCheck<R>>(checks: readonly C[], level: PssLevel, minor: number): { readonly check: C; readonly rule: R }[] {
  if (level === 'privileged') return [];
  const active = checks
    .filter((k) => k.level === 'baseline' || level === 'restricted')
    .map((check) => ({ check, rule: [...check.rules].reverse().find((r) => r.since <= minor) }))
    .filter((a): a is { check: C; rule: R } => a.rule !== undefined);
  const replaced = new Set(active.flatMap((a) => (a.check.replaces ? [a.check.replaces] : [])));
  return active.filter((a) => !replaced.has(a.check.id));
}
