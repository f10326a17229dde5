import type { Cluster, ClusterNamespace, ClusterPod, ContainerPort, Labels } from './cluster.js';
import { parseIp, type Ip, type IpBlock } from './cidr.js';
import { compilePolicy, type CompiledPolicy } from './policy.js';
import { isPortName, isPortNumber, isProtocol, namedPortsOf, type NamedPorts, type PortMatcher } from './ports.js';
import type { CompiledSelector } from './selectors.js';
import { isRecord, show } from './util.js';

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
    if (namespaceLabels.has(checked.name)) errors.push(`Namespace ${checked.name}: defined more than once`);
    else namespaceLabels.set(checked.name, { ...checked.labels, [namespaceNameLabel]: checked.name });
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
      errors.push(`Pod ${ref}: defined more than once`);
      continue;
    }
    const ip = pod.ip === undefined ? undefined : parseIp(pod.ip);
    if (ip) {
      const key = ipKey(ip);
      const other = podByIp.get(key);
      if (other !== undefined) errors.push(`Pod ${ref}: IP ${pod.ip as string} is also the IP of ${pods[other]?.ref}`);
      else podByIp.set(key, pods.length);
    }
    if (!namespaceLabels.has(pod.namespace)) namespaceLabels.set(pod.namespace, { [namespaceNameLabel]: pod.namespace });
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
      errors.push(`NetworkPolicy ${policy.ref}: defined more than once; the first definition is used`);
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
    const key = `${namespaceSelector ? `ns(${namespaceSelector.key})` : `in(${policyNamespace})`} pods(${podSelector.key})`;
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

function checkLabels(raw: unknown, where: string, errors: string[]): Labels | undefined {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    errors.push(`${where}: labels must be a map of strings`);
    return undefined;
  }
  const bad = Object.entries(raw).filter(([, v]) => typeof v !== 'string');
  for (const [key] of bad) errors.push(`${where}: label ${key} must have a string value`);
  return bad.length > 0 ? undefined : (raw as Labels);
}

export function checkNamespace(raw: unknown, errors: string[]): ClusterNamespace | undefined {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || raw['name'] === '') {
    errors.push('Namespace: needs a non-empty name');
    return undefined;
  }
  const labels = checkLabels(raw['labels'], `Namespace ${raw['name']}`, errors);
  return labels && { name: raw['name'], labels };
}

/** Pods the API server would refuse are reported and left out; a bad IP only loses the IP. */
export function checkPod(raw: unknown, errors: string[]): ClusterPod | undefined {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || raw['name'] === '') {
    errors.push('Pod: needs a non-empty name');
    return undefined;
  }
  const namespace = typeof raw['namespace'] === 'string' && raw['namespace'] !== '' ? raw['namespace'] : undefined;
  const where = `Pod ${namespace ?? '?'}/${raw['name']}`;
  if (!namespace) {
    errors.push(`${where}: needs a non-empty namespace`);
    return undefined;
  }
  const before = errors.length;
  const labels = checkLabels(raw['labels'], where, errors);
  const ports: ContainerPort[] = [];
  const rawPorts = raw['ports'] ?? [];
  if (!Array.isArray(rawPorts)) errors.push(`${where}: ports must be a list`);
  else rawPorts.forEach((p: unknown, i) => {
    const port = checkContainerPort(p, `${where}: ports[${i}]`, errors);
    if (port) ports.push(port);
  });
  if (errors.length > before || !labels) return undefined;
  let ip: string | undefined;
  if (raw['ip'] !== undefined && raw['ip'] !== null) {
    if (typeof raw['ip'] === 'string' && parseIp(raw['ip'])) ip = raw['ip'];
    else errors.push(`${where}: ip ${show(raw['ip'])} is not an IP address; the pod is kept without an IP`);
  }
  return { namespace, name: raw['name'], labels, ports, ...(ip === undefined ? {} : { ip }) };
}

function checkContainerPort(raw: unknown, where: string, errors: string[]): ContainerPort | undefined {
  if (!isRecord(raw)) {
    errors.push(`${where}: must be an object`);
    return undefined;
  }
  const before = errors.length;
  const { name, containerPort } = raw;
  const protocol = raw['protocol'] ?? 'TCP';
  if (!isPortNumber(containerPort)) errors.push(`${where}: containerPort must be an integer between 1 and 65535`);
  if (!isProtocol(protocol)) errors.push(`${where}: protocol must be one of TCP, UDP, SCTP`);
  if (name !== undefined && name !== null && (typeof name !== 'string' || !isPortName(name))) {
    errors.push(`${where}: name ${show(name)} is not a valid port name (IANA_SVC_NAME)`);
  }
  if (errors.length > before) return undefined;
  return {
    containerPort: containerPort as number,
    protocol: protocol as ContainerPort['protocol'] & string,
    ...(typeof name === 'string' ? { name } : {}),
  };
}
