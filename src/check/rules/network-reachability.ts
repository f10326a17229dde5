import type { LabelSelector, NetworkSet, Peer, Workload } from '../../ir/index.js';
import type { Reporter } from '../report.js';

function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    if (e.operator === 'In' && (!has || !e.values.includes(value ?? ''))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(value ?? '')) return false;
  }
  return true;
}

function matchesDeclared(peer: Peer, workloads: readonly Workload[]): boolean {
  if (peer.kind !== 'pods' || peer.namespace.kind !== 'name') return true;
  // A whole namespace (`namespace "x"`) names no workload, so there is nothing to check.
  if (Object.keys(peer.pods.matchLabels).length === 0 && peer.pods.matchExpressions.length === 0) return true;
  const ns = peer.namespace.name;
  return workloads.some((w) => w.namespace === ns && selects(peer.pods, w.labels));
}

/**
 * Checks of a network block against its own declarations (docs/network.md):
 * SP1014 a selector or named port that no declared workload matches (only when workloads are declared),
 * SP1015 egress default-deny without DNS, SP1017 an allow that no default deny (in any block compiled with it) makes necessary.
 */
export function checkNetworkReachability(r: Reporter, net: NetworkSet, all: readonly NetworkSet[]): void {
  // Default denies and DNS allows combine across every network block compiled together (semantics §5).
  const denied = new Map<string, { ingress: boolean; egress: boolean }>();
  for (const d of all.flatMap((n) => n.defaultDeny)) {
    const e = denied.get(d.namespace) ?? { ingress: false, egress: false };
    denied.set(d.namespace, { ingress: e.ingress || d.ingress, egress: e.egress || d.egress });
  }
  const dns = all.flatMap((n) => n.dns);
  for (const d of net.defaultDeny) {
    if (d.egress && !dns.some((x) => x.namespace === d.namespace)) {
      r.report('SP1015', d.span, { detail: `namespace "${d.namespace}" denies all egress but has no \`allow dns\`` });
    }
  }
  for (const f of net.flows) {
    if (net.workloads.length) {
      for (const peer of [f.from, f.to]) {
        if (!matchesDeclared(peer, net.workloads)) {
          r.report('SP1014', peer.span, { detail: 'this pod selector matches no declared workload', hint: 'check the labels and namespace, or declare the workload' });
        }
      }
      const target = f.to;
      for (const port of f.ports) {
        if (port.kind !== 'named' || target.kind !== 'pods' || target.namespace.kind !== 'name') continue;
        const ns = target.namespace.name;
        const exposing = net.workloads.filter((w) => w.namespace === ns && selects(target.pods, w.labels) && w.ports.some((p) => p.name === port.name && p.protocol === port.protocol));
        if (exposing.length === 0) r.report('SP1014', f.span, { detail: `no declared workload behind this selector exposes a ${port.protocol} port named "${port.name}"`, hint: 'name the port in the workload declaration (`ports http = tcp 8080`) or use its number' });
      }
    }
    const egressMatters = f.from.kind === 'pods' && (f.from.namespace.kind === 'selector' || denied.get(f.from.namespace.name)?.egress === true);
    const ingressMatters = f.to.kind === 'pods' && (f.to.namespace.kind === 'selector' || denied.get(f.to.namespace.name)?.ingress === true);
    if (!egressMatters && !ingressMatters) {
      r.report('SP1017', f.span, { detail: 'this allow has no effect: neither its source namespace denies egress nor its destination namespace denies ingress', hint: 'add a `default deny` for the namespaces it protects, or remove the allow' });
    }
  }
}
