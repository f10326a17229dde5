import type { Span } from '../source/index.js';

/**
 * The syntax tree: what the user wrote, with spans, before any checking. Close to the surface so
 * `secpol fmt` can print it back; meaning is given by lowering to the IR (src/check/lower.ts).
 */

export interface Located {
  readonly span: Span;
}

export interface StringAst extends Located {
  readonly value: string;
}

export interface NameAst extends Located {
  readonly text: string;
}

export interface FileAst extends Located {
  readonly kind: 'file';
  readonly imports: readonly ImportAst[];
  readonly decls: readonly (PolicyAst | NetworkAst | DefaultsAst)[];
  /** Comments with their spans; the printer puts them back by position. */
  readonly comments: readonly CommentAst[];
}

export interface CommentAst extends Located {
  readonly text: string;
}

export interface ImportAst extends Located {
  readonly kind: 'import';
  readonly path: StringAst;
}

// ---- admission policies ----

export interface PolicyAst extends Located {
  readonly kind: 'policy';
  readonly name: NameAst;
  readonly items: readonly PolicyItemAst[];
}

export type PolicyItemAst =
  | TextSettingAst
  | WordSettingAst
  | AppliesAst
  | NamespacesAst
  | LabelsAst
  | OperationsAst
  | OmitAst
  | RuleAst
  | PodSecurityAst
  | ExceptionAst
  | VerifyImagesAst;

export interface TextSettingAst extends Located {
  readonly kind: 'text-setting';
  readonly key: 'title' | 'description' | 'category' | 'message';
  readonly value: StringAst;
}

export interface WordSettingAst extends Located {
  readonly kind: 'word-setting';
  readonly key: 'severity' | 'mode';
  readonly value: NameAst;
}

export type KindTargetAst =
  | (Located & { readonly kind: 'pods' })
  | (Located & { readonly kind: 'kinds'; readonly apiVersion: StringAst; readonly kinds: readonly NameAst[] });

export interface AppliesAst extends Located {
  readonly kind: 'applies';
  readonly target: KindTargetAst;
}

export interface NamespacesAst extends Located {
  readonly kind: 'namespaces';
  readonly include: boolean;
  readonly names: readonly StringAst[];
}

export interface LabelsAst extends Located {
  readonly kind: 'labels';
  /** `where namespace labels …` selects by the namespace's labels, `where labels …` by the object's. */
  readonly ofNamespace: boolean;
  readonly tests: readonly LabelTestAst[];
}

export type LabelOp = '=' | '!=' | 'in' | 'not in' | 'exists' | 'is absent';

export interface LabelTestAst extends Located {
  readonly key: StringAst;
  readonly op: LabelOp;
  readonly values: readonly ValueAst[];
}

export interface OperationsAst extends Located {
  readonly kind: 'operations';
  readonly operations: readonly NameAst[];
}

export interface OmitAst extends Located {
  readonly kind: 'omit';
  readonly backends: readonly NameAst[];
  readonly reason: StringAst;
}

export interface RuleAst extends Located {
  readonly kind: 'rule';
  readonly name: NameAst;
  readonly items: readonly RuleItemAst[];
}

export type RuleItemAst = AssertionAst | TextSettingAst | AppliesAst | OmitAst;

export interface AssertionAst extends Located {
  readonly kind: 'assertion';
  readonly verb: 'require' | 'forbid' | 'when';
  readonly predicate: PredicateAst;
}

export type PredicateAst = OrAst | AndAst | NotAst | QuantifiedAst | ComparisonAst;

export interface OrAst extends Located {
  readonly kind: 'or';
  readonly operands: readonly PredicateAst[];
}

export interface AndAst extends Located {
  readonly kind: 'and';
  readonly operands: readonly PredicateAst[];
}

export interface NotAst extends Located {
  readonly kind: 'not';
  readonly operand: PredicateAst;
}

export type Quantifier = 'any' | 'every' | 'no';

export interface QuantifiedAst extends Located {
  readonly kind: 'quantified';
  readonly quantifier: Quantifier;
  readonly domain: DomainAst;
  readonly body: PredicateAst;
}

export type DomainAst =
  | (Located & { readonly kind: 'container'; readonly which: 'all' | 'app' | 'init' | 'ephemeral' })
  | (Located & { readonly kind: 'volume' | 'port' | 'env' | 'rbac-rule' | 'subject' })
  | (Located & { readonly kind: 'item'; readonly path: PathAst })
  /** `role referenced by roleRef`: the object the field at `path` names (docs/language/references.md). */
  | (Located & { readonly kind: 'reference'; readonly target: NameAst; readonly path: PathAst })
  /** `"storage.k8s.io/v1" StorageClass in the cluster`: every object of those kinds (docs/language/references.md). */
  | (Located & { readonly kind: 'cluster'; readonly among: readonly Extract<KindTargetAst, { kind: 'kinds' }>[] });

export interface PathAst extends Located {
  readonly segments: readonly PathSegmentAst[];
}

export interface PathSegmentAst extends Located {
  readonly name: string;
  /** Written as ["…"] (needed for keys with dots or slashes, such as label keys). */
  readonly bracketed: boolean;
}

export interface ComparisonAst extends Located {
  readonly kind: 'comparison';
  readonly effective: boolean;
  readonly path: PathAst;
  readonly test: TestAst;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ListOp = 'in' | 'not in' | 'contains only' | 'contains none of' | 'contains any of';
export type StateOp = 'exists' | 'is absent' | 'is not absent' | 'is empty' | 'is not empty';

export type TestAst =
  | (Located & { readonly kind: 'compare'; readonly op: CompareOp; readonly value: ValueAst })
  | (Located & { readonly kind: 'list'; readonly op: ListOp; readonly values: readonly ValueAst[] })
  | (Located & { readonly kind: 'match'; readonly negated: boolean; readonly regex: boolean; readonly pattern: StringAst })
  | (Located & { readonly kind: 'state'; readonly op: StateOp })
  | (Located & { readonly kind: 'contains'; readonly value: ValueAst })
  /** `is unique among "v1" Service, "serving.knative.dev/v1" Service in the cluster`: each apiVersion with its kinds. */
  | (Located & { readonly kind: 'unique'; readonly among: readonly Extract<KindTargetAst, { kind: 'kinds' }>[] })
  /** `is unchanged`: on an UPDATE, the value equals the old object's (docs/language/changes.md). */
  | (Located & { readonly kind: 'unchanged' })
  /** `<= 2 * resources.requests.cpu`, `>= spec.minReplicas + 1`: a bound read from another field (docs/language/predicates.md). */
  | (Located & { readonly kind: 'relative'; readonly op: CompareOp; readonly operand: RelativeAst });

/** `FACTOR * PATH + OFFSET`, each number as written (`offset` keeps its sign: `- 1` is "-1"). */
export interface RelativeAst extends Located {
  readonly factor?: Extract<ValueAst, { kind: 'number' }>;
  readonly path: PathAst;
  readonly offset?: Extract<ValueAst, { kind: 'number' }>;
}

export type ValueAst =
  | (Located & { readonly kind: 'string'; readonly value: string })
  | (Located & { readonly kind: 'number'; readonly text: string })
  | (Located & { readonly kind: 'quantity'; readonly text: string })
  | (Located & { readonly kind: 'boolean'; readonly value: boolean });

export interface PodSecurityAst extends Located {
  readonly kind: 'pod-security';
  readonly mode: NameAst;
  readonly level: NameAst;
  /** `version v1.30` or `version latest`; absent means latest. */
  readonly version?: NameAst;
}

export interface ExceptionAst extends Located {
  readonly kind: 'exception';
  readonly name: NameAst;
  readonly items: readonly ExceptionItemAst[];
}

export type ExceptionItemAst =
  | (Located & { readonly kind: 'namespaces' | 'images'; readonly values: readonly StringAst[] })
  | (Located & { readonly kind: 'workloads'; readonly workloads: readonly WorkloadRefAst[] })
  | (Located & { readonly kind: 'controls' | 'rules'; readonly names: readonly NameAst[] })
  | (Located & { readonly kind: 'reason'; readonly value: StringAst })
  | (Located & { readonly kind: 'expires'; readonly date: NameAst });

/** `verify images <name> matching "glob", … { … }`: signatures and attestations of container images (docs/language/images.md). */
export interface VerifyImagesAst extends Located {
  readonly kind: 'verify-images';
  readonly name: NameAst;
  readonly images: readonly StringAst[];
  readonly items: readonly VerifyItemAst[];
}

export type VerifyItemAst =
  /** `resolved`: the key file's text, when `key` names a file (read by the load stage, src/load-keys.ts). */
  | (Located & { readonly kind: 'key'; readonly key: StringAst; readonly resolved?: { readonly path: string; readonly text: string } })
  | (Located & { readonly kind: 'keyless'; readonly issuer: StringAst; readonly subject: StringAst })
  | (Located & { readonly kind: 'attestation'; readonly type: StringAst; readonly conditions: readonly ComparisonAst[] })
  | (Located & { readonly kind: 'mutate-digest' | 'require-digest' });

export interface WorkloadRefAst extends Located {
  readonly workloadKind: NameAst;
  /** "namespace/name" */
  readonly ref: StringAst;
}

// ---- network intents ----

export interface NetworkAst extends Located {
  readonly kind: 'network';
  readonly name: NameAst;
  readonly items: readonly NetworkItemAst[];
}

export type NetworkItemAst =
  | TextSettingAst
  | (Located & { readonly kind: 'default-namespace'; readonly namespace: StringAst })
  | WorkloadDeclAst
  | (Located & { readonly kind: 'default-deny'; readonly directions: readonly NameAst[]; readonly namespaces: readonly StringAst[] })
  | (Located & { readonly kind: 'allow-dns'; readonly namespaces: readonly StringAst[] })
  | AllowFlowAst
  | QuarantineAst;

/** `quarantine pods where … in namespaces "…" except namespace "…"`; both lists are optional in the syntax. */
export interface QuarantineAst extends Located {
  readonly kind: 'quarantine';
  readonly labels: readonly LabelTestAst[];
  readonly namespaces: readonly StringAst[];
  readonly forensics?: StringAst;
}

export interface WorkloadDeclAst extends Located {
  readonly kind: 'workload';
  readonly name: NameAst;
  readonly namespace: StringAst;
  readonly labels: readonly LabelTestAst[];
  readonly ports: readonly NamedPortAst[];
}

export interface NamedPortAst extends Located {
  readonly name: NameAst;
  readonly port: PortSpecAst;
}

export interface PortSpecAst extends Located {
  readonly protocol: NameAst;
  /** A number, a range "8000-9000", or a named port. */
  readonly port: (Located & { readonly kind: 'number'; readonly text: string }) | (Located & { readonly kind: 'range'; readonly text: string }) | (Located & { readonly kind: 'named'; readonly name: string });
}

export interface AllowFlowAst extends Located {
  readonly kind: 'allow';
  readonly from: PeerAst;
  readonly to: PeerAst;
  readonly ports: readonly PortSpecAst[];
}

export type PeerAst =
  | (Located & { readonly kind: 'workload'; readonly name: NameAst })
  | (Located & { readonly kind: 'pods'; readonly labels: readonly LabelTestAst[]; readonly namespace?: PeerNamespaceAst })
  | (Located & { readonly kind: 'namespace'; readonly namespace: StringAst })
  | (Located & { readonly kind: 'namespaces'; readonly labels: readonly LabelTestAst[] })
  | (Located & { readonly kind: 'cidr'; readonly cidr: StringAst; readonly except: readonly StringAst[] });

export type PeerNamespaceAst =
  | (Located & { readonly kind: 'named'; readonly namespace: StringAst })
  | (Located & { readonly kind: 'selected'; readonly labels: readonly LabelTestAst[] });

// ---- per-namespace defaults ----

/** `defaults NAME { … }`: what every namespace in the block's scope gets (docs/language/defaults.md). */
export interface DefaultsAst extends Located {
  readonly kind: 'defaults';
  readonly name: NameAst;
  readonly items: readonly DefaultsItemAst[];
}

export type DefaultsItemAst =
  | TextSettingAst
  | WordSettingAst
  | AppliesAst
  | NamespacesAst
  | LabelsAst
  | OperationsAst
  | PodSecurityAst
  | OmitAst
  | (Located & { readonly kind: 'default-deny'; readonly directions: readonly NameAst[]; readonly namespaces: readonly StringAst[] })
  | (Located & { readonly kind: 'allow-dns'; readonly namespaces: readonly StringAst[] });
