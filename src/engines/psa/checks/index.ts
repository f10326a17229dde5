import { allowPrivilegeEscalationCheck } from './allow-privilege-escalation.js';
import { appArmorProfileCheck } from './app-armor-profile.js';
import { capabilitiesBaselineCheck, capabilitiesRestrictedCheck } from './capabilities.js';
import type { CheckDefinition } from './check.js';
import { hostNamespacesCheck } from './host-namespaces.js';
import { hostPathVolumesCheck } from './host-path-volumes.js';
import { hostPortsCheck } from './host-ports.js';
import { hostProbesAndHostLifecycleCheck } from './host-probes-and-host-lifecycle.js';
import { privilegedCheck } from './privileged.js';
import { procMountCheck, procMountRestrictedCheck } from './proc-mount.js';
import { restrictedVolumesCheck } from './restricted-volumes.js';
import { runAsNonRootCheck } from './run-as-non-root.js';
import { runAsUserCheck } from './run-as-user.js';
import { seLinuxOptionsCheck } from './se-linux-options.js';
import { seccompProfileBaselineCheck, seccompProfileRestrictedCheck } from './seccomp-profile.js';
import { sysctlsCheck } from './sysctls.js';
import { windowsHostProcessCheck } from './windows-host-process.js';

export type { CheckDefinition, CheckOutcome, CheckRevision } from './check.js';

/** Every check upstream enables by default (experimental, unversioned checks are not included). */
export const checkDefinitions: readonly CheckDefinition[] = [
  appArmorProfileCheck,
  capabilitiesBaselineCheck,
  hostNamespacesCheck,
  hostPathVolumesCheck,
  hostPortsCheck,
  hostProbesAndHostLifecycleCheck,
  privilegedCheck,
  procMountCheck,
  seLinuxOptionsCheck,
  seccompProfileBaselineCheck,
  sysctlsCheck,
  windowsHostProcessCheck,
  allowPrivilegeEscalationCheck,
  capabilitiesRestrictedCheck,
  procMountRestrictedCheck,
  restrictedVolumesCheck,
  runAsNonRootCheck,
  runAsUserCheck,
  seccompProfileRestrictedCheck,
];
