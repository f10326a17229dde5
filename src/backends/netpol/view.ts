import type { Diagnostic } from '../../diagnostics/index.js';
import type { Flow, LabelSelector, NetworkSet, Quarantine, Workload } from '../../ir/index.js';
import type { Span } from '../../source/index.js';
import { dnsLabel, selectorSlug, shortHash } from './names.js';
import { lineOf, nameLabel, planFlow, withoutQuarantined, type Direction, type Isolation, type SideRule } from './plan.js';
import { describePeer, describePorts, describeSelector, isEverything, peerJson, portJson, selectorJson, type PeerJson, type PortJson } from './shapes.js';

/** The view model of one `netpol/<network>.yaml` file; the template splices only these values. */
export interface NetpolFileView {
  readonly header: readonly string[];
  readonly objects: readonly NetworkPolicyView[];
}

export interface NetworkPolicyView {
  readonly comments: readonly string[];
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: object;
  /** Where a problem with this object points (its first intent). */
  readonly span: Span;
}

const kubeDns = {
  namespaceSelector: { matchLabels: { [nameLabel]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
} as const;

const everyPod = (span: Span): LabelSelector => ({ matchLabels: {}, matchExpressions: [], span });

const typeOf = { ingress: 'Ingress', egress: 'Egress' } as const;

/** Rules of one object: flows with the same ports share a rule (their peers OR together, exactly). */
interface RuleGroup {
  readonly ports: readonly PortJson[];
  readonly peers: PeerJson[];
  readonly peerKeys: Set<string>;
}

interface Draft {
  readonly namespace: string;
  readonly direction: Direction;
  readonly pods: LabelSelector;
  readonly rules: SideRule[];
}

function sourceOf(spans: readonly Span[]): string {
  const first = spans[0];
  const lines = [...new Set(spans.map(lineOf))].sort((a, b) => a - b);
  return first ? `${first.file.path}:${lines.join(',')}` : '';
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (k, v: unknown) => (k === 'span' ? undefined : v));
}

function describeFlow(f: Flow): string {
  return `allow from ${describePeer(f.from)} to ${describePeer(f.to)} on ${describePorts(f.ports)} (line ${lineOf(f.span)})`;
}

function workloadFor(set: NetworkSet, namespace: string, pods: LabelSelector): Workload | undefined {
  if (pods.matchExpressions.length) return undefined;
  const key = canonical(Object.entries(pods.matchLabels).sort());
  return set.workloads.find((w) => w.namespace === namespace && canonical(Object.entries(w.labels).sort()) === key);
}

/** The readable part of an allow object's name: the workload, `all-pods`, or the selector's values. */
function podsPart(set: NetworkSet, d: Draft): string {
  const w = workloadFor(set, d.namespace, d.pods);
  if (w) return w.name;
  if (isEverything(d.pods)) return 'all-pods';
  return d.pods.matchExpressions.length ? `pods-${shortHash(canonical(d.pods))}` : selectorSlug(d.pods.matchLabels);
}

function draftsOf(rules: readonly SideRule[]): Draft[] {
  const drafts = new Map<string, Draft>();
  for (const r of rules) {
    const key = canonical([r.namespace, r.direction, r.pods]);
    const d = drafts.get(key) ?? { namespace: r.namespace, direction: r.direction, pods: r.pods, rules: [] };
    d.rules.push(r);
    drafts.set(key, d);
  }
  return [...drafts.values()];
}

function specOf(d: Draft, isolation: Isolation): object {
  const groups = new Map<string, RuleGroup>();
  for (const r of d.rules) {
    const ports = r.flow.ports.map(portJson);
    const key = canonical(ports);
    const g = groups.get(key) ?? { ports, peers: [], peerKeys: new Set<string>() };
    const peer = peerJson(r.remote);
    if (!g.peerKeys.has(canonical(peer))) {
      g.peerKeys.add(canonical(peer));
      g.peers.push(peer);
    }
    groups.set(key, g);
  }
  const field = d.direction === 'ingress' ? 'from' : 'to';
  const rules = [...groups.values()].map((g) => ({ [field]: g.peers, ...(g.ports.length ? { ports: g.ports } : {}) }));
  return { podSelector: selectorJson(withoutQuarantined(d.pods, d.namespace, isolation)), policyTypes: [typeOf[d.direction]], [d.direction]: rules };
}

/** The comment line saying which quarantined pods an allow object in `namespace` leaves out, if any. */
function exclusionNote(namespace: string, isolation: Isolation, span: Span): string[] {
  const extra = isolation.exclusions.get(namespace) ?? [];
  if (!extra.length) return [];
  return [`  quarantined pods excluded: selects only pods where ${describeSelector({ matchLabels: {}, matchExpressions: extra, span })}`];
}

/** `quarantine …` in one namespace: the pods, isolated both ways, with the forensics namespace as the only peer. */
function quarantineObject(net: string, labels: Readonly<Record<string, string>>, q: Quarantine, namespace: string, suffix: string | undefined): NetworkPolicyView & { order: number } {
  const peer = q.forensics !== undefined ? [{ namespaceSelector: { matchLabels: { [nameLabel]: q.forensics } } }] : undefined;
  const who = `pods where ${describeSelector(q.pods)}`;
  return {
    order: 3,
    comments: [
      `quarantine ${who} in namespace "${namespace}" (line ${lineOf(q.span)}): isolated for ingress and egress; ${q.forensics !== undefined ? `only connections with pods of namespace "${q.forensics}" pass` : 'no connection passes'}.`,
      `  secpol's other allow objects in "${namespace}" exclude these pods; a NetworkPolicy not emitted by secpol that selects them still allows its traffic (policies are additive).`,
    ],
    name: dnsLabel(suffix ? `${net}-${namespace}-quarantine-${suffix}` : `${net}-${namespace}-quarantine`),
    namespace,
    labels,
    annotations: { 'secpol.dev/source': sourceOf([q.span]) },
    spec: { podSelector: selectorJson(q.pods), policyTypes: ['Ingress', 'Egress'], ...(peer ? { ingress: [{ from: peer }], egress: [{ to: peer }] } : {}) },
    span: q.span,
  };
}

/** Builds one network block's file; `diagnostics` collects SP2001s from the flows. */
export function buildView(set: NetworkSet, isolation: Isolation, diagnostics: Diagnostic[]): NetpolFileView {
  const net = dnsLabel(set.name);
  const labels = { 'app.kubernetes.io/managed-by': 'secpol', 'secpol.dev/network': net };
  const objects: (NetworkPolicyView & { order: number })[] = [];
  const notes: string[] = [];

  for (const d of set.defaultDeny) {
    const types = [...(d.ingress ? ['Ingress'] : []), ...(d.egress ? ['Egress'] : [])];
    objects.push({
      order: 0,
      comments: [`default deny ${types.join(' and ').toLowerCase()} in namespace "${d.namespace}": only traffic another policy allows passes (line ${lineOf(d.span)})`],
      name: dnsLabel(`${net}-${d.namespace}-default-deny`),
      namespace: d.namespace,
      labels,
      annotations: { 'secpol.dev/source': sourceOf([d.span]) },
      spec: { podSelector: {}, policyTypes: types },
      span: d.span,
    });
  }
  for (const d of set.dns) {
    if (!isolation.egress.has(d.namespace)) {
      notes.push(`line ${lineOf(d.span)}: allow dns in "${d.namespace}" needs no NetworkPolicy: the namespace has no default deny egress, so all its egress is allowed.`);
      continue;
    }
    objects.push({
      order: 1,
      comments: [`allow dns in namespace "${d.namespace}": every pod may query kube-dns (kube-system, k8s-app=kube-dns) on UDP and TCP 53 (line ${lineOf(d.span)})`, ...exclusionNote(d.namespace, isolation, d.span)],
      name: dnsLabel(`${net}-${d.namespace}-allow-dns`),
      namespace: d.namespace,
      labels,
      annotations: { 'secpol.dev/source': sourceOf([d.span]) },
      spec: { podSelector: selectorJson(withoutQuarantined(everyPod(d.span), d.namespace, isolation)), policyTypes: ['Egress'], egress: [{ to: [kubeDns], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
      span: d.span,
    });
  }

  const sideRules: SideRule[] = [];
  for (const flow of set.flows) {
    const planned = planFlow(flow, isolation, diagnostics);
    sideRules.push(...planned.rules);
    notes.push(...planned.notes);
  }
  const drafts = draftsOf(sideRules);
  const baseNames = drafts.map((d) => `${net}-${d.namespace}-allow-${podsPart(set, d)}-${d.direction}`);
  drafts.forEach((d, i) => {
    const base = baseNames[i] ?? '';
    // Two different pod selectors reading the same: both get a hash of their selector.
    const clash = baseNames.some((other, j) => j !== i && other === base);
    const name = clash ? `${base.replace(new RegExp(`-${d.direction}$`), '')}-${shortHash(canonical(d.pods))}-${d.direction}` : base;
    const flows = [...new Set(d.rules.map((r) => r.flow))];
    const workload = workloadFor(set, d.namespace, d.pods);
    const who = workload ? `workload ${workload.name}` : isEverything(d.pods) ? 'every pod' : `pods where ${describeSelector(d.pods)}`;
    objects.push({
      order: 2,
      comments: [`${d.direction} ${d.direction === 'egress' ? 'from' : 'to'} ${who} in namespace "${d.namespace}":`, ...flows.map((f) => `  ${describeFlow(f)}`), ...exclusionNote(d.namespace, isolation, set.span)],
      name: dnsLabel(name),
      namespace: d.namespace,
      labels,
      annotations: { 'secpol.dev/source': sourceOf(flows.map((f) => f.span)) },
      spec: specOf(d, isolation),
      span: flows[0]?.span ?? set.span,
    });
  });

  // Two statements that quarantine the same pods with the same forensics namespace are one object.
  const quarantineKey = (q: Quarantine) => canonical([q.pods, q.forensics ?? null]);
  const keysIn = (ns: string) => new Set(set.quarantines.filter((q) => q.namespaces.includes(ns)).map(quarantineKey));
  const emitted = new Set<string>();
  for (const q of set.quarantines) {
    for (const ns of q.namespaces) {
      if (emitted.has(`${ns} ${quarantineKey(q)}`)) continue;
      emitted.add(`${ns} ${quarantineKey(q)}`);
      objects.push(quarantineObject(net, labels, q, ns, keysIn(ns).size > 1 ? shortHash(quarantineKey(q)) : undefined));
    }
    notes.push(
      `line ${lineOf(q.span)}: quarantine of pods where ${describeSelector(q.pods)} covers namespace${q.namespaces.length > 1 ? 's' : ''} ${q.namespaces.map((n) => `"${n}"`).join(', ')} only: NetworkPolicy is namespaced, so no object quarantines pods cluster-wide.`,
    );
  }

  objects.sort((a, b) => (a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.order !== b.order ? a.order - b.order : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header = [
    `Generated by secpol from network "${set.name}" (${sourceOf([set.span])}); do not edit.`,
    ...(set.title ? [set.title] : []),
    'Allow rules are emitted only in namespaces a default deny isolates for that direction (docs/backends/netpol.md).',
    `Objects carry the label secpol.dev/network=${net}; apply with: kubectl apply -f netpol/${set.name}.yaml`,
    ...notes,
  ];
  return { header, objects: objects.map(({ order: _order, ...o }) => o) };
}
