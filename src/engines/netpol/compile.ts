import type { Cluster, Labels } from './cluster.js';
import { parseIp, type Ip, type IpBlock } from './cidr.js';
import { compilePolicy, type CompiledPolicy } from './policy.js';
import { checkNamespace, checkPod } from './objects.js';
import { namedPortsOf, type NamedPorts, type PortMatcher } from './ports.js';
import type { CompiledSelector } from './selectors.js';

/** The label the API server sets on every namespace to its own name (immutable, since Kubernetes 1.22). */
export const namespaceNameLabel = 'kubernetes.io/metadata.name';

export interface PodEntry {
  readonly ref: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ip: Ip | undefined;
  readonly namedPorts: NamedPorts;
}

/** One rule with its peers resolved against this cluster's pods. */
export interface IndexedRule {
  readonly policy: string;
  readonly index: number;
  readonly peers: readonly IndexedPeer[] | null;
  readonly ports: readonly PortMatcher[] | null;
}

/** `members[i] === 1` iff pod i is selected by the peer's pod and namespace selectors. */
export type IndexedPeer =
  | { readonly kind: 'pods'; readonly members: Uint8Array }
  | { readonly kind: 'ipBlock'; readonly block: IpBlock };

export interface PolicySide {
  /** Refs of the policies isolating the pod in this direction, sorted. */
  readonly policies: readonly string[];
  /** Their rules for this direction, in policy order. */
  readonly rules: readonly IndexedRule[];
}

/** Everything `isAllowed` needs, computed once per Cluster object. */
export interface CompiledCluster {
  readonly pods: readonly PodEntry[];
  readonly podByRef: ReadonlyMap<string, number>;
  readonly podByIp: ReadonlyMap<string, number>;
  readonly ingress: readonly PolicySide[];
  readonly egress: readonly PolicySide[];
  readonly errors: readonly string[];
}

const cache = new WeakMap<Cluster, CompiledCluster>();

export function compiled(cluster: Cluster): CompiledCluster {
  let result = cache.get(cluster);
  if (!result) {
    result = compileCluster(cluster);
    cache.set(cluster, result);
  }
  return result;
}

export function ipKey(ip: Ip): string {
  return `${ip.v6 ? 6 : 4}:${ip.value.toString(16)}`;
}

function compileCluster(cluster: Cluster): CompiledCluster {
  const errors: string[] = [];
  const namespaceLabels = new Map<string, Labels>();
  for (const ns of asList(cluster.namespaces, 'namespaces', errors)) {
    const checked = checkNamespace(ns, errors);
    if (!checked) continue;
    if (namespaceLabels.has(checked.name)) {
      errors.push(`Namespace ${checked.name} is defined more than once; the first definition is used`);
    } else {
      namespaceLabels.set(checked.name, { ...checked.labels, [namespaceNameLabel]: checked.name });
    }
  }

  const pods: PodEntry[] = [];
  const podByRef = new Map<string, number>();
  const podByIp = new Map<string, number>();
  const podsByNamespace = new Map<string, number[]>();
  for (const raw of asList(cluster.pods, 'pods', errors)) {
    const pod = checkPod(raw, errors);
    if (!pod) continue;
    const ref = `${pod.namespace}/${pod.name}`;
    if (podByRef.has(ref)) {
      errors.push(`Pod ${ref} is defined more than once; the first definition is used`);
      continue;
    }
    const ip = pod.ip === undefined ? undefined : parseIp(pod.ip);
    if (ip) {
      const key = ipKey(ip);
      const other = podByIp.get(key);
      if (other !== undefined) errors.push(`Pod ${ref}: IP ${pod.ip as string} is also the IP of ${pods[other]?.ref}`);
      else podByIp.set(key, pods.length);
    }
    if (!namespaceLabels.has(pod.namespace)) {
      namespaceLabels.set(pod.namespace, { [namespaceNameLabel]: pod.namespace });
    }
    const index = pods.length;
    pods.push({ ref, namespace: pod.namespace, labels: pod.labels, ip, namedPorts: namedPortsOf(pod.ports) });
    podByRef.set(ref, index);
    const inNamespace = podsByNamespace.get(pod.namespace);
    if (inNamespace) inNamespace.push(index);
    else podsByNamespace.set(pod.namespace, [index]);
  }

  const policies: CompiledPolicy[] = [];
  const policyRefs = new Set<string>();
  for (const raw of asList(cluster.policies, 'policies', errors)) {
    const policy = compilePolicy(raw, errors);
    if (!policy) continue;
    if (policyRefs.has(policy.ref)) {
      errors.push(`NetworkPolicy ${policy.ref} is defined more than once; the first definition is used`);
      continue;
    }
    policyRefs.add(policy.ref);
    policies.push(policy);
  }
  policies.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));

  const selection = new SelectionCache(pods, namespaceLabels);
  const ingress = pods.map(() => ({ policies: [] as string[], rules: [] as IndexedRule[] }));
  const egress = pods.map(() => ({ policies: [] as string[], rules: [] as IndexedRule[] }));
  for (const policy of policies) {
    const selected = (podsByNamespace.get(policy.namespace) ?? []).filter((i) =>
      policy.podSelector.matches((pods[i] as PodEntry).labels),
    );
    if (selected.length === 0) continue;
    for (const [rules, sides] of [
      [policy.ingress, ingress],
      [policy.egress, egress],
    ] as const) {
      if (!rules) continue;
      const indexed: IndexedRule[] = rules.map((rule) => ({
        policy: policy.ref,
        index: rule.index,
        ports: rule.ports,
        peers:
          rule.peers?.map((peer) =>
            peer.kind === 'ipBlock'
              ? peer
              : { kind: 'pods', members: selection.peer(policy.namespace, peer.namespaceSelector, peer.podSelector) },
          ) ?? null,
      }));
      for (const i of selected) {
        const side = sides[i] as { policies: string[]; rules: IndexedRule[] };
        side.policies.push(policy.ref);
        side.rules.push(...indexed);
      }
    }
  }
  return { pods, podByRef, podByIp, ingress, egress, errors };
}

/** Selector results shared between policies: peers repeat the same selectors many times over. */
class SelectionCache {
  private readonly podSets = new Map<string, Uint8Array>();
  private readonly namespaceSets = new Map<string, ReadonlySet<string>>();
  private readonly peers = new Map<string, Uint8Array>();

  constructor(
    private readonly pods: readonly PodEntry[],
    private readonly namespaceLabels: ReadonlyMap<string, Labels>,
  ) {}

  peer(policyNamespace: string, namespaceSelector: CompiledSelector | null, podSelector: CompiledSelector): Uint8Array {
    const where = namespaceSelector ? `ns(${namespaceSelector.key})` : `in(${policyNamespace})`;
    const key = `${where} pods(${podSelector.key})`;
    let members = this.peers.get(key);
    if (members) return members;
    const namespaces = namespaceSelector ? this.namespaces(namespaceSelector) : new Set([policyNamespace]);
    const podMatches = this.podsMatching(podSelector);
    members = new Uint8Array(this.pods.length);
    this.pods.forEach((pod, i) => {
      if (podMatches[i] === 1 && namespaces.has(pod.namespace)) members[i] = 1;
    });
    this.peers.set(key, members);
    return members;
  }

  private podsMatching(selector: CompiledSelector): Uint8Array {
    let set = this.podSets.get(selector.key);
    if (!set) {
      set = new Uint8Array(this.pods.length);
      this.pods.forEach((pod, i) => {
        if (selector.matches(pod.labels)) set![i] = 1;
      });
      this.podSets.set(selector.key, set);
    }
    return set;
  }

  private namespaces(selector: CompiledSelector): ReadonlySet<string> {
    let set = this.namespaceSets.get(selector.key);
    if (!set) {
      set = new Set([...this.namespaceLabels].filter(([, labels]) => selector.matches(labels)).map(([name]) => name));
      this.namespaceSets.set(selector.key, set);
    }
    return set;
  }
}

function asList(value: unknown, field: string, errors: string[]): readonly unknown[] {
  if (Array.isArray(value)) return value;
  errors.push(`cluster.${field}: must be a list`);
  return [];
}
