import type { Exception, PodSecurity, PssControl, PssLevel } from '../../ir/index.js';
import { activePssChecks, baselineCapabilities, pssMinor, restrictedVolumeTypes, seLinuxTypes, sysctls1_0, sysctls1_27, sysctls1_29, sysctls1_32, sysctls1_37, type PssCheck } from '../common/pss-standards.js';
import { celString, globRegex, hasPath, valueOf } from './cel.js';

/**
 * `pod-security LEVEL version v1.N` as CEL: every Pod Security Standards check in force at that level and version
 * (the newest rule version of each; restricted checks replace the baseline ones they tighten), each a boolean
 * "the pod view fails this check" over `variables.podView`, written as the Pod Security Admission library applies
 * it (https://kubernetes.io/docs/concepts/security/pod-security-standards/; version table in
 * shared/corpora/psa/README.md). Level and version are known when compiling, so only the checks in force are
 * emitted, each as a policy variable the validation and its message read.
 *
 * Like every VAP expression (cel.ts), no check may raise an error on an object admission can see. The checks read
 * only Pods and pod templates, which the API server has validated against the Pod schema before admission, and every
 * field they read is typed there (booleans, integers, strings, lists of strings or objects, the annotations a map of
 * strings) and never null once stored: so a field is read behind has() alone and compared as its type
 * (docs/backends/vap.md, "Which reads are guarded"). Read for another kind, in a policy that also applies to other
 * kinds, a check may fail, but the validation skips that object first (`!variables.isPodSubject || …`: CEL's `||`
 * absorbs an error on the other side).
 *
 * Exceptions (semantics §4) are compiled in: a control exempted for the object skips its pod-level fields and
 * leaves its containers out; with images, only the containers whose image matches leave; a legacy annotation
 * naming a container counts unless that container (or, naming none, the pod) is exempt.
 */

/** What a check reads: the containers its control applies to and whether its pod-level fields count. */
interface Ctx {
  /** The containers not exempted for the check's control, as a CEL list. */
  readonly containers: string;
  /** A CEL condition holding when the control's pod-level fields count; `true` when nothing exempts them. */
  readonly podCounts: string;
  /** A CEL condition holding when a legacy annotation naming the container `name` (a CEL string) counts. */
  readonly annotationCounts: (name: string) => string;
}

type Violated = (c: Ctx) => string;

interface RuleVersion {
  readonly since: number;
  readonly violated: Violated;
}

type Check = PssCheck<RuleVersion>;

const POD = 'variables.podView';
const SPEC = 'variables.podSpec';
const ANNOTATIONS = 'variables.podAnnotations';

/** `cond(value)` on the value at `path` from `term`; false when a step is missing (so "missing" never fails a check by itself). */
const at = (term: string, path: readonly string[], cond: (v: string) => string): string => `(${hasPath(term, path, true)} && ${cond(valueOf(term, path))})`;
/**
 * The list at `path`, or [] when missing. The list test stays: the cost check (limits.ts) bounds a value by it to a
 * list's items instead of a map's entries.
 */
const listAt = (term: string, path: readonly string[]): string => {
  const v = valueOf(term, path);
  return `((${hasPath(term, path, true)} && type(${v}) == list) ? ${v} : [])`;
};

/** A present field is set: the API server stores an unset field, never a null. */
const isSet = (_v: string) => 'true';
const isTrue = (v: string) => v;
const isFalse = (v: string) => `!${v}`;
const isZero = (v: string) => `${v} == 0`;
const strings = (values: readonly string[]) => `[${values.map(celString).join(', ')}]`;
const isOneOf = (values: readonly string[]) => (v: string) => (values.length === 1 ? `(${v} == ${celString(values[0]!)})` : `(${v} in ${strings(values)})`);
/** Set and not one of the strings. */
const setAndNotOneOf = (values: readonly string[]) => (v: string) => (values.length === 1 ? `${v} != ${celString(values[0]!)}` : `!(${v} in ${strings(values)})`);
const or = (parts: readonly string[]): string => (parts.length === 0 ? 'false' : parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`);
const and = (parts: readonly string[]): string => (parts.length === 0 ? 'true' : parts.length === 1 ? parts[0]! : `(${parts.join(' && ')})`);
/** Pod-level fields: their failure counts only when the control is not exempted for the pod. */
const podLevel = (c: Ctx, violated: string): string => (c.podCounts === 'true' ? violated : `(${c.podCounts} && ${violated})`);
const anyContainer = (c: Ctx, body: (container: string) => string): string => `${c.containers}.exists(c, ${body('c')})`;
const podSc = (...path: string[]): string[] => ['securityContext', ...path];
const guarded = (guard: string, f: Violated): Violated => (c) => `(${guard} && ${f(c)})`;

const notWindows = `!${at(SPEC, ['os', 'name'], isOneOf(['windows']))}`;
const notUserNamespaced = `!${at(SPEC, ['hostUsers'], isFalse)}`;

const profileTypes = ['RuntimeDefault', 'Localhost'];

/** A setting at `path` under the pod's and each container's securityContext must be unset or allowed. */
const podAndContainers = (c: Ctx, path: readonly string[], allowed: readonly string[]): string =>
  or([podLevel(c, at(SPEC, podSc(...path), setAndNotOneOf(allowed))), anyContainer(c, (k) => at(k, podSc(...path), setAndNotOneOf(allowed)))]);

/** Legacy annotations `<prefix><container name>` whose value is not allowed (and that count). */
const annotationViolated = (c: Ctx, prefix: string, ok: (v: string) => string): string => {
  const value = `${ANNOTATIONS}[k]`;
  const counts = c.annotationCounts(`k.substring(${prefix.length})`);
  return `${ANNOTATIONS}.exists(k, k.startsWith(${celString(prefix)}) && !${ok(value)}${counts === 'true' ? '' : ` && ${counts}`})`;
};
const appArmorAnnotationOk = (v: string) => `(${v} in ["", "runtime/default"] || ${v}.startsWith("localhost/"))`;
const seccompAnnotationOk = (v: string) => `(${v} in ["runtime/default", "docker/default"] || ${v}.startsWith("localhost/"))`;

const seLinux = (types: readonly string[]): Violated => (c) => {
  const bad = (o: string) => or([at(o, ['type'], setAndNotOneOf(['', ...types])), at(o, ['user'], setAndNotOneOf([''])), at(o, ['role'], setAndNotOneOf(['']))]);
  return or([podLevel(c, at(SPEC, podSc('seLinuxOptions'), bad)), anyContainer(c, (k) => at(k, podSc('seLinuxOptions'), bad))]);
};

/** Every sysctl's name must be one of the allowed (a sysctl without a name fails, as in PSA). */
const sysctls = (allowed: readonly string[]): Violated => (c) => podLevel(c, `${listAt(SPEC, podSc('sysctls'))}.exists(s, !${at('s', ['name'], isOneOf(allowed))})`);

const hostProbes: Violated = (c) => {
  const handlers = [['livenessProbe'], ['readinessProbe'], ['startupProbe'], ['lifecycle', 'postStart'], ['lifecycle', 'preStop']];
  return anyContainer(c, (k) => or(handlers.flatMap((h) => [at(k, [...h, 'httpGet', 'host'], setAndNotOneOf([''])), at(k, [...h, 'tcpSocket', 'host'], setAndNotOneOf(['']))])));
};
const procMount: Violated = (c) => anyContainer(c, (k) => at(k, podSc('procMount'), setAndNotOneOf(['Default'])));
/** allowPrivilegeEscalation must be explicitly false: missing fails. */
const privilegeEscalation: Violated = (c) => anyContainer(c, (k) => `!${at(k, podSc('allowPrivilegeEscalation'), isFalse)}`);
const capabilitiesRestricted: Violated = (c) =>
  anyContainer(c, (k) =>
    or([
      `!${listAt(k, podSc('capabilities', 'drop'))}.exists(d, ${isOneOf(['ALL'])('d')})`,
      `${listAt(k, podSc('capabilities', 'add'))}.exists(a, !${isOneOf(['NET_BIND_SERVICE'])('a')})`,
    ]),
  );
const runAsNonRoot: Violated = (c) => {
  const podTrue = at(SPEC, podSc('runAsNonRoot'), isTrue);
  return or([
    podLevel(c, at(SPEC, podSc('runAsNonRoot'), isFalse)),
    anyContainer(c, (k) => or([at(k, podSc('runAsNonRoot'), isFalse), and([`!${at(k, podSc('runAsNonRoot'), isSet)}`, `!${podTrue}`])])),
  ]);
};
const runAsUser: Violated = (c) => or([podLevel(c, at(SPEC, podSc('runAsUser'), isZero)), anyContainer(c, (k) => at(k, podSc('runAsUser'), isZero))]);
const seccompFields: Violated = (c) => podAndContainers(c, ['seccompProfile', 'type'], profileTypes);
const seccompRestricted: Violated = (c) =>
  or([seccompFields(c), and([`!${at(SPEC, podSc('seccompProfile', 'type'), isSet)}`, anyContainer(c, (k) => `!${at(k, podSc('seccompProfile', 'type'), isSet)}`)])]);
/** Every volume source set (non-null, other than `name`) must be one of the allowed types. */
const restrictedVolumes: Violated = (c) =>
  podLevel(c, `${listAt(SPEC, ['volumes'])}.exists(vol, vol.exists(k, k != "name" && !(k in ${strings(restrictedVolumeTypes)})))`);

/** The checks in upstream order; rule versions oldest first. */
const checks: readonly Check[] = [
  {
    id: 'windowsHostProcess', control: 'host-process', level: 'baseline',
    rules: [{ since: 0, violated: (c) => or([podLevel(c, at(SPEC, podSc('windowsOptions', 'hostProcess'), isTrue)), anyContainer(c, (k) => at(k, podSc('windowsOptions', 'hostProcess'), isTrue))]) }],
  },
  { id: 'hostNamespaces', control: 'host-namespaces', level: 'baseline', rules: [{ since: 0, violated: (c) => podLevel(c, or(['hostNetwork', 'hostPID', 'hostIPC'].map((k) => at(SPEC, [k], isTrue)))) }] },
  { id: 'privileged', control: 'privileged', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, (k) => at(k, podSc('privileged'), isTrue)) }] },
  {
    id: 'capabilities_baseline', control: 'capabilities', level: 'baseline',
    rules: [{ since: 0, violated: (c) => anyContainer(c, (k) => `${listAt(k, podSc('capabilities', 'add'))}.exists(a, !${isOneOf(baselineCapabilities)('a')})`) }],
  },
  { id: 'hostPathVolumes', control: 'host-path-volumes', level: 'baseline', rules: [{ since: 0, violated: (c) => podLevel(c, `${listAt(SPEC, ['volumes'])}.exists(vol, ${at('vol', ['hostPath'], isSet)})`) }] },
  { id: 'hostPorts', control: 'host-ports', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, (k) => `${listAt(k, ['ports'])}.exists(p, ${at('p', ['hostPort'], (v) => `${v} != 0`)})`) }] },
  { id: 'hostProbesAndHostLifecycle', control: 'host-probes', level: 'baseline', rules: [{ since: 34, violated: hostProbes }] },
  {
    id: 'appArmorProfile', control: 'apparmor', level: 'baseline',
    rules: [{ since: 0, violated: (c) => or([podAndContainers(c, ['appArmorProfile', 'type'], profileTypes), annotationViolated(c, 'container.apparmor.security.beta.kubernetes.io/', appArmorAnnotationOk)]) }],
  },
  { id: 'seLinuxOptions', control: 'selinux', level: 'baseline', rules: [{ since: 0, violated: seLinux(seLinuxTypes) }, { since: 31, violated: seLinux([...seLinuxTypes, 'container_engine_t']) }] },
  { id: 'procMount', control: 'proc-mount', level: 'baseline', rules: [{ since: 0, violated: procMount }, { since: 35, violated: guarded(notUserNamespaced, procMount) }] },
  {
    id: 'seccompProfile_baseline', control: 'seccomp', level: 'baseline',
    rules: [
      {
        since: 0,
        violated: (c) => {
          const key = 'seccomp.security.alpha.kubernetes.io/pod';
          const pod = podLevel(c, `(${celString(key)} in ${ANNOTATIONS} && !${seccompAnnotationOk(`${ANNOTATIONS}[${celString(key)}]`)})`);
          return or([pod, annotationViolated(c, 'container.seccomp.security.alpha.kubernetes.io/', seccompAnnotationOk)]);
        },
      },
      { since: 19, violated: seccompFields },
    ],
  },
  { id: 'sysctls', control: 'sysctls', level: 'baseline', rules: [{ since: 0, violated: sysctls(sysctls1_0) }, { since: 27, violated: sysctls(sysctls1_27) }, { since: 29, violated: sysctls(sysctls1_29) }, { since: 32, violated: sysctls(sysctls1_32) }, { since: 37, violated: sysctls(sysctls1_37) }] },
  { id: 'allowPrivilegeEscalation', control: 'privilege-escalation', level: 'restricted', rules: [{ since: 8, violated: privilegeEscalation }, { since: 25, violated: guarded(notWindows, privilegeEscalation) }] },
  { id: 'capabilities_restricted', control: 'capabilities', level: 'restricted', replaces: 'capabilities_baseline', rules: [{ since: 22, violated: capabilitiesRestricted }, { since: 25, violated: guarded(notWindows, capabilitiesRestricted) }] },
  { id: 'procMount_restricted', control: 'proc-mount', level: 'restricted', replaces: 'procMount', rules: [{ since: 35, violated: procMount }] },
  { id: 'restrictedVolumes', control: 'volume-types', level: 'restricted', replaces: 'hostPathVolumes', rules: [{ since: 0, violated: restrictedVolumes }] },
  { id: 'runAsNonRoot', control: 'run-as-non-root', level: 'restricted', rules: [{ since: 0, violated: runAsNonRoot }, { since: 35, violated: guarded(notUserNamespaced, runAsNonRoot) }] },
  { id: 'runAsUser', control: 'run-as-user', level: 'restricted', rules: [{ since: 23, violated: runAsUser }, { since: 35, violated: guarded(notUserNamespaced, runAsUser) }] },
  { id: 'seccompProfile_restricted', control: 'seccomp', level: 'restricted', replaces: 'seccompProfile_baseline', rules: [{ since: 19, violated: seccompRestricted }, { since: 25, violated: guarded(notWindows, seccompRestricted) }] },
];

/** The checks in force at a level and version (common/pss-standards.ts), with this backend's rule bodies. */
function activeChecks(level: PssLevel, minor: number): { readonly check: Check; readonly rule: RuleVersion }[] {
  return activePssChecks<RuleVersion, Check>(checks, level, minor);
}

/** How the exceptions of one pod-security line reach its checks. */
export interface PssExemptions {
  /** CEL conditions on the request, one per exception that exempts the object from the line entirely. */
  readonly whole: readonly string[];
  /** Exceptions exempting controls: their request condition and image globs (empty: the whole pod). */
  readonly partial: readonly { readonly controls: readonly PssControl[]; readonly images: readonly string[]; readonly matches: string }[];
}

/**
 * The exceptions of a policy as they reach its `pod-security-<mode>` line (semantics §4, as src/eval applies them):
 * those naming controls, or naming no rules or this one; with neither controls nor images one exempts the object.
 */
export function pssExemptions(exceptions: readonly Exception[], ruleName: string, matches: (e: Exception) => string): PssExemptions {
  const applicable = exceptions.filter((e) => e.controls.length > 0 || e.rules.length === 0 || e.rules.includes(ruleName));
  return {
    whole: applicable.filter((e) => e.controls.length === 0 && e.images.length === 0).map(matches),
    partial: applicable.filter((e) => e.controls.length > 0 || e.images.length > 0).map((e) => ({ controls: e.controls, images: e.images, matches: matches(e) })),
  };
}

/** One check of a pod-security line: its id and the CEL condition "the pod view fails it". */
export interface PssCheckExpression {
  readonly id: string;
  readonly violated: string;
}

/** The checks of `pod-security LEVEL version V`, exceptions compiled in; none for the privileged level. */
export function pssChecks(level: PssLevel, version: PodSecurity['version'], exemptions: PssExemptions): PssCheckExpression[] {
  return activeChecks(level, pssMinor(version)).map(({ check, rule }) => ({ id: check.id, violated: rule.violated(contextFor(check.control, exemptions)) }));
}

/** Does a check read the pod's annotations (so the policy needs `variables.podAnnotations`)? */
export function readsAnnotations(expression: string): boolean {
  return expression.includes(ANNOTATIONS);
}

/** The variable holding the pod view's annotations: a map of strings, empty when missing. */
export const podAnnotationsVariable = {
  name: 'podAnnotations',
  expression: `${hasPath(POD, ['metadata', 'annotations'], true)} ? ${valueOf(POD, ['metadata', 'annotations'])} : dyn({})`,
};

function contextFor(control: PssControl, exemptions: PssExemptions): Ctx {
  const forControl = exemptions.partial.filter((e) => e.controls.length === 0 || e.controls.includes(control));
  const podWide = forControl.filter((e) => e.images.length === 0).map((e) => e.matches);
  const byImage = forControl.filter((e) => e.images.length > 0);
  const podExempt = or(podWide);
  const containerExempt = (k: string): string => {
    const image = valueOf(k, ['image']);
    const imageHit = (globs: readonly string[]) => `(${hasPath(k, ['image'], true)} && ${or(globs.map((g) => `${image}.matches(${celString(globRegex(g))})`))})`;
    return or([...podWide, ...byImage.map((e) => `(${e.matches} && ${imageHit(e.images)})`)]);
  };
  if (podWide.length === 0 && byImage.length === 0) return { containers: 'variables.containers', podCounts: 'true', annotationCounts: () => 'true' };
  const podCounts = podWide.length ? `!(${podExempt})` : 'true';
  return {
    containers: `variables.containers.filter(x, !(${containerExempt('x')}))`,
    podCounts,
    // The first container with that name decides; an annotation naming no container counts unless the pod is exempt.
    // The exemption is tested on that one container only (not on every namesake), to stay within the cost limit.
    annotationCounts: (name) =>
      `[(variables.containers.filter(n, ${at('n', ['name'], (v) => `${v} == ${name}`)}) + [null])[0]].map(n, n == null ? ${podCounts} : !(${containerExempt('n')}))[0]`,
  };
}
