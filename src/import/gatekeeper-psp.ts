/**
 * gatekeeper-library `library/pod-security-policy` templates (read from their template.yaml with the search tools;
 * docs/import.md names the commits): their Constraints' parameters to one secpol rule each. The templates read
 * `spec.containers` and `spec.initContainers` (not ephemeral containers), so container tests are written
 * `every app container has … and every init container has …`; those whose Rego skips exempt containers
 * (`lib.exempt_container.is_exempt`) get their exemptImages as `exception exempt-images` (gatekeeper.ts). A library
 * version that reads other lists or skips UPDATE requests behaves differently: `--verify` then reports it (SP3002).
 *
 * Truthiness follows Rego: a body expression such as `c.securityContext.privileged` holds when the value is defined
 * and not `false`; the API server types these fields as booleans, objects or strings, so `= true` / `exists` say
 * the same on the objects admission sees.
 */
import { literal } from './text.js';
import { no, ok, type Translation, type YamlPathStep } from './model.js';

type Json = Record<string, unknown>;
export interface PspRule { readonly rule: string; readonly body: string; readonly on?: string }

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const escapeRegex = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

/**
 * What a library version of a template reads, from its Rego: the older versions take `spec.containers` and
 * `spec.initContainers`, the later ones `spec.ephemeralContainers` too and skip UPDATE requests
 * (`not is_update(input.review)`, lib.exclude_update: these fields are immutable on a running pod).
 */
export interface PspShape { readonly ephemeral: boolean; readonly skipsUpdate: boolean }

export function pspShape(rego: string): PspShape {
  // `spec.ephemeralContainers[_]`, or (rego.v1 versions) `some type in ["containers", …, "ephemeralContainers"]`.
  return { ephemeral: /\.spec\.ephemeralContainers\b|"ephemeralContainers"/.test(rego), skipsUpdate: /\bnot\s+is_update\s*\(\s*input\.review\s*\)/.test(rego) };
}

const onOf = (shape: PspShape) => (shape.skipsUpdate ? { on: 'on create' } : {});

/** The same test on the container lists the template's input_containers read. */
function containers(shape: PspShape, q: 'every' | 'any', test: string): string {
  if (shape.ephemeral) return `${q} container has ${test}`;
  return `${q} app container has ${test} ${q === 'every' ? 'and' : 'or'} ${q} init container has ${test}`;
}

/** The kinds whose Rego skips exempt containers (is_exempt in input_containers or the violation). */
export const pspReadsExemptImages: ReadonlySet<string> = new Set([
  'K8sPSPPrivilegedContainer',
  'K8sPSPAllowPrivilegeEscalationContainer',
  'K8sPSPReadOnlyRootFilesystem',
  'K8sPSPHostNetworkingPorts',
  'K8sPSPProcMount',
  'K8sPSPHostProcess',
  'K8sPSPAllowedUsers',
  'K8sPSPSELinuxV2',
]);

/** K8sPSPPrivilegedContainer (package k8spspprivileged): `c.securityContext.privileged` holds. */
export const translatePrivileged = (shape: PspShape): Translation<PspRule> =>
  ok({ rule: 'no-privileged-containers', body: `forbid ${containers(shape, 'any', 'securityContext.privileged = true')}`, ...onOf(shape) });

/** K8sPSPHostNamespace (package k8spsphostnamespace): `o.spec.hostPID` or `o.spec.hostIPC` holds. */
export const translateHostNamespace = (shape: PspShape): Translation<PspRule> => ok({ rule: 'no-host-namespaces', body: 'forbid spec.hostPID = true or spec.hostIPC = true', ...onOf(shape) });

/**
 * K8sPSPAllowPrivilegeEscalationContainer: reported unless `c.securityContext.allowPrivilegeEscalation == false`
 * (its has_field(c, "securityContext") clause only adds the containers without a securityContext, which that
 * test reports as well).
 */
export const translateAllowPrivilegeEscalation = (shape: PspShape): Translation<PspRule> =>
  ok({ rule: 'no-privilege-escalation', body: `require ${containers(shape, 'every', 'securityContext.allowPrivilegeEscalation = false')}`, ...onOf(shape) });

/** K8sPSPReadOnlyRootFilesystem: reported unless `c.securityContext.readOnlyRootFilesystem == true`. */
export const translateReadOnlyRootFilesystem = (shape: PspShape): Translation<PspRule> =>
  ok({ rule: 'read-only-root-filesystem', body: `require ${containers(shape, 'every', 'securityContext.readOnlyRootFilesystem = true')}`, ...onOf(shape) });

/**
 * K8sPSPHostNetworkingPorts: `spec.hostNetwork` unless parameters.hostNetwork holds, and a hostPort of a non-exempt
 * container below `min` or above `max`. A comparison with an absent bound is undefined in Rego (no report); a bound
 * of another type is compared by OPA's type order (a number is below every string), which is not translated.
 */
export function translateHostNetworkingPorts(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const allowNetwork = p['hostNetwork'];
  if (allowNetwork !== undefined && typeof allowNetwork !== 'boolean') return no('a hostNetwork that is not a boolean', [...at, 'hostNetwork']);
  const port: string[] = [];
  for (const [key, op] of [['min', '<'], ['max', '>']] as const) {
    const v = p[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) return no(`a ${key} that is not an integer (OPA compares it with a hostPort by type order)`, [...at, key]);
    port.push(`hostPort ${op} ${String(v)}`);
  }
  const parts: string[] = [];
  if (allowNetwork !== true) parts.push('spec.hostNetwork = true');
  if (port.length) {
    const test = `any port has ${port.length === 1 ? port[0]! : `(${port.join(' or ')})`}`;
    parts.push(containers(shape, 'any', test));
  }
  if (parts.length === 0) return no('parameters that allow hostNetwork and give no port range (the template then never reports anything)', at);
  return ok({ rule: 'host-network-ports', body: `forbid ${parts.join(' or ')}`, ...onOf(shape) });
}

/**
 * K8sPSPProcMount: containers whose securityContext.procMount holds, when the allowed type (parameters.procMount,
 * lower-cased; "default" when absent) is "default", are reported unless their procMount lower-cased is "default".
 * Any other parameter value makes get_allowed_proc_mount give two outputs, an eval_conflict_error.
 */
export function translateProcMount(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const v = p['procMount'];
  if (v !== undefined && typeof v !== 'string') return no('a procMount that is not a string', [...at, 'procMount']);
  const allowed = v === undefined || v === '' ? 'default' : v.toLowerCase();
  if (allowed === 'unmasked') return no('procMount Unmasked (the template then never reports anything)', [...at, 'procMount']);
  if (allowed !== 'default') return no(`the procMount ${JSON.stringify(v)} (neither Default nor Unmasked: the template's get_allowed_proc_mount then gives two values, a Rego conflict error)`, [...at, 'procMount']);
  const test = `(securityContext.procMount exists and not securityContext.procMount matches regex ${literal('^[Dd][Ee][Ff][Aa][Uu][Ll][Tt]$')})`;
  return ok({ rule: 'proc-mount', body: `forbid ${containers(shape, 'any', test)}`, ...onOf(shape) });
}

/**
 * The volume sources of core/v1 Volume (k8s.io/api core/v1 VolumeSource). K8sPSPVolumeTypes reports every key of a
 * volume other than `name` that the allow-list leaves out; the objects admission sees carry only these keys.
 */
const VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'fc',
  'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi', 'nfs', 'persistentVolumeClaim',
  'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
];

/** K8sPSPVolumeTypes: a volume key outside parameters.volumes (unless it lists "*"). */
export function translateVolumeTypes(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  // The message formats parameters.volumes: without it sprintf is undefined and nothing is reported.
  if (p['volumes'] === undefined) return no('parameters without volumes (the template\'s message then is undefined and it never reports anything)', at);
  const allowed = strings(p['volumes']);
  if (!allowed) return no('parameters.volumes that is not a list of strings', [...at, 'volumes']);
  if (allowed.includes('*')) return no('volumes "*" (the template then never reports anything)', [...at, 'volumes']);
  const unknown = allowed.find((v) => !VOLUME_SOURCES.includes(v));
  if (unknown !== undefined) return no(`the volume type ${JSON.stringify(unknown)} (not a core/v1 volume source)`, [...at, 'volumes']);
  const banned = VOLUME_SOURCES.filter((v) => !allowed.includes(v));
  return ok({ rule: 'volume-types', body: `forbid any volume has (${banned.map((b) => `${b} exists`).join(' or ')})`, ...onOf(shape) });
}

/**
 * K8sPSPForbiddenSysctls: a sysctl name is reported when it is forbidden, and when it is not allowed. How an entry
 * matches depends on the library version, told apart by its Rego:
 *
 * - older (`startswith(sysctl, trim(entry, "*"))`): every entry is a prefix once the `*`s at both ends are trimmed
 *   ("*" forbids all); without allowedSysctls the second violation's message formats the missing list, so it is
 *   never reported;
 * - later (`endswith(entry, "*")` then `trim_suffix`): "*" matches all, an entry ending in `*` is a prefix, any
 *   other entry is an exact name; without allowedSysctls every name is allowed.
 *
 * With allowedSysctls `[]` both versions report every sysctl.
 */
export function translateForbiddenSysctls(p: Json, at: YamlPathStep[], shape: PspShape, rego: string): Translation<PspRule> {
  const later = /endswith\(\s*forbidden\s*,\s*"\*"\s*\)/.test(rego) && /endswith\(\s*allowed\s*,\s*"\*"\s*\)/.test(rego);
  const older = /trim\(\s*input\.parameters\.forbiddenSysctls\[_\]\s*,\s*"\*"\s*\)/.test(rego) && /trim\(\s*input\.parameters\.allowedSysctls\[_\]\s*,\s*"\*"\s*\)/.test(rego);
  if (later === older) return no('a version of the template whose sysctl matching is not one the importer knows (a prefix after trimming `*`, or an exact name unless the entry ends in `*`)', at);
  const lists: Record<string, string[] | undefined> = {};
  for (const key of ['forbiddenSysctls', 'allowedSysctls'] as const) {
    if (p[key] === undefined) continue;
    const l = strings(p[key]);
    if (!l) return no(`parameters.${key} that is not a list of strings`, [...at, key]);
    lists[key] = l;
  }
  const entry = (x: string) => (older ? escapeRegex(x.replace(/^\*+|\*+$/g, '')) : x === '*' ? '' : x.endsWith('*') ? escapeRegex(x.slice(0, -1)) : `${escapeRegex(x)}$`);
  const names = (l: string[]) => `name matches regex ${literal(`^(${l.map(entry).join('|')})`)}`;
  const parts: string[] = [];
  const forbidden = lists['forbiddenSysctls'] ?? [];
  if (forbidden.length) parts.push(names(forbidden));
  const allowed = lists['allowedSysctls'];
  if (allowed !== undefined) parts.push(allowed.length === 0 ? 'name exists' : `name exists and not ${names(allowed)}`);
  if (parts.length === 0) return no('parameters without forbiddenSysctls entries and without allowedSysctls (the template then never reports anything)', at);
  return ok({ rule: 'forbidden-sysctls', body: `forbid any item in spec.securityContext.sysctls has (${parts.join(' or ')})`, ...onOf(shape) });
}

/**
 * K8sPSPHostFilesystem: a hostPath volume is reported when allowedHostPaths is empty or absent, or no entry allows
 * it. An entry allows a path when its pathPrefix's segments (split on "/" after trimming the slashes at both ends;
 * "/" has none) start the path's; entries with readOnly true also need every app and init container mounting
 * that volume (by name) to mount it read-only, a join of a volume with the mounts naming it that secpol cannot
 * write, so those entries are not imported.
 */
export function translateHostFilesystem(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const entries = p['allowedHostPaths'] === undefined ? [] : p['allowedHostPaths'];
  if (!Array.isArray(entries)) return no('parameters.allowedHostPaths that is not a list', [...at, 'allowedHostPaths']);
  const alts: string[] = [];
  for (const [i, e] of entries.entries()) {
    if (!isMap(e)) return no('an allowedHostPaths entry that is not a map', [...at, 'allowedHostPaths', i]);
    const ro = e['readOnly'];
    if (ro !== undefined && typeof ro !== 'boolean') return no('a readOnly that is not a boolean', [...at, 'allowedHostPaths', i, 'readOnly']);
    if (ro === true) return no('an allowedHostPaths entry with readOnly: true (allowed only when every container mounting that volume by name mounts it read-only: secpol cannot relate a volume to the mounts that name it)', [...at, 'allowedHostPaths', i, 'readOnly']);
    const prefix = e['pathPrefix'];
    if (prefix === undefined) continue; // path_matches(undefined, …) is undefined: the entry allows nothing
    if (typeof prefix !== 'string') return no('a pathPrefix that is not a string', [...at, 'allowedHostPaths', i, 'pathPrefix']);
    if (prefix === '/') return no('a pathPrefix "/" without readOnly (the template then allows every host path and never reports anything)', [...at, 'allowedHostPaths', i, 'pathPrefix']);
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    if (trimmed === '') return no(`the pathPrefix ${JSON.stringify(prefix)} (only slashes: its one empty segment matches paths of slashes only)`, [...at, 'allowedHostPaths', i, 'pathPrefix']);
    alts.push(`^/*${escapeRegex(trimmed)}(/.*)?$`);
  }
  const allowed = alts.length ? ` and not hostPath.path matches regex ${literal(alts.length === 1 ? alts[0]! : alts.map((a) => `(${a})`).join('|'))}` : '';
  return ok({ rule: 'host-filesystem', body: `forbid any volume has (hostPath exists${allowed})`, ...onOf(shape) });
}

/**
 * K8sPSPHostProcess: `spec.securityContext.windowsOptions.hostProcess == true` on the pod (whatever its containers'
 * images), or on a non-exempt container.
 */
export const translateHostProcess = (shape: PspShape): Translation<PspRule> =>
  ok({ rule: 'no-host-process', body: `forbid spec.securityContext.windowsOptions.hostProcess = true or ${containers(shape, 'any', 'securityContext.windowsOptions.hostProcess = true')}`, ...onOf(shape) });

/** `ranges` of {min, max} integers as `(X >= min and X <= max) or …`; undefined when absent (the Rego then accepts nothing). */
function ranges(v: unknown, path: string, at: YamlPathStep[]): Translation<string | undefined> {
  if (v === undefined) return ok(undefined);
  if (!Array.isArray(v) || v.length === 0) return no('ranges that are not a non-empty list', at);
  const alts: string[] = [];
  for (const [i, r] of v.entries()) {
    const lo = isMap(r) ? r['min'] : undefined;
    const hi = isMap(r) ? r['max'] : undefined;
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) return no('a range without integer min and max', [...at, i]);
    alts.push(`${path} >= ${String(lo)} and ${path} <= ${String(hi)}`);
  }
  return ok(alts.length === 1 ? alts[0]! : alts.map((x) => `(${x})`).join(' or '));
}

/**
 * K8sPSPAllowedUsers (runAsUser, runAsGroup, supplementalGroups, fsGroup, each `{rule, ranges}`): a container's value
 * is its securityContext's, else the pod's (`effective`); fsGroup and supplementalGroups exist on the pod only.
 * MustRunAs needs the value and one range holding it; MayRunAs needs a range holding it when present;
 * MustRunAsNonRoot (runAsUser) needs a non-zero user, or no user and runAsNonRoot true; RunAsAny and a missing rule
 * check nothing. Without `ranges`, runAsUser reports every value (accept_users reads the missing ranges in its
 * body) while the group fields report none (the missing `params.ranges` is a call argument under `not`, evaluated
 * before the negation); MustRunAs still needs the group field present.
 * Not translated: supplementalGroups ranges (a numeric test on every element of a list of numbers), pod-level
 * fields together with exemptImages (a pod whose containers are all exempt is not reported), rules outside the
 * template's enum.
 */
export function translateAllowedUsers(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const perContainer: string[] = [];
  const perPod: string[] = [];
  for (const field of ['runAsUser', 'runAsGroup', 'supplementalGroups', 'fsGroup'] as const) {
    const params = p[field];
    if (params === undefined) continue;
    const fat = [...at, field];
    if (!isMap(params)) return no(`parameters.${field} that is not a map`, fat);
    const rule = params['rule'];
    if (rule === undefined || rule === 'RunAsAny') continue;
    const allowed = field === 'runAsUser' ? ['MustRunAs', 'MustRunAsNonRoot'] : ['MustRunAs', 'MayRunAs'];
    if (typeof rule !== 'string' || !allowed.includes(rule)) return no(`the ${field} rule ${JSON.stringify(rule)} (the template's enum: RunAsAny, ${allowed.join(', ')})`, [...fat, 'rule']);
    if (field === 'runAsUser' && rule === 'MustRunAsNonRoot') {
      perContainer.push('(effective runAsUser exists and effective runAsUser != 0 or effective runAsUser is absent and effective runAsNonRoot = true)');
      continue;
    }
    if (field === 'supplementalGroups') return no('supplementalGroups with MustRunAs or MayRunAs (every element of a list of numbers within ranges: secpol tests a list of numbers only by membership)', [...fat, 'rule']);
    const pod = field === 'fsGroup';
    const path = pod ? 'spec.securityContext.fsGroup' : `effective ${field}`;
    const r = ranges(params['ranges'], path, [...fat, 'ranges']);
    if (!r.ok) return r;
    if (r.value === undefined) {
      // runAsUser reads its ranges inside accept_users, so a value is reported; the group checks pass
      // params.ranges as an argument under `not`, which OPA evaluates first: undefined, nothing reported.
      if (field === 'runAsUser') return no('runAsUser MustRunAs without ranges (the template then reports every pod)', fat);
      if (rule === 'MustRunAs') (pod ? perPod : perContainer).push(`${path} exists`);
      continue;
    }
    const test = rule === 'MustRunAs' ? `(${path} exists and (${r.value}))` : `(${path} is absent or ${r.value})`;
    (pod ? perPod : perContainer).push(test);
  }
  if (perPod.length && p['exemptImages'] !== undefined) return no('fsGroup checked together with exemptImages (the template skips a pod whose containers are all exempt)', [...at, 'exemptImages']);
  const parts: string[] = [];
  if (perContainer.length) parts.push(containers(shape, 'every', perContainer.length === 1 ? perContainer[0]! : `(${perContainer.join(' and ')})`));
  parts.push(...perPod);
  if (parts.length === 0) return no('parameters that check no field (the template then never reports anything)', at);
  return ok({ rule: 'allowed-users', body: `require ${parts.join(' and ')}`, ...onOf(shape) });
}

/**
 * K8sPSPFSGroup (rule, ranges): MustRunAs allows a pod whose spec.securityContext.fsGroup is in a range, MayRunAs also
 * one without it (`not spec.securityContext.fsGroup`), RunAsAny every pod; any other rule, or MustRunAs without
 * ranges, allows none.
 */
export function translateFsGroup(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const rule = p['rule'];
  if (rule === 'RunAsAny') return no('rule RunAsAny (the template then never reports anything)', [...at, 'rule']);
  if (rule !== 'MustRunAs' && rule !== 'MayRunAs') return no(`the rule ${JSON.stringify(rule)} (neither MustRunAs, MayRunAs nor RunAsAny: the template then reports every pod)`, [...at, 'rule']);
  const path = 'spec.securityContext.fsGroup';
  const r = p['ranges'] === undefined || (Array.isArray(p['ranges']) && p['ranges'].length === 0) ? ok(undefined) : ranges(p['ranges'], path, [...at, 'ranges']);
  if (!r.ok) return r;
  if (r.value === undefined) {
    if (rule === 'MustRunAs') return no('MustRunAs without ranges (the template then reports every pod)', at);
    return ok({ rule: 'fs-group', body: `require ${path} is absent`, ...onOf(shape) });
  }
  return ok({ rule: 'fs-group', body: rule === 'MustRunAs' ? `require ${path} exists and (${r.value})` : `require ${path} is absent or ${r.value}`, ...onOf(shape) });
}

/**
 * K8sPSPFlexVolumes: a volume with a flexVolume whose driver no allowedFlexVolumes entry names. The message formats
 * parameters.allowedFlexVolumes, so without it nothing is reported.
 */
export function translateFlexVolumes(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const list = p['allowedFlexVolumes'];
  if (list === undefined) return no('parameters without allowedFlexVolumes (the template\'s message then is undefined and it never reports anything)', at);
  if (!Array.isArray(list)) return no('allowedFlexVolumes that is not a list', [...at, 'allowedFlexVolumes']);
  const drivers: string[] = [];
  for (const [i, e] of list.entries()) {
    if (!isMap(e)) return no('an allowedFlexVolumes entry that is not a map', [...at, 'allowedFlexVolumes', i]);
    const d = e['driver'];
    if (d === undefined) continue;
    if (typeof d !== 'string') return no('a driver that is not a string', [...at, 'allowedFlexVolumes', i, 'driver']);
    drivers.push(d);
  }
  const allowed = drivers.length ? ` and not flexVolume.driver in [${[...new Set(drivers)].map((d) => literal(d)).join(', ')}]` : '';
  return ok({ rule: 'flex-volumes', body: `forbid any volume has (flexVolume exists${allowed})`, ...onOf(shape) });
}

/**
 * K8sPSPSELinuxV2 (allowedSELinuxOptions): the pod's and each container's securityContext.seLinuxOptions, when set,
 * must fit one entry: for each of level, role, type and user, the option is absent or equals the entry's (an entry
 * without that key allows only its absence). The messages format parameters.allowedSELinuxOptions: without it nothing
 * is reported.
 */
export function translateSELinux(p: Json, at: YamlPathStep[], shape: PspShape): Translation<PspRule> {
  const list = p['allowedSELinuxOptions'];
  if (list === undefined) return no('parameters without allowedSELinuxOptions (the template\'s message then is undefined and it never reports anything)', at);
  if (!Array.isArray(list)) return no('allowedSELinuxOptions that is not a list', [...at, 'allowedSELinuxOptions']);
  const fits: string[][] = [];
  for (const [i, e] of list.entries()) {
    if (!isMap(e)) return no('an allowedSELinuxOptions entry that is not a map', [...at, 'allowedSELinuxOptions', i]);
    const tests: string[] = [];
    for (const f of ['level', 'role', 'type', 'user'] as const) {
      const v = e[f];
      if (v !== undefined && typeof v !== 'string') return no(`a ${f} that is not a string`, [...at, 'allowedSELinuxOptions', i, f]);
      tests.push(v === undefined ? `seLinuxOptions.${f} is absent` : `(seLinuxOptions.${f} is absent or seLinuxOptions.${f} = ${literal(v)})`);
    }
    fits.push(tests);
  }
  const bad = (prefix: string) => {
    const allowed = fits.map((t) => t.map((x) => x.replace(/seLinuxOptions\./g, `${prefix}seLinuxOptions.`)).join(' and '));
    return `${prefix}seLinuxOptions exists${allowed.length ? ` and not (${allowed.length === 1 ? allowed[0]! : allowed.map((x) => `(${x})`).join(' or ')})` : ''}`;
  };
  const body = `forbid ${bad('spec.securityContext.')} or ${containers(shape, 'any', `(${bad('securityContext.')})`)}`;
  return ok({ rule: 'selinux', body, ...onOf(shape) });
}

/** Templates whose Rego reads what the secpol language cannot express, with the construct it lacks. */
export const pspInexpressible: Readonly<Record<string, string>> = {
  K8sPSPAppArmor: 'reads each container\'s profile from the annotation container.apparmor.security.beta.kubernetes.io/<container name>, a key built from the name of the container being checked; secpol paths name fixed keys',
  K8sPSPSeccomp: 'reads each container\'s profile from the annotation container.seccomp.security.alpha.kubernetes.io/<container name>, a key built from the name of the container being checked (with the pod annotation and securityContext as fallbacks); secpol paths name fixed keys',
  K8sPSPHostProbesLifecycle: 'returns a container\'s probes (liveness, readiness, startup) and its postStart and preStop hooks through functions of one clause each, so a container with two different probes, or with both hooks, makes OPA stop with eval_conflict_error (functions must not produce multiple outputs for same inputs), which Gatekeeper reports as a failed review; secpol rules cannot test that two probe objects differ',
  K8sPSPCapabilities: 'compares capability names case-insensitively (lower() of both the allowed or required list and the container\'s add/drop lists); secpol compares list elements exactly',
};
