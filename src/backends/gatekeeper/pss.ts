import type { PodSecurity, PssControl, PssLevel } from '../../ir/index.js';
import type { RegoModule } from './library.js';
import { regoLiteral, regoPath, ruleText } from './rego-text.js';
import { activePssChecks, baselineCapabilities, pssMinor, restrictedVolumeTypes, seLinuxTypes, sysctls1_0, sysctls1_27, sysctls1_29, sysctls1_32, sysctls1_37, type PssCheck } from '../common/pss-standards.js';

/**
 * `pod-security LEVEL version v1.N` as Rego: the Pod Security Standards checks at that level and version,
 * as the Pod Security Admission library applies them (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 * version table in shared/corpora/psa/README.md). Level and version are known when compiling, so only the checks
 * (and rule versions) in force are emitted.
 */

/** How exceptions with `controls` reach the checks; the identity when no exception names controls. */
export interface PssExemptions {
  /** The containers a control's container-level fields are checked on. */
  containers(control: PssControl): string;
  /** Literals that hold when the control's pod-level fields count (not exempted for the pod). */
  podLevel(control: PssControl): string[];
  /** Literals that hold when a legacy annotation naming container `name` counts for the control. */
  annotation(control: PssControl, name: string): string[];
}

type AnnotationCheck = 'pss_apparmor_annotation_ok' | 'pss_seccomp_annotation_ok';

interface Ctx {
  readonly C: string;
  readonly P: readonly string[];
  readonly at: (x: string, ...path: string[]) => string;
  readonly list: (x: string, ...path: string[]) => string;
  /** value_at with a path of Rego terms (for a path with a variable step). */
  readonly field: (x: string, path: readonly string[]) => string;
  readonly annotated: (prefix: string, ok: AnnotationCheck) => string[];
}

interface RuleVersion {
  readonly since: number;
  /** Each body is one way to fail the check. */
  readonly bodies: (c: Ctx) => string[][];
}

type Check = PssCheck<RuleVersion>;

const pod = 'pod_view';
const notWindows = (c: Ctx) => `not ${c.at(pod, 'spec', 'os', 'name')} == "windows"`;
const notUserNamespaced = (c: Ctx) => `not ${c.at(pod, 'spec', 'hostUsers')} == false`;
/** A Rego array; a long one (the sysctl allow-lists) over several lines, so no line of the module is long. */
const list = (values: readonly (string | null)[]): string => {
  const items = values.map((v) => (v === null ? 'null' : regoLiteral(v)));
  if (items.join(', ').length <= 100) return `[${items.join(', ')}]`;
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] ?? '').length + item.length + 2 <= 90) lines[last] += `, ${item}`;
    else lines.push(item);
  }
  // The module writer indents every line of a rule body by one tab.
  return `[\n\t${lines.join(',\n\t')}\n]`;
};
const guarded = (guard: (c: Ctx) => string, f: RuleVersion['bodies']): RuleVersion['bodies'] => (c) => f(c).map((b) => [guard(c), ...b]);

const profileTypes = [null, 'RuntimeDefault', 'Localhost'];

/** Pod and container settings that must be unset or allowed. */
const podAndContainers = (c: Ctx, path: string[], allowed: string): string[][] => [
  [...c.P, `not ${c.at(pod, 'spec', 'securityContext', ...path)} in ${allowed}`],
  [`some c in ${c.C}`, `not ${c.at('c', 'securityContext', ...path)} in ${allowed}`],
];

const seLinux = (types: readonly string[]): RuleVersion['bodies'] => (c) => {
  const allowed = list([null, '', ...types]);
  const bad = (o: string) => [
    [`o := ${o}`, 'is_object(o)', `not ${c.at('o', 'type')} in ${allowed}`],
    [`o := ${o}`, 'is_object(o)', `not ${c.at('o', 'user')} in [null, ""]`],
    [`o := ${o}`, 'is_object(o)', `not ${c.at('o', 'role')} in [null, ""]`],
  ];
  return [...bad(c.at(pod, 'spec', 'securityContext', 'seLinuxOptions')).map((b) => [...c.P, ...b]), ...bad(c.at('c', 'securityContext', 'seLinuxOptions')).map((b) => [`some c in ${c.C}`, ...b])];
};

const sysctls = (allowed: readonly string[]): RuleVersion['bodies'] => (c) => [[...c.P, `some s in ${c.list(pod, 'spec', 'securityContext', 'sysctls')}`, `not ${c.at('s', 'name')} in ${list(allowed)}`]];

const procMount: RuleVersion['bodies'] = (c) => [[`some c in ${c.C}`, `not ${c.at('c', 'securityContext', 'procMount')} in [null, "Default"]`]];
const privilegeEscalation: RuleVersion['bodies'] = (c) => [[`some c in ${c.C}`, `${c.at('c', 'securityContext', 'allowPrivilegeEscalation')} != false`]];
const capabilitiesRestricted: RuleVersion['bodies'] = (c) => [
  [`some c in ${c.C}`, `not "ALL" in ${c.list('c', 'securityContext', 'capabilities', 'drop')}`],
  [`some c in ${c.C}`, `some capability in ${c.list('c', 'securityContext', 'capabilities', 'add')}`, `capability != "NET_BIND_SERVICE"`],
];
const runAsNonRoot: RuleVersion['bodies'] = (c) => [
  [...c.P, `${c.at(pod, 'spec', 'securityContext', 'runAsNonRoot')} == false`],
  [`some c in ${c.C}`, `${c.at('c', 'securityContext', 'runAsNonRoot')} == false`],
  [`some c in ${c.C}`, `${c.at('c', 'securityContext', 'runAsNonRoot')} == null`, `not ${c.at(pod, 'spec', 'securityContext', 'runAsNonRoot')} == true`],
];
const runAsUser: RuleVersion['bodies'] = (c) => [
  [...c.P, `${c.at(pod, 'spec', 'securityContext', 'runAsUser')} == 0`],
  [`some c in ${c.C}`, `${c.at('c', 'securityContext', 'runAsUser')} == 0`],
];
const seccompFields: RuleVersion['bodies'] = (c) => podAndContainers(c, ['seccompProfile', 'type'], list(profileTypes));
const seccompRestricted: RuleVersion['bodies'] = (c) => [
  ...seccompFields(c),
  [`some c in ${c.C}`, `${c.at('c', 'securityContext', 'seccompProfile', 'type')} == null`, `${c.at(pod, 'spec', 'securityContext', 'seccompProfile', 'type')} == null`],
];

/** The checks in upstream order; rule versions oldest first (mirrors src/eval/pod-security.ts, written from the same sources). */
const checks: readonly Check[] = [
  {
    id: 'windowsHostProcess', control: 'host-process', level: 'baseline',
    rules: [{ since: 0, bodies: (c) => [[...c.P, `${c.at(pod, 'spec', 'securityContext', 'windowsOptions', 'hostProcess')} == true`], [`some c in ${c.C}`, `${c.at('c', 'securityContext', 'windowsOptions', 'hostProcess')} == true`]] }],
  },
  { id: 'hostNamespaces', control: 'host-namespaces', level: 'baseline', rules: [{ since: 0, bodies: (c) => [[...c.P, 'some field in ["hostNetwork", "hostPID", "hostIPC"]', `${c.field(pod, ['"spec"', 'field'])} == true`]] }] },
  { id: 'privileged', control: 'privileged', level: 'baseline', rules: [{ since: 0, bodies: (c) => [[`some c in ${c.C}`, `${c.at('c', 'securityContext', 'privileged')} == true`]] }] },
  {
    id: 'capabilities_baseline', control: 'capabilities', level: 'baseline',
    rules: [{ since: 0, bodies: (c) => [[`some c in ${c.C}`, `some capability in ${c.list('c', 'securityContext', 'capabilities', 'add')}`, `not capability in ${list(baselineCapabilities)}`]] }],
  },
  { id: 'hostPathVolumes', control: 'host-path-volumes', level: 'baseline', rules: [{ since: 0, bodies: (c) => [[...c.P, `some volume in ${c.list(pod, 'spec', 'volumes')}`, `${c.at('volume', 'hostPath')} != null`]] }] },
  { id: 'hostPorts', control: 'host-ports', level: 'baseline', rules: [{ since: 0, bodies: (c) => [[`some c in ${c.C}`, `some port in ${c.list('c', 'ports')}`, `not ${c.at('port', 'hostPort')} in [null, 0]`]] }] },
  {
    id: 'hostProbesAndHostLifecycle', control: 'host-probes', level: 'baseline',
    rules: [{
      since: 34,
      bodies: (c) => [[
        `some c in ${c.C}`,
        `some handler in [${['livenessProbe', 'readinessProbe', 'startupProbe'].map((p) => c.at('c', p)).join(', ')}, ${c.at('c', 'lifecycle', 'postStart')}, ${c.at('c', 'lifecycle', 'preStop')}]`,
        `some host in [${c.at('handler', 'httpGet', 'host')}, ${c.at('handler', 'tcpSocket', 'host')}]`,
        'not host in [null, ""]',
      ]],
    }],
  },
  {
    id: 'appArmorProfile', control: 'apparmor', level: 'baseline',
    rules: [{ since: 0, bodies: (c) => [...podAndContainers(c, ['appArmorProfile', 'type'], list(profileTypes)), c.annotated('container.apparmor.security.beta.kubernetes.io/', 'pss_apparmor_annotation_ok')] }],
  },
  { id: 'seLinuxOptions', control: 'selinux', level: 'baseline', rules: [{ since: 0, bodies: seLinux(seLinuxTypes) }, { since: 31, bodies: seLinux([...seLinuxTypes, 'container_engine_t']) }] },
  { id: 'procMount', control: 'proc-mount', level: 'baseline', rules: [{ since: 0, bodies: procMount }, { since: 35, bodies: guarded(notUserNamespaced, procMount) }] },
  {
    id: 'seccompProfile_baseline', control: 'seccomp', level: 'baseline',
    rules: [
      {
        since: 0,
        bodies: (c) => [
          [...c.P, `annotation := ${c.at(pod, 'metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod')}`, 'annotation != null', 'not pss_seccomp_annotation_ok(annotation)'],
          c.annotated('container.seccomp.security.alpha.kubernetes.io/', 'pss_seccomp_annotation_ok'),
        ],
      },
      { since: 19, bodies: seccompFields },
    ],
  },
  { id: 'sysctls', control: 'sysctls', level: 'baseline', rules: [{ since: 0, bodies: sysctls(sysctls1_0) }, { since: 27, bodies: sysctls(sysctls1_27) }, { since: 29, bodies: sysctls(sysctls1_29) }, { since: 32, bodies: sysctls(sysctls1_32) }, { since: 37, bodies: sysctls(sysctls1_37) }] },
  { id: 'allowPrivilegeEscalation', control: 'privilege-escalation', level: 'restricted', rules: [{ since: 8, bodies: privilegeEscalation }, { since: 25, bodies: guarded(notWindows, privilegeEscalation) }] },
  { id: 'capabilities_restricted', control: 'capabilities', level: 'restricted', replaces: 'capabilities_baseline', rules: [{ since: 22, bodies: capabilitiesRestricted }, { since: 25, bodies: guarded(notWindows, capabilitiesRestricted) }] },
  { id: 'procMount_restricted', control: 'proc-mount', level: 'restricted', replaces: 'procMount', rules: [{ since: 35, bodies: procMount }] },
  {
    id: 'restrictedVolumes', control: 'volume-types', level: 'restricted', replaces: 'hostPathVolumes',
    rules: [{ since: 0, bodies: (c) => [[...c.P, `some volume in ${c.list(pod, 'spec', 'volumes')}`, 'is_object(volume)', 'some source, settings in volume', 'source != "name"', 'settings != null', `not source in ${list(restrictedVolumeTypes)}`]] }],
  },
  { id: 'runAsNonRoot', control: 'run-as-non-root', level: 'restricted', rules: [{ since: 0, bodies: runAsNonRoot }, { since: 35, bodies: guarded(notUserNamespaced, runAsNonRoot) }] },
  { id: 'runAsUser', control: 'run-as-user', level: 'restricted', rules: [{ since: 23, bodies: runAsUser }, { since: 35, bodies: guarded(notUserNamespaced, runAsUser) }] },
  { id: 'seccompProfile_restricted', control: 'seccomp', level: 'restricted', replaces: 'seccompProfile_baseline', rules: [{ since: 19, bodies: seccompRestricted }, { since: 25, bodies: guarded(notWindows, seccompRestricted) }] },
];

/** The checks in force at a level and version (common/pss-standards.ts), with this backend's rule bodies. */
function activeChecks(level: PssLevel, minor: number): { check: Check; rule: RuleVersion }[] {
  return activePssChecks<RuleVersion, Check>(checks, level, minor);
}

/**
 * Defines the set of failed check ids for a level and version (`pss_restricted_v1_30 contains "runAsNonRoot" if …`)
 * and returns its name; undefined for the privileged level, which allows everything.
 */
export function pssFailures(module: RegoModule, level: PssLevel, version: PodSecurity['version'], exemptions: PssExemptions): string | undefined {
  if (level === 'privileged') return undefined;
  const minor = pssMinor(version);
  const label = version === 'latest' ? 'latest' : `v1_${minor}`;
  return module.once(`pss:${level}:${minor}:${label}`, () => {
    const name = module.names.allocate('pss', level, label);
    const at = (x: string, ...path: string[]) => `${module.use('value_at')}(${x}, ${regoPath(path)})`;
    const listAt = (x: string, ...path: string[]) => `${module.use('list_at')}(${x}, ${regoPath(path)})`;
    const rules: string[] = [];
    for (const { check, rule } of activeChecks(level, minor)) {
      const annotated = (prefix: string, ok: AnnotationCheck): string[] => [
        `some key, value in ${module.use('pod_annotations')}`,
        `startswith(key, ${regoLiteral(prefix)})`,
        `not ${module.use(ok)}(value)`,
        ...exemptions.annotation(check.control, `substring(key, ${prefix.length}, -1)`),
      ];
      const field = (x: string, path: readonly string[]) => `${module.use('value_at')}(${x}, [${path.join(', ')}])`;
      const ctx: Ctx = { C: exemptions.containers(check.control), P: exemptions.podLevel(check.control), at, list: listAt, field, annotated };
      for (const body of rule.bodies(ctx)) rules.push(ruleText(`${name} contains ${regoLiteral(check.id)}`, body));
    }
    const title = `# Pod Security Standards "${level}" at Kubernetes ${version === 'latest' ? `latest (v1.${minor})` : `v1.${minor}`}: the ids of the checks the pod view fails.`;
    return { name, text: `${title}\n${rules.join('\n\n')}` };
  });
}
