import type { Exception, PodSecurity, PssControl, PssLevel } from '../../ir/index.js';
import { NULL, listLiteral, literal, valueAt } from './jmespath.js';
import { not, OBJECT, paren, wrapped } from './predicate.js';
import { activePssChecks, baselineCapabilities, pssMinor, restrictedVolumeTypes, seLinuxTypes, sysctls1_0, sysctls1_27, sysctls1_29, sysctls1_32, sysctls1_37, type PssCheck } from '../common/pss-standards.js';

/**
 * `pod-security LEVEL version v1.N` as one explicit Kyverno deny rule: every Pod Security Standards check in force
 * at that level and version (the newest rule version of each, restricted checks replacing baseline ones), written
 * as a JMESPath boolean over the pod view, exactly as Pod Security Admission evaluates a pod. The check list
 * mirrors src/eval/pod-security.ts and src/backends/gatekeeper/pss.ts (version table: shared/corpora/psa/README.md).
 *
 * Exceptions (semantics §4) are compiled in: a control exempted for the object skips its check; with images,
 * containers whose image matches leave the check's container list (and legacy annotations naming them stop
 * counting). An exception's namespace/workload filter reads the admitted object, which a filter projection cannot
 * see, so a check is case-split on the filters of its image exceptions, as predicate.ts does for quantifiers.
 */

/** At most 2^4 copies of one check. */
export const MAX_PSS_SPLIT = 4;

const ZERO = '`0`';
const TRUE = '`true`';
const FALSE = '`false`';

/** What a check body needs: the containers it looks at, as a JMESPath list, and the exempted container names. */
interface Ctx {
  /** Every container not exempted for the check's control (nulls kept as `false`). */
  readonly C: string;
  /** Image globs exempting containers (empty: none), for legacy annotations naming a container. */
  readonly globs: readonly string[];
  /** Collects each container filter a check uses, so its message can name the offending containers. */
  readonly offenders?: Offender[];
}

/** A container filter of a check: the containers `C` that `body` keeps fail it when `guard` (pod-level) holds. */
interface Offender {
  readonly C: string;
  readonly body: string;
  readonly guard?: string;
}

type Body = (c: Ctx) => string;

interface RuleVersion {
  readonly since: number;
  readonly violated: Body;
}

type Check = PssCheck<RuleVersion>;

const spec = (...path: string[]): string => valueAt(OBJECT, ['spec', ...path]);
const podSc = (...path: string[]): string => spec('securityContext', ...path);
const el = (...path: string[]): string => valueAt('', path);
const sc = (...path: string[]): string => el('securityContext', ...path);
const or = (parts: readonly string[]): string => (parts.length === 0 ? FALSE : parts.length === 1 ? (parts[0] ?? FALSE) : `(${parts.join(' || ')})`);
const and = (parts: readonly string[]): string => (parts.length === 0 ? TRUE : parts.length === 1 ? (parts[0] ?? TRUE) : `(${parts.join(' && ')})`);

/** Containers, initContainers and ephemeralContainers; a missing or non-list value contributes nothing. */
const ALL_CONTAINERS = `[${['containers', 'initContainers', 'ephemeralContainers'].map((k) => `${OBJECT}.spec.${k}`).join(', ')}][?type(@) == 'array'][].not_null(@, ${FALSE})`;

/** Some container (of `c.C`) satisfies `body`; with `guard`, only when that pod-level condition holds too. */
const anyContainer = (c: Ctx, body: string, guard?: string): string => {
  c.offenders?.push({ C: c.C, body, ...(guard !== undefined ? { guard } : {}) });
  const any = `(length(${c.C} | [?${body}]) > ${ZERO})`;
  return guard === undefined ? any : `(${guard} && ${any})`;
};

/** At most 2^2 guard combinations in one message's container list. */
const MAX_OFFENDER_GUARDS = 2;

/**
 * One JMESPath expression selecting `[list]` by which of the pod-level `guards` hold (exactly one combination does):
 * `((g1 && [l1]) || (!g1 && [l2]))[0]`. A one-element list is truthy even when its list is empty, so `||` never
 * falls through to the wrong combination.
 */
function selectByGuards(options: readonly { readonly guard: string; readonly list: string }[]): string {
  return `(${options.map((o) => `(${o.guard} && [${o.list}])`).join(' || ')})[0]`;
}

/**
 * The containers that fail a check, from its container filters: for each combination of the filters' pod-level
 * guards, the containers any filter active there keeps. Undefined when there are too many guards.
 */
function offendersOf(filters: readonly Offender[]): string | undefined {
  const C = filters[0]?.C;
  if (C === undefined || filters.some((f) => f.C !== C)) return undefined;
  // `a != v` is the negation of `a == v` (runAsNonRoot's two filters): one guard, not two.
  const keyOf = (g: string): { key: string; positive: boolean } => (g.split(' != ').length === 2 && !/&&|\|\|/.test(g) ? { key: g.replace(' != ', ' == '), positive: false } : { key: g, positive: true });
  const guards = [...new Set(filters.flatMap((f) => (f.guard === undefined ? [] : [keyOf(f.guard).key])))];
  if (guards.length > MAX_OFFENDER_GUARDS) return undefined;
  const listFor = (on: (g: string) => boolean): string => {
    const bodies = filters.filter((f) => f.guard === undefined || on(keyOf(f.guard).key) === keyOf(f.guard).positive).map((f) => f.body);
    return bodies.length === 0 ? '`[]`' : `${C} | [?${or(bodies)}]`;
  };
  if (guards.length === 0) return listFor(() => true);
  const options: { guard: string; list: string }[] = [];
  for (let mask = 0; mask < 2 ** guards.length; mask++) {
    const on = (g: string): boolean => (mask & (1 << guards.indexOf(g))) !== 0;
    options.push({ guard: and(guards.map((g) => (on(g) ? paren(g) : not(g)))), list: listFor(on) });
  }
  return selectByGuards(options);
}
/** Unset (null) or one of the strings. */
const allowedOrUnset = (v: string, allowed: readonly string[]): string => `(${v} == ${NULL} || contains(${listLiteral(allowed)}, ${v}))`;
const nonEmpty = (v: string): string => `(${v} != ${NULL} && ${v} != '')`;
/** Some element of the list at `v` is not one of the strings (null elements included, hence the counts). */
const notOnly = (v: string, allowed: readonly string[]): string => `(type(${v}) == 'array' && length(${v}[?contains(${listLiteral(allowed)}, @)]) != length(${v}))`;

const notWindows = `${spec('os', 'name')} != 'windows'`;
const notUserNamespaced = `${spec('hostUsers')} != ${FALSE}`;
const guarded = (guard: string, f: Body): Body => (c) => `(${guard} && ${f(c)})`;

const annotations = valueAt(OBJECT, ['metadata', 'annotations']);

/**
 * Legacy annotations `<prefix><container name>` whose value is not allowed. An annotation naming an exempted
 * container does not count: the exempted names (of the first container with each name, as the reference does)
 * are merged into the annotations with an allowed value before the check.
 */
function annotationViolated(c: Ctx, prefix: string, ok: (v: string) => string, okValue: string): string {
  let object = `(type(${annotations}) == 'object' && ${annotations} || object_from_lists(\`[]\`, \`[]\`))`;
  if (c.globs.length) {
    const named = `${ALL_CONTAINERS} | [?type(${el('name')}) == 'string']`;
    const firstExempt = `object_from_lists(reverse(map(&name, ${named})), reverse(map(&${imageExempt(c.globs)}, ${named})))`;
    const exemptNames = `items(${firstExempt}, 'k', 'v')[?v].k`;
    object = `merge(${object}, object_from_lists(map(&join('', [${literal(prefix)}, @]), ${exemptNames}), map(&${literal(okValue)}, ${exemptNames})))`;
  }
  const v = el('v');
  return `(length(items(${object}, 'k', 'v')[?starts_with(k, ${literal(prefix)}) && ${not(ok(v))}]) > ${ZERO})`;
}

const appArmorAnnotationOk = (v: string): string => `(${v} == '' || ${v} == 'runtime/default' || (type(${v}) == 'string' && starts_with(${v}, 'localhost/')))`;
const seccompAnnotationOk = (v: string): string => `(${v} == 'runtime/default' || ${v} == 'docker/default' || (type(${v}) == 'string' && starts_with(${v}, 'localhost/')))`;

const profileTypes = ['RuntimeDefault', 'Localhost'];

const podAndContainers = (c: Ctx, path: readonly string[], allowed: readonly string[]): string =>
  or([not(allowedOrUnset(podSc(...path), allowed)), anyContainer(c, not(allowedOrUnset(sc(...path), allowed)))]);

const seLinux = (types: readonly string[]): Body => (c) => {
  const bad = (o: (...p: string[]) => string) =>
    and([`type(${o()}) == 'object'`, or([not(allowedOrUnset(o('type'), ['', ...types])), nonEmpty(o('user')), nonEmpty(o('role'))])]);
  return or([bad((...p) => podSc('seLinuxOptions', ...p)), anyContainer(c, bad((...p) => sc('seLinuxOptions', ...p)))]);
};

const sysctls = (allowed: readonly string[]): Body => () => {
  const list = podSc('sysctls');
  return `(type(${list}) == 'array' && length(${list}[?contains(${listLiteral(allowed)}, ${el('name')})]) != length(${list}))`;
};

const hostPorts: Body = (c) => {
  const ports = el('ports');
  const h = el('hostPort');
  return anyContainer(c, `(type(${ports}) == 'array' && length(${ports}[?${h} != ${NULL} && ${h} != ${ZERO}]) > ${ZERO})`);
};

const hostProbes: Body = (c) => {
  const handlers = [['livenessProbe'], ['readinessProbe'], ['startupProbe'], ['lifecycle', 'postStart'], ['lifecycle', 'preStop']];
  return anyContainer(c, or(handlers.flatMap((h) => [nonEmpty(el(...h, 'httpGet', 'host')), nonEmpty(el(...h, 'tcpSocket', 'host'))])));
};

const procMount: Body = (c) => anyContainer(c, `(${sc('procMount')} != ${NULL} && ${sc('procMount')} != 'Default')`);
const privilegeEscalation: Body = (c) => anyContainer(c, `${sc('allowPrivilegeEscalation')} != ${FALSE}`);
const addsOnly = (allowed: readonly string[]): string => not(notOnly(sc('capabilities', 'add'), allowed));
const capabilitiesRestricted: Body = (c) => {
  const drop = sc('capabilities', 'drop');
  return anyContainer(c, or([not(`(type(${drop}) == 'array' && contains(${drop}, 'ALL'))`), not(addsOnly(['NET_BIND_SERVICE']))]));
};
const runAsNonRoot: Body = (c) => {
  const pod = podSc('runAsNonRoot');
  const own = sc('runAsNonRoot');
  return or([`${pod} == ${FALSE}`, anyContainer(c, `${own} == ${FALSE}`, `${pod} == ${TRUE}`), anyContainer(c, `(${own} == ${FALSE} || ${own} == ${NULL})`, `${pod} != ${TRUE}`)]);
};
const runAsUser: Body = (c) => or([`${podSc('runAsUser')} == ${ZERO}`, anyContainer(c, `${sc('runAsUser')} == ${ZERO}`)]);
const seccompFields: Body = (c) => podAndContainers(c, ['seccompProfile', 'type'], profileTypes);
const seccompRestricted: Body = (c) => or([seccompFields(c), anyContainer(c, `${sc('seccompProfile', 'type')} == ${NULL}`, `${podSc('seccompProfile', 'type')} == ${NULL}`)]);
const restrictedVolumes: Body = () => {
  const volumes = spec('volumes');
  const entry = `${el('k')} != 'name' && ${el('v')} != ${NULL} && !contains(${listLiteral(restrictedVolumeTypes)}, ${el('k')})`;
  return `(type(${volumes}) == 'array' && length(${volumes}[?type(@) == 'object' && length(items(@, 'k', 'v')[?${entry}]) > ${ZERO}]) > ${ZERO})`;
};
const hostPathVolumes: Body = () => {
  const volumes = spec('volumes');
  return `(type(${volumes}) == 'array' && length(${volumes}[?${el('hostPath')} != ${NULL}]) > ${ZERO})`;
};

/** The checks in upstream order; rule versions oldest first. */
const checks: readonly Check[] = [
  { id: 'windowsHostProcess', control: 'host-process', level: 'baseline', rules: [{ since: 0, violated: (c) => or([`${podSc('windowsOptions', 'hostProcess')} == ${TRUE}`, anyContainer(c, `${sc('windowsOptions', 'hostProcess')} == ${TRUE}`)]) }] },
  { id: 'hostNamespaces', control: 'host-namespaces', level: 'baseline', rules: [{ since: 0, violated: () => or(['hostNetwork', 'hostPID', 'hostIPC'].map((k) => `${spec(k)} == ${TRUE}`)) }] },
  { id: 'privileged', control: 'privileged', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, `${sc('privileged')} == ${TRUE}`) }] },
  { id: 'capabilities_baseline', control: 'capabilities', level: 'baseline', rules: [{ since: 0, violated: (c) => anyContainer(c, notOnly(sc('capabilities', 'add'), baselineCapabilities)) }] },
  { id: 'hostPathVolumes', control: 'host-path-volumes', level: 'baseline', rules: [{ since: 0, violated: hostPathVolumes }] },
  { id: 'hostPorts', control: 'host-ports', level: 'baseline', rules: [{ since: 0, violated: hostPorts }] },
  { id: 'hostProbesAndHostLifecycle', control: 'host-probes', level: 'baseline', rules: [{ since: 34, violated: hostProbes }] },
  {
    id: 'appArmorProfile', control: 'apparmor', level: 'baseline',
    rules: [{ since: 0, violated: (c) => or([podAndContainers(c, ['appArmorProfile', 'type'], profileTypes), annotationViolated(c, 'container.apparmor.security.beta.kubernetes.io/', appArmorAnnotationOk, 'runtime/default')]) }],
  },
  { id: 'seLinuxOptions', control: 'selinux', level: 'baseline', rules: [{ since: 0, violated: seLinux(seLinuxTypes) }, { since: 31, violated: seLinux([...seLinuxTypes, 'container_engine_t']) }] },
  { id: 'procMount', control: 'proc-mount', level: 'baseline', rules: [{ since: 0, violated: procMount }, { since: 35, violated: guarded(notUserNamespaced, procMount) }] },
  {
    id: 'seccompProfile_baseline', control: 'seccomp', level: 'baseline',
    rules: [
      {
        since: 0,
        violated: (c) => {
          const pod = valueAt(OBJECT, ['metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod']);
          return or([`(${pod} != ${NULL} && ${not(seccompAnnotationOk(pod))})`, annotationViolated(c, 'container.seccomp.security.alpha.kubernetes.io/', seccompAnnotationOk, 'runtime/default')]);
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

function imageExempt(globs: readonly string[]): string {
  const image = el('image');
  return `(type(${image}) == 'string' && ${paren(globs.map((g) => `pattern_match(${literal(g)}, ${image})`).join(' || '))})`;
}

/** An exception as it reaches the pod-security rule: its controls (empty: all), images and object filter. */
export interface PssException {
  readonly controls: readonly PssControl[];
  readonly images: readonly string[];
  /** Boolean over the admitted object; undefined: every object. */
  readonly when?: string;
}

/** The exceptions that reach a pod-security rule (semantics §4): those naming controls, and those for the rule. */
export function pssExceptions(exceptions: readonly Exception[], ruleName: string, filter: (e: Exception) => string | undefined): PssException[] {
  return exceptions
    .filter((e) => e.controls.length > 0 || e.rules.length === 0 || e.rules.includes(ruleName))
    .map((e) => {
      const when = filter(e);
      return { controls: e.controls, images: e.images, ...(when !== undefined ? { when } : {}) };
    });
}

/** What a developer reads when one check fails: the check and what the pod must do (messages name the check, as PSA's do). */
const checkGuidance: Readonly<Record<PssControl, string>> = {
  'host-process': 'Windows HostProcess containers are forbidden (securityContext.windowsOptions.hostProcess)',
  'host-namespaces': 'hostNetwork, hostPID and hostIPC must not be true',
  privileged: 'containers must not set securityContext.privileged: true',
  capabilities: 'containers must not add capabilities beyond the allowed set (restricted: drop ALL, add at most NET_BIND_SERVICE)',
  'host-path-volumes': 'hostPath volumes are forbidden',
  'host-ports': 'containers must not set ports[].hostPort',
  'host-probes': 'probes and lifecycle hooks must not set a host',
  apparmor: 'the AppArmor profile must be RuntimeDefault or Localhost (field or legacy annotation)',
  selinux: 'seLinuxOptions must not set user or role, and only the allowed types',
  'proc-mount': 'securityContext.procMount must be Default',
  seccomp: 'the seccomp profile must be RuntimeDefault or Localhost',
  sysctls: 'only the safe sysctls are allowed',
  'volume-types': 'only the restricted volume types are allowed',
  'privilege-escalation': 'containers must set securityContext.allowPrivilegeEscalation: false',
  'run-as-non-root': 'the pod or every container must set securityContext.runAsNonRoot: true',
  'run-as-user': 'runAsUser must not be 0',
};

/** One check of a `pod-security` line: its control (the Kyverno rule is named after it) and when it is violated. */
export interface PssCheckRule {
  readonly id: string;
  readonly control: PssControl;
  readonly guidance: string;
  /** The violation as boolean JMESPath expressions over `request.object` (the pod view); violated when any holds. */
  readonly violations: readonly string[];
  /**
   * The containers that fail the check, as a JMESPath list (for checks that look at containers): the message names
   * them, as Pod Security Admission's messages do. Filters that apply only under a pod-level condition (runAsNonRoot,
   * restricted seccomp) and exception splits are selected by those conditions (`selectByGuards`).
   */
  readonly offenders?: string;
}

export interface PssRuleResult {
  /** The checks in force and not exempted for every object, in upstream order. */
  readonly checks: readonly PssCheckRule[];
  /** Controls whose checks need more case splits than allowed (reported by the caller). */
  readonly tooManySplits: readonly PssControl[];
}

/**
 * The top-level `||` operands of an expression this file built (`or` above), so a check becomes one short
 * Kyverno condition per way it can fail (`deny.conditions.any`) instead of one long line.
 */
function disjuncts(text: string): string[] {
  if (!wrapped(text)) return [text];
  const inner = text.slice(1, -1);
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner.charAt(i);
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '`' || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && inner.startsWith(' || ', i)) {
      parts.push(inner.slice(start, i));
      start = i + 4;
      i += 3;
    }
  }
  parts.push(inner.slice(start));
  return parts.length > 1 ? parts : [text];
}

/** The checks of `pod-security LEVEL version V` with the exceptions compiled in. */
export function pssViolation(level: PssLevel, version: PodSecurity['version'], exceptions: readonly PssException[]): PssRuleResult {
  const minor = pssMinor(version);
  const out: PssCheckRule[] = [];
  const tooManySplits: PssControl[] = [];
  for (const { check, rule } of activeChecks(level, minor)) {
    const relevant = exceptions.filter((e) => e.controls.length === 0 || e.controls.includes(check.control));
    const whole = relevant.filter((e) => e.images.length === 0);
    if (whole.some((e) => e.when === undefined)) continue;
    const skip = whole.map((e) => e.when ?? TRUE);
    const imageExceptions = relevant.filter((e) => e.images.length > 0);
    const conditional = imageExceptions.filter((e) => e.when !== undefined);
    if (conditional.length > MAX_PSS_SPLIT) {
      tooManySplits.push(check.control);
      continue;
    }
    const branches: string[] = [];
    const named: ({ guard: string; list: string } | undefined)[] = [];
    for (let mask = 0; mask < 2 ** conditional.length; mask++) {
      const on = (i: number): boolean => (mask & (1 << i)) !== 0;
      const globs = imageExceptions.filter((e) => e.when === undefined || conditional.some((x, i) => x === e && on(i))).flatMap((e) => e.images);
      const C = globs.length ? `${ALL_CONTAINERS} | [?${not(imageExempt(globs))}]` : ALL_CONTAINERS;
      const offenders: Offender[] = [];
      const body = rule.violated({ C, globs, offenders });
      const guard = conditional.map((e, i) => (on(i) ? paren(e.when ?? TRUE) : not(e.when ?? TRUE)));
      branches.push(guard.length ? `(${guard.join(' && ')} && ${body})` : body);
      const list = offenders.length ? offendersOf(offenders) : undefined;
      named.push(list === undefined ? undefined : { guard: guard.join(' && '), list });
    }
    const violated = or(branches);
    const violations = skip.length ? [`(${not(or(skip))} && ${violated})`] : disjuncts(violated);
    // With an exception split, each branch names its own containers (those its image globs leave in).
    const lists = named.every((n) => n !== undefined) ? (named as { guard: string; list: string }[]) : [];
    const offenders = lists.length === 1 ? lists[0]!.list : lists.length > 1 ? selectByGuards(lists) : undefined;
    out.push({ id: check.id, control: check.control, guidance: checkGuidance[check.control], violations, ...(offenders !== undefined ? { offenders } : {}) });
  }
  return { checks: out, tooManySplits };
}
