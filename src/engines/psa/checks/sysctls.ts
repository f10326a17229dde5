import { asList, asText, objectAt, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "Sysctls": only the "safe", namespaced sysctls may be set; the safe list grows with
 * the policy version (v1.27, v1.29, v1.32, v1.37).
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
const allowed1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const allowed1_27 = [...allowed1_0, 'net.ipv4.ip_local_reserved_ports'];
const allowed1_29 = [
  ...allowed1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const allowed1_32 = [...allowed1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const allowed1_37 = [...allowed1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctls(allowedNames: readonly string[]): (pod: PodView) => CheckOutcome {
  const safe = new Set(allowedNames);
  return (pod) => {
    const names = asList(pod.securityContext?.['sysctls']).map((sysctl) => asText(objectAt(sysctl)?.['name']));
    const bad = names.filter((name) => !safe.has(name));
    return bad.length === 0 ? allowed : forbidden('forbidden sysctls', bad.join(', '));
  };
}

export const sysctlsCheck: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  revisions: [
    { minMinor: 0, run: sysctls(allowed1_0) },
    { minMinor: 27, run: sysctls(allowed1_27) },
    { minMinor: 29, run: sysctls(allowed1_29) },
    { minMinor: 32, run: sysctls(allowed1_32) },
    { minMinor: 37, run: sysctls(allowed1_37) },
  ],
};
