import { assertNever, type LabelSelector, type Peer, type PortRule } from '../../ir/index.js';
import { nameLabel } from './plan.js';

/** The `networking.k8s.io/v1` JSON shapes the backend writes, built from IR nodes. */
export interface SelectorJson {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

export type PeerJson =
  | { readonly namespaceSelector: SelectorJson; readonly podSelector?: SelectorJson }
  | { readonly ipBlock: { readonly cidr: string; readonly except?: readonly string[] } };

export interface PortJson {
  readonly protocol: string;
  readonly port: number | string;
  readonly endPort?: number;
}

export function isEverything(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `{}` selects everything; the IR's selectors are already canonical (keys and expressions sorted). */
export function selectorJson(s: LabelSelector): SelectorJson {
  const out: { matchLabels?: Record<string, string>; matchExpressions?: SelectorJson['matchExpressions'] } = {};
  if (Object.keys(s.matchLabels).length) out.matchLabels = sortedRecord(s.matchLabels);
  if (s.matchExpressions.length) {
    out.matchExpressions = s.matchExpressions.map((e) => ({
      key: e.key,
      operator: e.operator,
      ...(e.operator === 'In' || e.operator === 'NotIn' ? { values: [...e.values] } : {}),
    }));
  }
  return out;
}

/**
 * The remote side of a rule. Pods are one peer with namespaceSelector AND podSelector (two list items
 * would OR them); a namespace by name is selected through its `kubernetes.io/metadata.name` label.
 */
export function peerJson(p: Peer): PeerJson {
  switch (p.kind) {
    case 'cidr':
      return { ipBlock: { cidr: p.cidr, ...(p.except.length ? { except: [...p.except] } : {}) } };
    case 'pods': {
      const namespaceSelector: SelectorJson = p.namespace.kind === 'name' ? { matchLabels: { [nameLabel]: p.namespace.name } } : selectorJson(p.namespace.selector);
      return isEverything(p.pods) ? { namespaceSelector } : { namespaceSelector, podSelector: selectorJson(p.pods) };
    }
    default:
      return assertNever(p, 'peer');
  }
}

export function portJson(p: PortRule): PortJson {
  switch (p.kind) {
    case 'number':
      return { protocol: p.protocol, port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) };
    case 'named':
      return { protocol: p.protocol, port: p.name };
    default:
      return assertNever(p, 'port');
  }
}

// ------------------------------------------------------------------ descriptions for comments

function key(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

export function describeSelector(s: LabelSelector): string {
  const tests = [
    ...Object.entries(s.matchLabels).map(([k, v]) => `${key(k)} = ${JSON.stringify(v)}`),
    ...s.matchExpressions.map((e) => {
      const values = `[${e.values.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (e.operator === 'In') return `${key(e.key)} in ${values}`;
      if (e.operator === 'NotIn') return `${key(e.key)} not in ${values}`;
      return e.operator === 'Exists' ? `${key(e.key)} exists` : `${key(e.key)} is absent`;
    }),
  ];
  return tests.join(' and ');
}

export function describePeer(p: Peer): string {
  if (p.kind === 'cidr') return `cidr ${JSON.stringify(p.cidr)}${p.except.length ? ` except ${p.except.map((e) => JSON.stringify(e)).join(', ')}` : ''}`;
  if (p.workload !== undefined) return `workload ${p.workload}`;
  const ns = p.namespace.kind === 'name' ? `namespace ${JSON.stringify(p.namespace.name)}` : `namespaces where ${describeSelector(p.namespace.selector)}`;
  return isEverything(p.pods) ? ns : `pods where ${describeSelector(p.pods)} in ${ns}`;
}

export function describePorts(ports: readonly PortRule[]): string {
  if (ports.length === 0) return 'every port';
  return ports
    .map((p) => {
      const proto = p.protocol.toLowerCase();
      if (p.kind === 'named') return `${proto} ${JSON.stringify(p.name)}`;
      return p.endPort !== undefined ? `${proto} ${p.port}-${p.endPort}` : `${proto} ${p.port}`;
    })
    .join(', ');
}
