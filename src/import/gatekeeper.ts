/**
 * Constraints of gatekeeper-library templates to secpol policies. A template is recognised by its constraint kind
 * and its Rego package (the library's names), its behaviour read from the library's template source
 * (open-policy-agent/gatekeeper-library, library/general/*: template.yaml), and its `parameters` translated;
 * `--verify` then runs the ORIGINAL template's Rego on the generated objects, so a template edited in place that
 * no longer behaves as the library's is reported, not trusted. The Constraint's match: Gatekeeper docs,
 * "Constraints" (kinds, namespaces, excludedNamespaces: https://open-policy-agent.github.io/gatekeeper/website/docs/howto/#the-match-field)
 * and enforcementAction (deny, dryrun, warn: https://open-policy-agent.github.io/gatekeeper/website/docs/violations).
 */
import { no, ok, type ImportedPolicy, type ImportedRule, type MissingRule, type Translation, type YamlPathStep } from './model.js';
import { resolveKind, subjectOf } from './kinds.js';
import { literal, nameOf, pathText } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';
import { liftSecpolConstraint } from './gatekeeper-secpol.js';
import { translateDeprecatedApi } from './gatekeeper-deprecated.js';
import { translateNoUpdateServiceAccount } from './gatekeeper-service-account.js';
import { translateStorageClass, type SplitRule } from './gatekeeper-storage.js';
import { translateUniqueIngressHost, translateUniqueServiceSelector } from './gatekeeper-unique.js';
import { translateHorizontalPodAutoscaler } from './gatekeeper-hpa.js';
import { translateContainerQuantities, translateContainerRatios, translateEphemeralStorageLimit } from './gatekeeper-quantities.js';
import * as psp from './gatekeeper-psp.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

export function isConstraintTemplate(value: unknown): boolean {
  return isMap(value) && value['kind'] === 'ConstraintTemplate' && typeof value['apiVersion'] === 'string' && value['apiVersion'].startsWith('templates.gatekeeper.sh/');
}

export function isConstraint(value: unknown): boolean {
  return isMap(value) && typeof value['apiVersion'] === 'string' && value['apiVersion'].startsWith('constraints.gatekeeper.sh/');
}

export function templateKind(value: unknown): string | undefined {
  const k = (value as { spec?: { crd?: { spec?: { names?: { kind?: unknown } } } } }).spec?.crd?.spec?.names?.kind;
  return typeof k === 'string' ? k : undefined;
}

/** The Rego of a template (legacy `rego` or a `code` entry with engine Rego), for recognition. */
function regoOf(template: unknown): string {
  const targets = (template as { spec?: { targets?: unknown } }).spec?.targets;
  const t = Array.isArray(targets) && isMap(targets[0]) ? targets[0] : {};
  if (typeof t['rego'] === 'string') return t['rego'];
  const code = Array.isArray(t['code']) ? t['code'] : [];
  const rego = code.find((c) => isMap(c) && c['engine'] === 'Rego') as { source?: { rego?: unknown } } | undefined;
  return typeof rego?.source?.rego === 'string' ? rego.source.rego : '';
}

interface Recognised {
  /** The rule's name in the imported policy. */
  readonly rule: string;
  /** The assertion line (`require …` / `forbid …`). */
  readonly body: string;
  readonly on?: string;
  /** Generation-only rule lines for --verify. */
  readonly probes?: readonly (readonly string[])[];
  /** `applies to` lines read by the recogniser from the match (else the match's kinds, resolved by matchScope). */
  readonly applies?: readonly string[];
  /** A message of the recogniser's own (else the Constraint's parameters.message). */
  readonly message?: string;
  /** One rule per kind, each with its own `applies to` (the Constraint's verdict belongs to the rule over the object's kind). */
  readonly split?: readonly SplitRule[];
}

type Recogniser = {
  readonly pkg: string;
  /** The recogniser reads match.kinds itself (versions the template tells apart). */
  readonly ownKinds?: boolean;
  readonly translate: (p: Json, at: YamlPathStep[], match: unknown, rego: string) => Translation<Recognised>;
};

const plainPrefix = (s: string) => !/[*?]/.test(s) && s.length > 0;

function repoGlobs(list: unknown, at: YamlPathStep[]): Translation<string[]> {
  const repos = strings(list);
  if (!repos || repos.length === 0) return no('parameters.repos missing or empty', at);
  const bad = repos.find((r) => !plainPrefix(r));
  if (bad !== undefined) return no(`the repo ${JSON.stringify(bad)} (a prefix with * or ?, which secpol globs would read as wildcards)`, at);
  return ok(repos.map((r) => `image matches ${literal(`${r}*`)}`));
}

/**
 * The library's exempt_container helper (lib/exempt_container.rego): an image is exempt when it equals an entry, or
 * starts with an entry's text before a trailing `*`. Only those two shapes are globs with the same meaning in secpol.
 */
function exemptGlobs(p: Json, at: YamlPathStep[]): Translation<string[]> {
  const e = p['exemptImages'];
  if (e === undefined) return ok([]);
  const images = strings(e);
  if (!images) return no('parameters.exemptImages that is not a list of strings', [...at, 'exemptImages']);
  const bad = images.find((i) => /[*?]/.test(i.endsWith('*') ? i.slice(0, -1) : i));
  if (bad !== undefined) return no(`the exempt image ${JSON.stringify(bad)} (a * or ? other than one trailing *)`, [...at, 'exemptImages']);
  return ok(images);
}

function noExemptImages(p: Json, at: YamlPathStep[]): Translation<true> {
  const e = exemptGlobs(p, at);
  return e.ok ? ok(true) : e;
}

/** A translation of a template that skips exempt containers, once its exemptImages are known to be translatable. */
function exemptThen(p: Json, at: YamlPathStep[], translate: () => Translation<{ rule: string; body: string; on?: string }>, on?: string): Translation<Recognised> {
  const e = noExemptImages(p, at);
  if (!e.ok) return e;
  const t = translate();
  return t.ok ? ok({ ...t.value, ...(on ? { on } : {}) }) : t;
}

/** The recognised templates whose Rego skips exempt containers (is_exempt), whose exemptImages become an exception. */
const readsExemptImages = new Set([
  'K8sDisallowedTags',
  'K8sDisallowInteractiveTTY',
  'K8sImageDigests',
  'K8sRequiredResources',
  'K8sContainerLimits',
  'K8sContainerRequests',
  'K8sContainerEphemeralStorageLimit',
  'K8sContainerRatios',
  ...psp.pspReadsExemptImages,
]);

/** The library templates whose Rego the importer knows, by constraint kind. */
const recognisers: Readonly<Record<string, Recogniser>> = {
  K8sAllowedRepos: {
    pkg: 'k8sallowedrepos',
    translate: (p, at) => {
      const g = repoGlobs(p['repos'], [...at, 'repos']);
      return g.ok ? ok({ rule: 'allowed-repos', body: `require every container has (${g.value.join(' or ')})` }) : g;
    },
  },
  K8sDisallowedRepos: {
    pkg: 'k8sdisallowedrepos',
    translate: (p, at) => {
      const g = repoGlobs(p['repos'], [...at, 'repos']);
      return g.ok ? ok({ rule: 'disallowed-repos', body: `forbid any container has (${g.value.join(' or ')})` }) : g;
    },
  },
  K8sAllowedReposv2: {
    pkg: 'k8sallowedreposv2',
    translate: (p, at) => {
      const images = strings(p['allowedImages']);
      if (!images || images.length === 0) return no('parameters.allowedImages missing or empty', [...at, 'allowedImages']);
      const tests: string[] = [];
      for (const i of images) {
        const prefix = i.endsWith('*') ? i.slice(0, -1) : undefined;
        if (prefix !== undefined ? /[*?]/.test(prefix) : /[*?]/.test(i)) return no(`the image ${JSON.stringify(i)} (a * or ? other than one trailing *)`, [...at, 'allowedImages']);
        tests.push(prefix !== undefined ? `image matches ${literal(`${prefix}*`)}` : `image = ${literal(i)}`);
      }
      return ok({ rule: 'allowed-images', body: `require every container has (${tests.join(' or ')})` });
    },
  },
  K8sRequiredLabels: { pkg: 'k8srequiredlabels', translate: (p, at) => requiredKeys(p, 'labels', at) },
  K8sRequiredAnnotations: { pkg: 'k8srequiredannotations', translate: (p, at) => requiredKeys(p, 'annotations', at) },
  K8sBlockNodePort: { pkg: 'k8sblocknodeport', translate: () => ok({ rule: 'block-node-port', body: 'forbid spec.type = "NodePort"' }) },
  K8sBlockLoadBalancer: { pkg: 'k8sblockloadbalancer', translate: () => ok({ rule: 'block-load-balancer', body: 'forbid spec.type = "LoadBalancer"' }) },
  K8sDisallowInteractiveTTY: {
    pkg: 'k8sdisallowinteractivetty',
    translate: (p, at) => {
      const e = noExemptImages(p, at);
      return e.ok ? ok({ rule: 'no-interactive-tty', body: 'forbid any container has (stdin = true or tty = true)' }) : e;
    },
  },
  K8sImageDigests: {
    pkg: 'k8simagedigests',
    translate: (p, at) => {
      const e = noExemptImages(p, at);
      return e.ok ? ok({ rule: 'image-digests', body: `require every container has image matches regex ${literal('@[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+')}` }) : e;
    },
  },
  K8sDisallowedTags: {
    pkg: 'k8sdisallowedtags',
    translate: (p, at) => {
      const e = noExemptImages(p, at);
      if (!e.ok) return e;
      const tags = strings(p['tags']) ?? [];
      const bad = tags.find((t) => /[*?]/.test(t));
      if (bad !== undefined) return no(`the tag ${JSON.stringify(bad)} (a * or ?)`, [...at, 'tags']);
      // A disallowed tag is a suffix :tag; an image without a tag has no : after its last /.
      const parts = [...tags.map((t) => `image not matches ${literal(`*:${t}`)}`), `image matches regex ${literal(':[^/]*$')}`];
      return ok({ rule: 'disallowed-tags', body: `require every container has (${parts.join(' and ')})` });
    },
  },
  K8sPSPAutomountServiceAccountTokenPod: {
    pkg: 'k8sautomountserviceaccounttoken',
    translate: () => {
      const mount = (d: string) => `any ${d} has any item in volumeMounts has mountPath = "/var/run/secrets/kubernetes.io/serviceaccount"`;
      return ok({ rule: 'no-automount-token', on: 'on create', body: `forbid spec.automountServiceAccountToken = true or spec.automountServiceAccountToken is absent and (${mount('app container')} or ${mount('init container')})` });
    },
  },
  K8sRequiredResources: {
    pkg: 'k8srequiredresources',
    translate: (p, at) => {
      const e = noExemptImages(p, at);
      if (!e.ok) return e;
      const tests: string[] = [];
      for (const what of ['limits', 'requests'] as const) {
        const keys = p[what] === undefined ? [] : strings(p[what]);
        if (!keys) return no(`parameters.${what} that is not a list of names`, [...at, what]);
        tests.push(...keys.map((k) => `resources.${what}${pathText([k]).startsWith('[') ? pathText([k]) : `.${k}`} exists`));
      }
      if (tests.length === 0) return no('parameters that require no limit and no request (the template then never reports anything)', at);
      // Rego reads spec.containers and spec.initContainers only (not ephemeral containers).
      const body = tests.length === 1 ? tests[0]! : `(${tests.join(' and ')})`;
      return ok({ rule: 'required-resources', body: `require every app container has ${body} and every init container has ${body}` });
    },
  },
  K8sContainerLimits: { pkg: 'k8scontainerlimits', translate: (p, at) => exemptThen(p, at, () => translateContainerQuantities(p, at, 'limits')) },
  K8sContainerRequests: { pkg: 'k8scontainerrequests', translate: (p, at) => exemptThen(p, at, () => translateContainerQuantities(p, at, 'requests')) },
  K8sContainerRatios: { pkg: 'k8scontainerratios', translate: (p, at) => exemptThen(p, at, () => translateContainerRatios(p, at)) },
  K8sContainerEphemeralStorageLimit: {
    pkg: 'k8scontainerephemeralstoragelimit',
    // lib.exclude_update: never on UPDATE (the field is immutable); Gatekeeper's webhook sends no DELETE.
    translate: (p, at) => exemptThen(p, at, () => translateEphemeralStorageLimit(p, at), 'on create'),
  },
  K8sRequiredProbes: {
    pkg: 'k8srequiredprobes',
    translate: (p, at) => {
      const probes = strings(p['probes']);
      const types = strings(p['probeTypes']);
      if (!probes || probes.length === 0 || !types || types.length === 0) return no('parameters.probes or probeTypes missing or empty', at);
      const names = new Set(['livenessProbe', 'readinessProbe', 'startupProbe']);
      const kinds = new Set(['exec', 'httpGet', 'tcpSocket', 'grpc']);
      const bad = [...probes.filter((x) => !names.has(x)), ...types.filter((x) => !kinds.has(x))];
      if (bad.length) return no(`the probe or probe type ${JSON.stringify(bad[0])}`, at);
      const each = probes.map((probe) => `(${types.map((t) => `${probe}.${t} exists`).join(' or ')})`);
      return ok({ rule: 'required-probes', on: 'on create', body: `require every app container has ${each.length === 1 ? each[0]! : `(${each.join(' and ')})`}` });
    },
  },
  K8sExternalIPs: {
    pkg: 'k8sexternalips',
    translate: (p, at) => {
      const ips = p['allowedIPs'] === undefined ? [] : strings(p['allowedIPs']);
      if (!ips) return no('parameters.allowedIPs that is not a list of strings', [...at, 'allowedIPs']);
      return ok({ rule: 'external-ips', body: ips.length ? `require spec.externalIPs contains only [${ips.map((i) => literal(i)).join(', ')}]` : 'require spec.externalIPs is empty' });
    },
  },
  K8sBlockWildcardIngress: {
    pkg: 'K8sBlockWildcardIngress',
    translate: () => ok({ rule: 'block-wildcard-ingress', body: 'forbid any item in spec.rules has (host is absent or host = "" or host matches regex "[*]")' }),
  },
  K8sReplicaLimits: {
    pkg: 'k8sreplicalimits',
    translate: (p, at) => {
      const ranges = p['ranges'];
      if (!Array.isArray(ranges) || ranges.length === 0) return no('parameters.ranges missing or empty', [...at, 'ranges']);
      const alts: string[] = [];
      for (const [i, r] of ranges.entries()) {
        const lo = isMap(r) ? r['min_replicas'] : undefined;
        const hi = isMap(r) ? r['max_replicas'] : undefined;
        if (!Number.isInteger(lo) || !Number.isInteger(hi)) return no('a range without integer min_replicas and max_replicas', [...at, 'ranges', i]);
        alts.push(`spec.replicas >= ${String(lo)} and spec.replicas <= ${String(hi)}`);
      }
      // The Rego reads spec.replicas only when the object has a spec: without one it reports nothing.
      return ok({ rule: 'replica-limits', body: `require spec is absent or ${alts.join(' or ')}` });
    },
  },
  K8sBlockEndpointEditDefaultRole: {
    pkg: 'k8sblockendpointeditdefaultrole',
    // The Rego reports the ClusterRole named system:aggregate-to-edit when one of its rules lists "endpoints" among
    // its resources and create, patch or update among its verbs (exact strings: "*" is not read as a wildcard).
    translate: () =>
      ok({
        rule: 'block-endpoint-edit',
        body: 'forbid metadata.name = "system:aggregate-to-edit" and any rbac rule has (resources contains "endpoints" and verbs contains any of ["create", "patch", "update"])',
        // Every verb and resource the Rego names, and near misses, so a translation that forgets one meets it.
        probes: [
          ['forbid metadata.name in ["system:aggregate-to-edit", "system:aggregate-to-admin"]'],
          ...['create', 'patch', 'update', 'get', 'delete', '*'].flatMap((v) => ['endpoints', 'endpointslices', '*'].map((r) => [
            `forbid metadata.name = "system:aggregate-to-edit" and any rbac rule has (resources contains ${literal(r)} and verbs contains ${literal(v)})`,
          ])),
        ],
      }),
  },
  K8sDisallowAnonymous: {
    pkg: 'k8sdisallowanonymous',
    translate: (p, at) => {
      const allowed = p['allowedRoles'] === undefined ? [] : strings(p['allowedRoles']);
      if (!allowed) return no('parameters.allowedRoles that is not a list of names', [...at, 'allowedRoles']);
      const authenticated = p['disallowAuthenticated'];
      if (authenticated !== undefined && typeof authenticated !== 'boolean') return no('a disallowAuthenticated that is not a boolean', [...at, 'disallowAuthenticated']);
      const groups = ['system:unauthenticated', 'system:anonymous', ...(authenticated ? ['system:authenticated'] : [])];
      const subjects = `any subject has name in [${groups.map((g) => literal(g)).join(', ')}]`;
      // `not is_allowed(roleRef)` holds when the role name is missing, which `not … in` keeps.
      // The Rego engine leaves `not is_allowed(roleRef, …)` undefined when the object has no roleRef (no violation).
      return ok({ rule: 'disallow-anonymous', body: `forbid roleRef exists and ${allowed.length ? `not roleRef.name in [${allowed.map((r) => literal(r)).join(', ')}] and ` : ''}${subjects}` });
    },
  },
  K8sStorageClass: {
    pkg: 'k8sstorageclass',
    ownKinds: true,
    translate: (p, at, match) => {
      const t = translateStorageClass(p, match, at, ['spec', 'match']);
      return t.ok ? ok({ rule: t.value[0]!.rule, body: t.value[0]!.body, applies: [], split: t.value }) : t;
    },
  },
  NoUpdateServiceAccount: {
    pkg: 'noupdateserviceaccount',
    ownKinds: true,
    translate: (p, at, match) => {
      const t = translateNoUpdateServiceAccount(p, match, at, ['spec', 'match']);
      return t.ok && t.value.length ? ok({ rule: t.value[0]!.rule, body: t.value[0]!.body, applies: [], on: 'on update', split: t.value }) : t.ok ? no('a match that selects none of the kinds the template reads', ['spec', 'match']) : t;
    },
  },
  K8sUniqueIngressHost: {
    pkg: 'k8suniqueingresshost',
    ownKinds: true,
    translate: (_p, _at, match) => {
      const t = translateUniqueIngressHost(match, ['spec', 'match']);
      return t.ok ? ok({ rule: 'unique-ingress-host', body: t.value.body, applies: t.value.applies }) : t;
    },
  },
  K8sHorizontalPodAutoscaler: {
    pkg: 'k8shorizontalpodautoscaler',
    ownKinds: true,
    translate: (p, at, match) => {
      const t = translateHorizontalPodAutoscaler(p, match, at, ['spec', 'match']);
      return t.ok ? ok({ rule: 'horizontal-pod-autoscaler', body: t.value.body, applies: t.value.applies }) : t;
    },
  },
  K8sUniqueServiceSelector: {
    pkg: 'k8suniqueserviceselector',
    ownKinds: true,
    translate: (_p, _at, match) => {
      const t = translateUniqueServiceSelector(match, ['spec', 'match']);
      return t.ok ? ok({ rule: 'unique-service-selector', body: t.value.body, applies: t.value.applies }) : t;
    },
  },
  VerifyDeprecatedAPI: {
    pkg: 'verifydeprecatedapi',
    ownKinds: true,
    translate: (p, at, match) => {
      const t = translateDeprecatedApi(p, match, at, ['spec', 'match']);
      return t.ok ? ok({ rule: 'deprecated-api', body: t.value.body, applies: t.value.applies, message: t.value.message }) : t;
    },
  },
  K8sPSPPrivilegedContainer: { pkg: 'k8spspprivileged', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translatePrivileged(psp.pspShape(rego))) },
  K8sPSPHostNamespace: { pkg: 'k8spsphostnamespace', translate: (_p, _at, _m, rego) => psp.translateHostNamespace(psp.pspShape(rego)) },
  K8sPSPAllowPrivilegeEscalationContainer: { pkg: 'k8spspallowprivilegeescalationcontainer', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateAllowPrivilegeEscalation(psp.pspShape(rego))) },
  K8sPSPReadOnlyRootFilesystem: { pkg: 'k8spspreadonlyrootfilesystem', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateReadOnlyRootFilesystem(psp.pspShape(rego))) },
  K8sPSPHostNetworkingPorts: { pkg: 'k8spsphostnetworkingports', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateHostNetworkingPorts(p, at, psp.pspShape(rego))) },
  K8sPSPProcMount: { pkg: 'k8spspprocmount', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateProcMount(p, at, psp.pspShape(rego))) },
  K8sPSPVolumeTypes: { pkg: 'k8spspvolumetypes', translate: (p, at, _m, rego) => psp.translateVolumeTypes(p, at, psp.pspShape(rego)) },
  K8sPSPForbiddenSysctls: { pkg: 'k8spspforbiddensysctls', translate: (p, at, _m, rego) => psp.translateForbiddenSysctls(p, at, psp.pspShape(rego), rego) },
  K8sPSPHostFilesystem: { pkg: 'k8spsphostfilesystem', translate: (p, at, _m, rego) => psp.translateHostFilesystem(p, at, psp.pspShape(rego)) },
  K8sPSPAllowedUsers: { pkg: 'k8spspallowedusers', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateAllowedUsers(p, at, psp.pspShape(rego))) },
  K8sPSPFSGroup: { pkg: 'k8spspfsgroup', translate: (p, at, _m, rego) => psp.translateFsGroup(p, at, psp.pspShape(rego)) },
  K8sPSPFlexVolumes: { pkg: 'k8spspflexvolumes', translate: (p, at, _m, rego) => psp.translateFlexVolumes(p, at, psp.pspShape(rego)) },
  K8sPSPSELinuxV2: { pkg: 'k8spspselinux', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateSELinux(p, at, psp.pspShape(rego))) },
  K8sPSPHostProcess: { pkg: 'k8spsphostprocess', translate: (p, at, _m, rego) => exemptThen(p, at, () => psp.translateHostProcess(psp.pspShape(rego))) },
  K8sHttpsOnly: {
    pkg: 'k8shttpsonly',
    translate: (p, at) => {
      const optional = p['tlsOptional'];
      if (optional !== undefined && typeof optional !== 'boolean') return no('a tlsOptional that is not a boolean', [...at, 'tlsOptional']);
      const annotation = 'metadata.annotations["kubernetes.io/ingress.allow-http"] = "false"';
      // The probe makes the generator write tls lists with elements, so that a complete Ingress is generated too.
      return ok({ rule: 'https-only', body: optional ? `require ${annotation}` : `require spec.tls is not empty and ${annotation}`, probes: [['forbid any item in spec.tls has secretName exists']] });
    },
  },
};

/**
 * gatekeeper-library templates (library/general, read from their template.yaml) whose meaning the secpol language
 * cannot express, with the construct it lacks: their Constraints stay SP3001 with this reason, never a near miss.
 */
const inexpressible: Readonly<Record<string, string>> = {
  ...psp.pspInexpressible,
  K8sPodDisruptionBudget: 'judges Deployments, StatefulSets and ReplicationControllers by the PodDisruptionBudgets of the synced inventory whose label selector selects them, comparing a PodDisruptionBudget\'s minAvailable with the object\'s own spec.replicas; secpol reads other objects by a reference field, by uniqueness or all of a kind, never by their label selector, and compares fields within one object only',
};

/** K8sRequiredLabels / K8sRequiredAnnotations: each key present, and matching its allowedRegex when one is given. */
function requiredKeys(p: Json, what: 'labels' | 'annotations', at: YamlPathStep[]): Translation<Recognised> {
  const entries = p[what];
  if (!Array.isArray(entries) || entries.length === 0) return no(`parameters.${what} missing or empty`, [...at, what]);
  const tests: string[] = [];
  for (const [i, e] of entries.entries()) {
    if (!isMap(e) || typeof e['key'] !== 'string') return no(`parameters.${what}[${i}] without a key`, [...at, what, i]);
    const path = `metadata.${what}[${literal(e['key'])}]`;
    const re = e['allowedRegex'];
    if (re !== undefined && typeof re !== 'string') return no(`a non-string allowedRegex`, [...at, what, i]);
    tests.push(re ? `${path} matches regex ${literal(re)}` : `${path} exists`);
  }
  return ok({ rule: `required-${what}`, body: `require ${tests.join(' and ')}` });
}

/** One Constraint (with its template) as one imported policy with one rule, or the reason it is not imported. */
export function importConstraint(doc: YamlDoc, template: { value: unknown; doc: YamlDoc } | undefined): ImportedPolicy {
  const c = doc.value as Json;
  const kind = String(c['kind']);
  const metadata = isMap(c['metadata']) ? c['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : 'unnamed';
  const spec = isMap(c['spec']) ? c['spec'] : {};
  const rules: ImportedRule[] = [];
  const missing: MissingRule[] = [];
  const head: string[] = [];
  const probes: (readonly string[])[] = [];
  const tail: string[] = [];
  const origin = spanAt(doc, ['metadata', 'name']);
  const miss = (reason: string, at: readonly YamlPathStep[]) => missing.push({ original: name, origin: spanAt(doc, at), reason });
  const result = (): ImportedPolicy => ({
    name: nameOf(name),
    source: 'gatekeeper',
    origin,
    describe: `Gatekeeper ${kind} ${name}`,
    head,
    rules,
    missing,
    original: { engine: 'gatekeeper', template: template?.value, constraint: c },
    doc,
    probes,
    tail,
  });
  const recogniser = recognisers[kind];
  if (!template) {
    miss(`no ConstraintTemplate defines the kind ${kind} in the input`, ['kind']);
    return result();
  }
  if (!recogniser && inexpressible[kind]) {
    miss(`the library template ${kind} ${inexpressible[kind]}`, ['kind']);
    return result();
  }
  if (!recogniser) {
    // A template in the shape secpol's Gatekeeper backend writes is lifted from its Rego (gatekeeper-secpol.ts).
    const lifted = liftSecpolConstraint(doc, template);
    if (lifted) return lifted;
    miss(`the template ${kind} is not one the importer knows (known: ${Object.keys(recognisers).sort().join(', ')})`, ['kind']);
    return result();
  }
  if (!new RegExp(`^\\s*package\\s+${recogniser.pkg}\\s*$`, 'm').test(regoOf(template.value))) {
    miss(`the template ${kind} does not carry the library's Rego (package ${recogniser.pkg})`, ['kind']);
    return result();
  }
  const action = spec['enforcementAction'] ?? 'deny';
  const mode = action === 'deny' ? 'enforce' : action === 'dryrun' ? 'audit' : action === 'warn' ? 'warn' : undefined;
  if (!mode) {
    miss(`the enforcementAction ${JSON.stringify(action)}`, ['spec', 'enforcementAction']);
    return result();
  }
  const scope = matchScope(spec['match'], ['spec', 'match'], recogniser.ownKinds === true);
  if (!scope.ok) {
    miss(scope.reason, scope.at ?? ['spec', 'match']);
    return result();
  }
  const params = spec['parameters'] === undefined ? {} : spec['parameters'];
  if (!isMap(params)) {
    miss('parameters that are not a map', ['spec', 'parameters']);
    return result();
  }
  const r = recogniser.translate(params, ['spec', 'parameters'], spec['match'], regoOf(template.value));
  if (!r.ok) {
    miss(r.reason, r.at ?? ['spec', 'parameters']);
    return result();
  }
  head.push(`mode ${mode}`, ...(r.value.applies ?? [`applies to ${scope.value.subject}`]), ...scope.value.lines, ...(r.value.on ? [r.value.on] : []));
  const exempt = exemptGlobs(params, ['spec', 'parameters']);
  if (exempt.ok && exempt.value.length && readsExemptImages.has(kind)) {
    tail.push('exception exempt-images {', `  images ${exempt.value.map((i) => literal(i)).join(', ')}`, `  reason ${literal(`exemptImages of Gatekeeper ${kind} ${name}`)}`, '}');
  }
  if (r.value.probes) probes.push(...r.value.probes);
  const message = r.value.message !== undefined ? [`message ${literal(r.value.message)}`] : typeof params['message'] === 'string' && !/[{}\n]/.test(params['message']) ? [`message ${literal(params['message'])}`] : [];
  if (r.value.split) for (const x of r.value.split) rules.push({ key: x.rule, original: name, origin, lines: [...x.applies, x.body, ...message] });
  else rules.push({ key: r.value.rule, original: name, origin, lines: [r.value.body, ...message] });
  return result();
}

function matchScope(match: unknown, at: YamlPathStep[], ownKinds = false): Translation<{ subject: string; lines: string[] }> {
  const m = match === undefined ? {} : match;
  if (!isMap(m)) return no('a match that is not a map', at);
  const extra = Object.keys(m).filter((k) => !['kinds', 'namespaces', 'excludedNamespaces'].includes(k));
  if (extra.length) return no(`match.${extra[0]} (only kinds, namespaces and excludedNamespaces are translated)`, [...at, extra[0]!]);
  if (ownKinds) {
    const lines = namespaceLines(m, at);
    return lines.ok ? ok({ subject: '', lines: lines.value }) : lines;
  }
  const kindsList = Array.isArray(m['kinds']) ? m['kinds'] : undefined;
  if (!kindsList || kindsList.length === 0) return no('a match without kinds (every kind)', at);
  const kinds: { apiVersion: string; kind: string }[] = [];
  for (const [i, k] of kindsList.entries()) {
    const groups = strings(isMap(k) ? k['apiGroups'] : undefined);
    const names = strings(isMap(k) ? k['kinds'] : undefined);
    if (!groups || !names) return no('a kinds entry without apiGroups and kinds lists', [...at, 'kinds', i]);
    for (const n of names) {
      const r = resolveKind(n, groups);
      if (!r || n.includes('*')) return no(`the kind ${JSON.stringify(n)} in apiGroups ${JSON.stringify(groups)}`, [...at, 'kinds', i]);
      kinds.push(r);
    }
  }
  const subject = subjectOf(kinds, false, true);
  if (typeof subject === 'string') return no(subject, [...at, 'kinds']);
  const lines = namespaceLines(m, at);
  return lines.ok ? ok({ subject: subject.text, lines: lines.value }) : lines;
}

function namespaceLines(m: Json, at: YamlPathStep[]): Translation<string[]> {
  const lines: string[] = [];
  for (const [key, word] of [['namespaces', 'in'], ['excludedNamespaces', 'except']] as const) {
    if (m[key] === undefined) continue;
    const ns = strings(m[key]);
    if (!ns || ns.some((n) => /[*?]/.test(n))) return no(`match.${key} that are not plain names`, [...at, key]);
    if (ns.length) lines.push(`${word} namespaces ${ns.map((n) => literal(n)).join(', ')}`);
  }
  return ok(lines);
}
