import type { DefaultDeny, DnsAllow, Flow, LabelSelector, NetworkSet, Peer, PortRule, Protocol, Quarantine, Workload } from '../ir/index.js';
import type { NetworkAst, PeerAst, PortSpecAst, QuarantineAst, StringAst, WorkloadDeclAst } from '../syntax/index.js';
import { cidrContains, formatCidr, parseCidr } from '../ir/index.js';
import { closestName } from './fields/index.js';
import { checkNamespaceName, lowerLabelTests, lowerWord } from './lower-common.js';
import type { Reporter } from './report.js';

const protocols = ['tcp', 'udp', 'sctp'] as const;
/** IANA service names, as Kubernetes validates named ports: ≤15 chars, lowercase letters, digits and '-', with a letter. */
const portName = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function lowerPort(r: Reporter, p: PortSpecAst): PortRule | undefined {
  const proto = lowerWord(r, p.protocol, 'protocol', protocols);
  if (!proto) return undefined;
  const protocol = proto.toUpperCase() as Protocol;
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  const invalid = (what: string, value: string, reason: string, hint: string) => {
    r.report('SP1004', p.port.span, { what, value, reason, hint });
    return undefined;
  };
  switch (p.port.kind) {
    case 'number': {
      const port = Number(p.port.text);
      return inRange(port) ? { kind: 'number', protocol, port } : invalid('port', p.port.text, 'ports are 1..65535', 'e.g. tcp 443');
    }
    case 'range': {
      const [a, b] = p.port.text.split('-').map(Number);
      if (a === undefined || b === undefined || !inRange(a) || !inRange(b) || a >= b) return invalid('port range', p.port.text, 'a range is low-high with 1 ≤ low < high ≤ 65535', 'e.g. tcp 8000-9000');
      return { kind: 'number', protocol, port: a, endPort: b };
    }
    case 'named':
      return p.port.name.length <= 15 && portName.test(p.port.name)
        ? { kind: 'named', protocol, name: p.port.name }
        : invalid('port name', JSON.stringify(p.port.name), 'named ports are at most 15 lowercase letters, digits and "-"', 'e.g. tcp "http"');
  }
}

function lowerWorkload(r: Reporter, w: WorkloadDeclAst): Workload | undefined {
  checkNamespaceName(r, w.namespace);
  const selector = lowerLabelTests(r, w.labels, w.span);
  if (selector.matchExpressions.length) {
    r.report('SP1003', w.span, { detail: `workload "${w.name.text}" must be declared with exact labels (key = "value")`, hint: 'a workload declaration describes the labels its pods carry' });
  }
  const ports: Workload['ports'][number][] = [];
  for (const np of w.ports) {
    const port = lowerPort(r, np.port);
    if (!port) continue;
    if (port.kind !== 'number' || port.endPort !== undefined) {
      r.report('SP1004', np.port.span, { what: 'workload port', value: np.name.text, reason: 'a declared port is one number', hint: 'e.g. ports http = tcp 8080' });
      continue;
    }
    ports.push({ name: np.name.text, protocol: port.protocol, port: port.port });
  }
  return { name: w.name.text, namespace: w.namespace.value, labels: selector.matchLabels, ports, span: w.span };
}

/**
 * A quarantine is compiled to one NetworkPolicy per listed namespace (NetworkPolicy is namespaced: no object
 * selects pods cluster-wide), and every other allow rule secpol emits there excludes the quarantined pods with
 * the negation of the selector, which is one label requirement only when the selector is one test.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
function lowerQuarantine(r: Reporter, q: QuarantineAst): Quarantine | undefined {
  const pods = lowerLabelTests(r, q.labels, q.span);
  let ok = true;
  if (Object.keys(pods.matchLabels).length + pods.matchExpressions.length !== 1) {
    r.report('SP1004', q.span, {
      what: 'quarantine selector',
      value: `(${q.labels.length} label tests)`,
      reason: 'a quarantine selects pods with exactly one label test, so that secpol can exclude them from its other allow rules with one label requirement',
      hint: 'e.g. quarantine pods where quarantine = "true" in namespaces "shop"',
    });
    ok = false;
  }
  if (q.namespaces.length === 0) {
    r.report('SP1011', q.span, {
      what: 'this quarantine',
      setting: 'its namespaces',
      hint: 'NetworkPolicy is namespaced, so no object can quarantine pods cluster-wide: list the namespaces with `in namespaces "…", …` (a namespace not listed, or created later, is not covered)',
    });
    ok = false;
  }
  if (!q.namespaces.map((n) => checkNamespaceName(r, n)).every(Boolean)) ok = false;
  if (q.forensics && !checkNamespaceName(r, q.forensics)) ok = false;
  if (!ok) return undefined;
  const namespaces = [...new Set(q.namespaces.map((n) => n.value))].sort();
  return { pods, namespaces, span: q.span, ...(q.forensics ? { forensics: q.forensics.value } : {}) };
}

export function lowerNetwork(r: Reporter, n: NetworkAst): NetworkSet {
  let title: string | undefined;
  let description: string | undefined;
  let defaultNamespace: StringAst | undefined;
  const workloads: Workload[] = [];
  const denies = new Map<string, { ingress: boolean; egress: boolean; span: DefaultDeny['span'] }>();
  const dns: DnsAllow[] = [];
  const flows: Flow[] = [];
  const quarantines: Quarantine[] = [];
  for (const item of n.items) {
    if (item.kind === 'text-setting') {
      if (item.key === 'title') title = item.value.value;
      else description = item.value.value;
    } else if (item.kind === 'default-namespace') {
      if (checkNamespaceName(r, item.namespace)) defaultNamespace = item.namespace;
    } else if (item.kind === 'workload') {
      const w = lowerWorkload(r, item);
      const dup = workloads.find((x) => x.name === item.name.text);
      if (dup) r.report('SP1001', item.name.span, { what: 'workload', name: item.name.text, where: 'in a network block' }, [{ span: dup.span, note: 'first defined here' }]);
      else if (w) workloads.push(w);
    } else if (item.kind === 'default-deny') {
      for (const ns of item.namespaces) {
        if (!checkNamespaceName(r, ns)) continue;
        const entry = denies.get(ns.value) ?? { ingress: false, egress: false, span: item.span };
        for (const d of item.directions) entry[d.text === 'ingress' ? 'ingress' : 'egress'] = true;
        denies.set(ns.value, entry);
      }
    } else if (item.kind === 'allow-dns') {
      for (const ns of item.namespaces) if (checkNamespaceName(r, ns) && !dns.some((d) => d.namespace === ns.value)) dns.push({ namespace: ns.value, span: item.span });
    } else if (item.kind === 'quarantine') {
      const q = lowerQuarantine(r, item);
      if (q) quarantines.push(q);
    }
  }
  // Flows after declarations, so `workload NAME` may refer to a workload declared further down.
  for (const item of n.items) {
    if (item.kind !== 'allow') continue;
    const from = lowerPeer(r, item.from, workloads, defaultNamespace);
    const to = lowerPeer(r, item.to, workloads, defaultNamespace);
    const ports = item.ports.map((p) => lowerPort(r, p));
    if (from?.kind === 'cidr' && to?.kind === 'cidr') {
      r.report('SP1009', item.span, { detail: 'a flow between two CIDR blocks has no pod on either side, so no NetworkPolicy can express it', hint: 'one side of `allow from … to …` must be pods' });
      continue;
    }
    if (from && to && ports.every((p): p is PortRule => p !== undefined)) flows.push({ from, to, ports, span: item.span });
  }
  const defaultDeny = [...denies.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([namespace, d]) => ({ namespace, ...d }));
  const key = (x: unknown) => JSON.stringify(x, (k, v: unknown) => (k === 'span' ? undefined : v));
  return {
    name: n.name.text,
    span: n.span,
    // Canonical order, so declaration order never changes the IR or the output.
    workloads: workloads.sort((a, b) => (a.name < b.name ? -1 : 1)),
    defaultDeny,
    dns: dns.sort((a, b) => (a.namespace < b.namespace ? -1 : 1)),
    flows: flows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
    quarantines: quarantines.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

const everything = (span: LabelSelector['span']): LabelSelector => ({ matchLabels: {}, matchExpressions: [], span });

function lowerPeer(r: Reporter, p: PeerAst, workloads: readonly Workload[], defaultNamespace: StringAst | undefined): Peer | undefined {
  switch (p.kind) {
    case 'workload': {
      const w = workloads.find((x) => x.name === p.name.text);
      if (!w) {
        const near = closestName(p.name.text, workloads.map((x) => x.name));
        r.report('SP1010', p.name.span, { what: 'workload', name: p.name.text, hint: near[0] ? `did you mean "${near[0]}"?` : 'declare it with `workload NAME in namespace "…" with labels …`' });
        return undefined;
      }
      return { kind: 'pods', namespace: { kind: 'name', name: w.namespace }, pods: { matchLabels: w.labels, matchExpressions: [], span: p.span }, span: p.span, workload: w.name };
    }
    case 'pods': {
      const pods = lowerLabelTests(r, p.labels, p.span);
      if (p.namespace?.kind === 'selected') return { kind: 'pods', namespace: { kind: 'selector', selector: lowerLabelTests(r, p.namespace.labels, p.namespace.span) }, pods, span: p.span };
      const ns = p.namespace?.namespace ?? defaultNamespace;
      if (!ns) {
        r.report('SP1011', p.span, { what: 'this pod selector', setting: 'a namespace', hint: 'add `in namespace "…"`, or set `namespace "…"` for the network block' });
        return undefined;
      }
      if (!checkNamespaceName(r, ns)) return undefined;
      return { kind: 'pods', namespace: { kind: 'name', name: ns.value }, pods, span: p.span };
    }
    case 'namespace':
      if (!checkNamespaceName(r, p.namespace)) return undefined;
      return { kind: 'pods', namespace: { kind: 'name', name: p.namespace.value }, pods: everything(p.span), span: p.span };
    case 'namespaces':
      return { kind: 'pods', namespace: { kind: 'selector', selector: lowerLabelTests(r, p.labels, p.span) }, pods: everything(p.span), span: p.span };
    case 'cidr': {
      const block = parseCidr(p.cidr.value);
      if ('error' in block) {
        r.report('SP1004', p.cidr.span, { what: 'CIDR', value: JSON.stringify(p.cidr.value), reason: block.error, hint: 'e.g. cidr "10.0.0.0/8"' });
        return undefined;
      }
      const except: string[] = [];
      for (const e of p.except) {
        const inner = parseCidr(e.value);
        if ('error' in inner) r.report('SP1004', e.span, { what: 'CIDR', value: JSON.stringify(e.value), reason: inner.error, hint: 'e.g. except "10.0.0.0/8"' });
        else if (!cidrContains(block, inner) || inner.prefix === block.prefix) r.report('SP1016', e.span, { except: e.value, cidr: p.cidr.value }, [{ span: p.cidr.span, note: 'the block' }]);
        else except.push(formatCidr(inner));
      }
      return { kind: 'cidr', cidr: formatCidr(block), except, span: p.span };
    }
  }
}
