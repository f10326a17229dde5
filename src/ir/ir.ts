import type { Span } from '../source/index.js';

/**
 * The secpol IR: a closed, typed model of what a policy file means, independent of any backend.
 * Every node keeps the span of the source it came from, so a backend limitation points into the .secpol file.
 * The reference semantics of this model live in src/eval/ and in docs/language/semantics.md.
 */

export interface PolicySet {
  readonly policies: readonly Policy[];
  readonly networks: readonly NetworkSet[];
  /** `defaults` blocks, sorted by name; absent when the input has none. */
  readonly defaults?: readonly NamespaceDefaults[];
}

// ------------------------------------------------------------------ admission

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Mode = 'enforce' | 'audit' | 'warn';
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
/** Backends a user may opt a rule or policy out of, with a reason (`omit from psa because "…"`). */
export type BackendId = 'kyverno' | 'gatekeeper' | 'psa' | 'netpol' | 'vap' | 'kyverno-cel';

export interface Omission {
  readonly backends: readonly BackendId[];
  readonly reason: string;
  readonly span: Span;
}

export interface Policy {
  readonly name: string;
  readonly span: Span;
  readonly title?: string;
  readonly description?: string;
  readonly category?: string;
  readonly severity: Severity;
  readonly mode: Mode;
  readonly scope: Scope;
  readonly rules: readonly Rule[];
  readonly podSecurity: readonly PodSecurity[];
  readonly exceptions: readonly Exception[];
  readonly omissions: readonly Omission[];
  /** `verify images` blocks, sorted by name; absent when the policy has none. */
  readonly images?: readonly ImageVerification[];
}

/**
 * What a policy applies to. `pods` covers Pods and the pod template of every pod controller
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job: spec.template; CronJob: spec.jobTemplate.spec.template);
 * rules over pods are written against the Pod shape and each backend maps them onto controllers.
 */
export interface Scope {
  readonly subjects: readonly Subject[];
  /** Namespaces the policy is limited to; empty = every namespace (and cluster-scoped objects). */
  readonly namespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  readonly objectSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  /** Default: CREATE and UPDATE. */
  readonly operations: readonly Operation[];
  readonly span: Span;
}

export type Subject =
  | { readonly kind: 'pods'; readonly span: Span }
  | { readonly kind: 'resource'; readonly group: string; readonly version: string; readonly resourceKind: string; readonly span: Span };

export const podControllers = [
  { group: 'apps', version: 'v1', kind: 'Deployment', template: ['spec', 'template'] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', template: ['spec', 'template'] },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', template: ['spec', 'template'] },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', template: ['spec', 'template'] },
  { group: 'batch', version: 'v1', kind: 'Job', template: ['spec', 'template'] },
  { group: 'batch', version: 'v1', kind: 'CronJob', template: ['spec', 'jobTemplate', 'spec', 'template'] },
] as const;

/** A Kubernetes label selector in canonical form: keys sorted, expressions sorted by key then operator. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelExpression[];
  readonly span: Span;
}

export interface LabelExpression {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/**
 * One rule: `require P` denies an object unless P holds; `forbid P` denies it when P holds.
 * `when W` limits the rule to objects where W holds (others are skipped, never denied).
 */
export interface Rule {
  readonly name: string;
  readonly span: Span;
  readonly title?: string;
  readonly description?: string;
  readonly message?: MessageTemplate;
  readonly effect: 'require' | 'forbid';
  readonly predicate: Predicate;
  readonly predicateSpan: Span;
  readonly when?: Predicate;
  /** Rule-level `applies to`, replacing the policy's subjects for this rule. */
  readonly subjects?: readonly Subject[];
  readonly omissions: readonly Omission[];
}

/** A message with `{path}` placeholders naming fields of the offending element (e.g. `{name}`, `{image}`). */
export interface MessageTemplate {
  /** A field part is `apiTyped` (with its `type`) as a `ValueRef` is: the API server gives it that type. */
  readonly parts: readonly ({ readonly kind: 'text'; readonly text: string } | { readonly kind: 'field'; readonly path: readonly string[]; readonly type?: FieldType; readonly apiTyped?: true })[];
  readonly span: Span;
}

export type Predicate =
  | { readonly kind: 'and'; readonly operands: readonly Predicate[]; readonly span: Span }
  | { readonly kind: 'or'; readonly operands: readonly Predicate[]; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: Predicate; readonly span: Span }
  | Quantified
  | Referenced
  | InCluster
  | Unique
  | Unchanged
  | Relation
  | FieldTest;

/**
 * `any|every|no <domain> has P`. The body is evaluated with the element as its scope; an empty or missing
 * list makes `any` false, `every` true and `no` true.
 */
export interface Quantified {
  readonly kind: 'quantified';
  readonly quantifier: 'any' | 'every' | 'no';
  readonly domain: Domain;
  readonly body: Predicate;
  readonly span: Span;
}

/**
 * `any|every|no role referenced by roleRef has P` (docs/language/references.md, semantics §3.1): the object the
 * reference names, looked up in the cluster's inventory beside the request. It is a domain of zero or one element:
 * a referenced object that does not exist makes `any` false, `every` true and `no` true. The body is evaluated with
 * the referenced object as its scope.
 */
export interface Referenced {
  readonly kind: 'referenced';
  readonly quantifier: 'any' | 'every' | 'no';
  readonly reference: Reference;
  readonly body: Predicate;
  readonly span: Span;
}

/**
 * A reference the language knows (src/ir/references.ts): `role` read from a binding's `roleRef` names a ClusterRole
 * (cluster-scoped) or a Role in the binding's namespace, by roleRef.kind and roleRef.name.
 */
export interface Reference {
  readonly kind: 'role' | 'storage-class' | 'scale-target';
  /** The referring field, relative to the object (`roleRef`). */
  readonly path: readonly string[];
  readonly span: Span;
}

/**
 * `any|every|no KINDS in the cluster has P` (docs/language/references.md, semantics §3.3): a quantifier over every
 * object of those kinds (apiVersion and kind) in the inventory, the object under review's stored version included. The
 * body is evaluated with each object as its scope.
 */
export interface InCluster {
  readonly kind: 'in-cluster';
  readonly quantifier: 'any' | 'every' | 'no';
  readonly among: readonly UniqueKind[];
  readonly body: Predicate;
  readonly span: Span;
}

/**
 * `PATH is unique among KINDS in the cluster` (docs/language/uniqueness.md, semantics §3.2): no other object of those
 * kinds in the cluster's inventory (one that is not the object under review: another kind, namespace or name) holds
 * the value at the same place. Written at the object, or in `item in PATH` quantifiers over the object's own lists.
 */
export interface Unique {
  readonly kind: 'unique';
  /** The value under test, relative to the current scope (the object, or the enclosing quantifiers' element). */
  readonly path: readonly string[];
  /**
   * Where other objects hold the value: the list hops of the enclosing `item` quantifiers from the object's root,
   * then `path` (`every item in spec.rules has host is unique …`: [[spec, rules], [host]]).
   */
  readonly place: readonly (readonly string[])[];
  readonly among: readonly UniqueKind[];
  /**
   * `string`: a missing value is unique, and strings are compared; `map` (a string map such as a selector): an
   * absent map is the empty one (Kubernetes serialises an empty map as absent), maps compared as wholes.
   */
  readonly compare: 'string' | 'map';
  readonly span: Span;
}

/**
 * `PATH is unchanged` (docs/language/changes.md, semantics §3.4): on an UPDATE, the value at PATH equals the old
 * object's (a missing value equals only a missing one); on any other request, and in an audit, true. At the object,
 * in rules that do not apply to pods.
 */
export interface Unchanged {
  readonly kind: 'unchanged';
  readonly path: readonly string[];
  readonly span: Span;
}

/**
 * `PATH OP [FACTOR *] OTHER [+|- OFFSET]` (docs/language/predicates.md, semantics §3.5): both fields of the same scope,
 * both integers or both quantities; true when both are present with values of that type (a number, or for quantities
 * a quantity string) and `subject OP factor × other + offset` holds, compared by exact value.
 */
export interface Relation {
  readonly kind: 'relation';
  readonly op: 'lt' | 'le' | 'gt' | 'ge';
  readonly subject: FieldRef;
  readonly other: FieldRef;
  readonly type: 'integer' | 'quantity';
  /** The factor as a reduced fraction of safe integers (`1.5` is 3/2); 1/1 when none is written. */
  readonly factor: Ratio;
  /** A whole number (integer fields only); 0 when none is written. */
  readonly offset: number;
  readonly span: Span;
}

export type FieldRef = Extract<ValueRef, { kind: 'field' }>;

/** A non-negative decimal as written and as a reduced fraction. */
export interface Ratio {
  readonly text: string;
  readonly numerator: number;
  readonly denominator: number;
}

/** One kind a uniqueness test compares with, as the API serves it. */
export interface UniqueKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The lowercase plural of the kind, as the API server's URL paths spell it. */
  readonly resource: string;
}

export type DomainKind = 'container' | 'volume' | 'port' | 'env' | 'rbac-rule' | 'subject' | 'item';

/**
 * The elements a quantifier ranges over: the union of several list chains, each a sequence of hops
 * from the current scope (e.g. ports of every container: [[spec, containers], [ports]]).
 */
export interface Domain {
  readonly kind: DomainKind;
  readonly chains: readonly (readonly (readonly string[])[])[];
  readonly span: Span;
  /**
   * Every list on the chains is a list of objects the API server types (fields of built-in kinds, for every subject
   * of the rule): in an admitted object each is absent or a list of objects, never null, a scalar or a null element.
   */
  readonly apiTyped?: true;
}

/**
 * `apiTyped`: the API server validates this value before admission (docs/verification.md, "admitted"): a field of a
 * built-in kind (not a CRD) that the field table types alike for every subject of the rule, on a path of typed
 * objects. In an admitted object the value is then absent or of `type` (never null), and each object on its path is
 * an object; backends may leave out the type guards they need for other shapes. Absent for `any` fields and CRDs.
 */
export type ValueRef =
  | { readonly kind: 'field'; readonly path: readonly string[]; readonly type: FieldType; readonly apiTyped?: true }
  /**
   * The value Kubernetes applies to a container: the container's securityContext field if set, else the pod's.
   * Only inside a container quantifier whose elements are containers of the object being checked.
   */
  | { readonly kind: 'effective'; readonly field: EffectiveField; readonly containerPath: readonly string[]; readonly podPath: readonly string[]; readonly type: FieldType; readonly apiTyped?: true };

export const effectiveFields = {
  runAsNonRoot: 'boolean',
  runAsUser: 'integer',
  runAsGroup: 'integer',
  'seccompProfile.type': 'string',
  'seccompProfile.localhostProfile': 'string',
  'appArmorProfile.type': 'string',
  'appArmorProfile.localhostProfile': 'string',
  'seLinuxOptions.type': 'string',
  'seLinuxOptions.user': 'string',
  'seLinuxOptions.role': 'string',
  'seLinuxOptions.level': 'string',
  'windowsOptions.hostProcess': 'boolean',
} as const satisfies Record<string, FieldType>;
export type EffectiveField = keyof typeof effectiveFields;

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'quantity' | 'string-list' | 'object-list' | 'object' | 'string-map' | 'any';

/**
 * A test on one value. On a missing (or null) value every test is false except `absent` and `empty`
 * (a missing list or string counts as empty); list tests treat a missing list as empty.
 */
export interface FieldTest {
  readonly kind: 'test';
  readonly subject: ValueRef;
  readonly test: Test;
  readonly span: Span;
}

export type Scalar = string | number | boolean;

/** A Kubernetes quantity literal with its value in base units (512Mi = 536870912, 500m = 0.5). */
export interface QuantityValue {
  readonly text: string;
  readonly value: number;
}

export type Test =
  | { readonly op: 'eq' | 'ne'; readonly value: Scalar }
  | { readonly op: 'lt' | 'le' | 'gt' | 'ge'; readonly value: number; readonly quantity?: QuantityValue }
  | { readonly op: 'in' | 'not-in'; readonly values: readonly Scalar[] }
  | { readonly op: 'exists' | 'absent' | 'empty' | 'not-empty' }
  | { readonly op: 'glob' | 'not-glob'; readonly pattern: string }
  | { readonly op: 'regex' | 'not-regex'; readonly pattern: string }
  | { readonly op: 'contains'; readonly value: Scalar }
  | { readonly op: 'contains-only' | 'contains-none' | 'contains-any'; readonly values: readonly Scalar[] };

export type TestOp = Test['op'];

// ------------------------------------------------------------------ image verification

/**
 * `verify images <name> matching "glob", … { … }` (docs/language/images.md, semantics §6): every container image
 * (containers, init and ephemeral containers of pods and pod templates) whose normalized reference matches one of
 * the globs must be signed by EVERY attestor, carry every attestation (signed by every attestor, its conditions
 * holding on the attestation's predicate) and, with `require digest`, be pinned by digest unless `mutate digest`
 * pins it at admission. Whether a signature or attestation verifies is decided by an oracle passed in explicitly.
 */
export interface ImageVerification {
  readonly name: string;
  readonly span: Span;
  /** Globs (`*` any run of characters, `?` one) over the normalized reference (docker.io/…, :latest added). */
  readonly images: readonly string[];
  readonly attestors: readonly ImageAttestor[];
  readonly attestations: readonly ImageAttestation[];
  readonly mutateDigest: boolean;
  readonly requireDigest: boolean;
}

export type ImageAttestor =
  /** A Cosign public key, PEM text. */
  | { readonly kind: 'key'; readonly publicKey: string; readonly span: Span }
  /** Cosign keyless: the Fulcio certificate's OIDC issuer and subject (the subject may contain `*`). */
  | { readonly kind: 'keyless'; readonly issuer: string; readonly subject: string; readonly span: Span };

/** An in-toto attestation of the given predicate type; its conditions all hold on the predicate. */
export interface ImageAttestation {
  readonly type: string;
  readonly conditions: readonly AttestationCondition[];
  readonly span: Span;
}

/** A comparison of one predicate field (identifier segments only) with a literal. */
export interface AttestationCondition {
  readonly path: readonly string[];
  readonly op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
  readonly value: Scalar;
}

// ------------------------------------------------------------------ pod security

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurity {
  readonly mode: Mode;
  readonly level: PssLevel;
  /** `latest` or a Kubernetes minor version (v1.N). */
  readonly version: 'latest' | { readonly minor: number };
  readonly span: Span;
}

/** The Pod Security Standards controls an exception may name, in the language's kebab-case. */
export const pssControls = [
  'host-process',
  'host-namespaces',
  'privileged',
  'capabilities',
  'host-path-volumes',
  'host-ports',
  'host-probes',
  'apparmor',
  'selinux',
  'proc-mount',
  'seccomp',
  'sysctls',
  'volume-types',
  'privilege-escalation',
  'run-as-non-root',
  'run-as-user',
] as const;
export type PssControl = (typeof pssControls)[number];

// ------------------------------------------------------------------ exceptions

/**
 * Exempts objects from some rules (all the policy's rules when `rules` is empty). Filters combine with AND:
 * namespaces (object's namespace), workloads (a named controller and the pods named after it),
 * images (containers whose image matches a glob drop out of container quantifiers),
 * controls (Pod Security controls skipped by `pod-security`).
 */
export interface Exception {
  readonly name: string;
  readonly span: Span;
  readonly reason: string;
  /** `expires YYYY-MM-DD`: valid through that date, UTC (src/ir/expiry.ts); `expiresSpan` is the date's. */
  readonly expires?: string;
  readonly expiresSpan?: Span;
  readonly rules: readonly string[];
  readonly namespaces: readonly string[];
  readonly workloads: readonly WorkloadRef[];
  readonly images: readonly string[];
  readonly controls: readonly PssControl[];
}

export interface WorkloadRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly span: Span;
}

// ------------------------------------------------------------------ network

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface NetworkSet {
  readonly name: string;
  readonly span: Span;
  readonly title?: string;
  readonly description?: string;
  readonly workloads: readonly Workload[];
  readonly defaultDeny: readonly DefaultDeny[];
  readonly dns: readonly DnsAllow[];
  readonly flows: readonly Flow[];
  readonly quarantines: readonly Quarantine[];
}

/**
 * `quarantine pods where … in namespaces … except namespace "forensics"`: in each listed namespace, the pods
 * the selector matches are isolated for ingress and egress whatever the flows and `allow dns` say; only
 * connections with pods of the forensics namespace (both ways) pass their side (semantics §5, quarantine).
 * The selector is one label test, so that its negation is one label requirement.
 */
export interface Quarantine {
  readonly pods: LabelSelector;
  readonly namespaces: readonly string[];
  readonly forensics?: string;
  readonly span: Span;
}

export interface Workload {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly name: string; readonly protocol: Protocol; readonly port: number }[];
  readonly span: Span;
}

export interface DefaultDeny {
  readonly namespace: string;
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly span: Span;
}

/** Egress from every pod of the namespace to kube-system pods labelled k8s-app=kube-dns on UDP and TCP 53. */
export interface DnsAllow {
  readonly namespace: string;
  readonly span: Span;
}

/**
 * `allow from A to B on P`: egress from A and ingress to B, for the ports listed (all ports when none).
 * Each side only matters where that side is isolated (by a default deny); an external CIDR has no side.
 */
export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  readonly ports: readonly PortRule[];
  readonly span: Span;
}

export type Peer =
  | { readonly kind: 'pods'; readonly namespace: NamespaceRef; readonly pods: LabelSelector; readonly span: Span; readonly workload?: string }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except: readonly string[]; readonly span: Span };

export type NamespaceRef =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'selector'; readonly selector: LabelSelector };

export type PortRule =
  | { readonly kind: 'number'; readonly protocol: Protocol; readonly port: number; readonly endPort?: number }
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string };

// ------------------------------------------------------------------ per-namespace defaults

/**
 * `defaults NAME { … }` (docs/language/defaults.md, semantics §7): what every selected namespace has once it is
 * admitted. A namespace is selected when its name is listed (or no names are listed), its own labels match the
 * selector, and it is not excepted. It then holds the NetworkPolicies of `default deny` and `allow dns` (named
 * after the block) and carries the Pod Security Admission labels of the pod-security lines.
 */
export interface NamespaceDefaults {
  readonly name: string;
  readonly span: Span;
  readonly title?: string;
  readonly description?: string;
  /** Namespaces selected by name, sorted; empty = every namespace. */
  readonly namespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  /** A test on the namespace's own labels. */
  readonly selector?: LabelSelector;
  readonly defaultDeny?: { readonly ingress: boolean; readonly egress: boolean; readonly span: Span };
  /** `allow dns`, kept only where egress is denied (else it changes nothing: SP1017). */
  readonly dns?: { readonly span: Span };
  /** Sorted by mode: enforce, audit, warn. */
  readonly podSecurity: readonly PodSecurity[];
  /** `omit from BACKEND, … because "…"`: backends that leave the block out, on the record (as a policy's omissions). */
  readonly omissions: readonly Omission[];
}
