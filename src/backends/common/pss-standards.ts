/**
 * The value lists of the Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * per Kubernetes version where they changed. Shared data of the backends that compile `pod-security` to explicit
 * checks (Gatekeeper Rego, Kyverno JMESPath); the reference semantics in src/eval keeps its own copy on purpose,
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
