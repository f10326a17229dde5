/**
 * The data the NetworkPolicy engine reads: namespaces, pods and `networking.k8s.io/v1` NetworkPolicy
 * objects, plus the connection and verdict shapes it answers with.
 * A Cluster is treated as immutable once handed to the engine (compiled indexes are cached per object).
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export const protocols: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type Labels = Readonly<Record<string, string>>;

export interface ClusterNamespace {
  readonly name: string;
  /** `kubernetes.io/metadata.name` is added by the engine, as the API server does, whatever is given here. */
  readonly labels: Labels;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  /** Defaults to TCP. */
  readonly protocol?: Protocol;
}

export interface ClusterPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** The pod IP (IPv4 or IPv6); without it, `ipBlock` peers never match the pod. */
  readonly ip?: string;
  /** Container ports, used to resolve named ports in policy rules. */
  readonly ports?: readonly ContainerPort[];
}

/** `metav1.LabelSelector`, as parsed from YAML. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | null;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[] | null;
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector | null;
  readonly namespaceSelector?: LabelSelector | null;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] | null } | null;
}

export interface NetworkPolicyPort {
  readonly protocol?: Protocol | null;
  readonly port?: number | string | null;
  readonly endPort?: number | null;
}

export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[] | null;
  readonly ports?: readonly NetworkPolicyPort[] | null;
}

export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[] | null;
  readonly ports?: readonly NetworkPolicyPort[] | null;
}

/**
 * A `networking.k8s.io/v1` NetworkPolicy as parsed from YAML. The engine re-validates every field at run
 * time, so objects of a looser shape are reported by `checkCluster`, not trusted.
 */
export interface NetworkPolicy {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** A missing namespace means `default`. */
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: {
    readonly podSelector?: LabelSelector | null;
    readonly policyTypes?: readonly ('Ingress' | 'Egress')[] | null;
    readonly ingress?: readonly NetworkPolicyIngressRule[] | null;
    readonly egress?: readonly NetworkPolicyEgressRule[] | null;
  };
}

export interface Cluster {
  readonly namespaces: readonly ClusterNamespace[];
  readonly pods: readonly ClusterPod[];
  readonly policies: readonly NetworkPolicy[];
}

/** A pod by `namespace/name`, or any IP address (a pod's own IP resolves to that pod). */
export type Endpoint = { readonly pod: string } | { readonly ip: string };

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly protocol: Protocol;
  readonly port: number;
}

/** One rule that allowed a connection: `policy` is `namespace/name`, `rule` indexes `spec.ingress` or `spec.egress`. */
export interface RuleRef {
  readonly policy: string;
  readonly rule: number;
}

/** The verdict for one side of a connection: egress from the source, or ingress to the destination. */
export interface DirectionVerdict {
  /** The pod (`namespace/name`) whose policies decide this side, or null for an endpoint that is not a pod. */
  readonly pod: string | null;
  /** Some policy in the pod's namespace selects it with this direction in its `policyTypes`. */
  readonly isolated: boolean;
  /** Those policies, as `namespace/name`, sorted. */
  readonly policies: readonly string[];
  readonly allowed: boolean;
  /** Every rule that matches the connection (empty when not isolated). */
  readonly allowedBy: readonly RuleRef[];
}

export interface Verdict {
  /** Both egress from the source and ingress to the destination are allowed. */
  readonly allowed: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
}
