import type { NamespaceDefaults, PodSecurity } from '../ir/index.js';
import { selectorMatches } from './selector.js';

/**
 * Semantics §7, per-namespace defaults: what holds once a Namespace has been admitted (created or updated) while
 * the defaults blocks are in force, and for every namespace that existed when they were installed. The result
 * depends on the namespace's current name and labels only: a namespace that stops being selected loses the
 * objects (they are kept in sync with the selection), one that becomes selected gains them.
 */

/** A namespace as admitted: its name and its own labels (the API server adds kubernetes.io/metadata.name). */
export interface NamespaceState {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** An object a defaults block makes exist: apiVersion, kind, name, namespace and spec, nothing else. */
export interface DefaultObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly spec: unknown;
}

export interface DefaultsOutcome {
  /** The objects that must exist in the namespace, sorted by kind then name. */
  readonly objects: readonly DefaultObject[];
  /** The namespace's labels after admission: its own, with the Pod Security Admission labels set. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Whether a block selects the namespace: listed (or no list), its labels match the selector, not excepted. */
export function defaultsSelect(d: NamespaceDefaults, ns: NamespaceState): boolean {
  if (d.namespaces.length > 0 && !d.namespaces.includes(ns.name)) return false;
  if (d.excludedNamespaces.includes(ns.name)) return false;
  return d.selector === undefined || selectorMatches(d.selector, ns.labels);
}

/** The cluster DNS, as `allow dns` means it everywhere (semantics §5): kube-system pods labelled k8s-app=kube-dns, UDP and TCP 53. */
const dnsEgress = [
  {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  },
];

/** The objects one block puts in a namespace it selects. */
export function defaultObjects(d: NamespaceDefaults, namespace: string): DefaultObject[] {
  const objects: DefaultObject[] = [];
  const np = (name: string, spec: unknown): DefaultObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: `${d.name}-${name}`, namespace, spec });
  if (d.defaultDeny) {
    const policyTypes = [...(d.defaultDeny.ingress ? ['Ingress'] : []), ...(d.defaultDeny.egress ? ['Egress'] : [])];
    objects.push(np('default-deny', { podSelector: {}, policyTypes }));
  }
  if (d.dns && d.defaultDeny?.egress) objects.push(np('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: dnsEgress }));
  return objects;
}

/** The Pod Security Admission labels of the block's pod-security lines (`latest` when no version is pinned). */
export function podSecurityLabels(lines: readonly PodSecurity[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const ps of lines) {
    labels[`pod-security.kubernetes.io/${ps.mode}`] = ps.level;
    labels[`pod-security.kubernetes.io/${ps.mode}-version`] = ps.version === 'latest' ? 'latest' : `v1.${ps.version.minor}`;
  }
  return labels;
}

/** What holds for one namespace under every block (blocks in name order; the checker keeps their labels apart). */
export function admitNamespace(blocks: readonly NamespaceDefaults[], ns: NamespaceState): DefaultsOutcome {
  const objects: DefaultObject[] = [];
  const labels: Record<string, string> = { ...ns.labels };
  for (const d of [...blocks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!defaultsSelect(d, ns)) continue;
    objects.push(...defaultObjects(d, ns.name));
    Object.assign(labels, podSecurityLabels(d.podSecurity));
  }
  objects.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { objects, labels };
}
