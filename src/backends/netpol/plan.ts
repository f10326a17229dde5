import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { assertNever, type Flow, type LabelExpression, type LabelSelector, type NetworkSet, type Peer, type Quarantine } from '../../ir/index.js';
import type { Span } from '../../source/index.js';

/**
 * Semantics §5 onto NetworkPolicy. A side of a connection is decided by the policies of the pod on that
 * side, and a NetworkPolicy that selects a pod for a direction isolates it in that direction. So secpol
 * emits an allow rule only in a namespace that a `default deny` already isolates in that direction: there,
 * the extra isolation changes nothing; anywhere else it would cut the traffic §5 says is allowed.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 */
export type Direction = 'ingress' | 'egress';

/** Namespaces isolated per direction, over every network block of the input (denies are global in §5). */
export interface Isolation {
  readonly ingress: ReadonlySet<string>;
  readonly egress: ReadonlySet<string>;
  /**
   * Per namespace, the requirements that keep quarantined pods out of every other allow object secpol emits
   * there (quarantines are global too): one negated label test per quarantine of the namespace.
   */
  readonly exclusions: ReadonlyMap<string, readonly LabelExpression[]>;
}

/** The negation of a one-test selector as one requirement (`NotIn` and `DoesNotExist` also match pods without the key). */
export function negation(q: Quarantine): LabelExpression {
  const label = Object.entries(q.pods.matchLabels)[0];
  if (label) return { key: label[0], operator: 'NotIn', values: [label[1]] };
  const e = q.pods.matchExpressions[0];
  if (!e) throw new Error('invariant: a quarantine selector has one test');
  const opposite: Record<LabelExpression['operator'], LabelExpression['operator']> = { In: 'NotIn', NotIn: 'In', Exists: 'DoesNotExist', DoesNotExist: 'Exists' };
  return { key: e.key, operator: opposite[e.operator], values: e.values };
}

export function isolationOf(sets: readonly NetworkSet[]): Isolation {
  const ingress = new Set<string>();
  const egress = new Set<string>();
  for (const d of sets.flatMap((s) => s.defaultDeny)) {
    if (d.ingress) ingress.add(d.namespace);
    if (d.egress) egress.add(d.namespace);
  }
  const byNamespace = new Map<string, Map<string, LabelExpression>>();
  for (const q of sets.flatMap((s) => s.quarantines)) {
    const n = negation(q);
    for (const ns of q.namespaces) {
      const m = byNamespace.get(ns) ?? new Map<string, LabelExpression>();
      m.set(JSON.stringify(n), n);
      byNamespace.set(ns, m);
    }
  }
  const exclusions = new Map([...byNamespace].map(([ns, m]) => [ns, [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e)] as const));
  return { ingress, egress, exclusions };
}

/** A pod selector narrowed to the pods of `namespace` that no quarantine of it selects. */
export function withoutQuarantined(selector: LabelSelector, namespace: string, isolation: Isolation): LabelSelector {
  const extra = isolation.exclusions.get(namespace) ?? [];
  return extra.length ? { ...selector, matchExpressions: [...selector.matchExpressions, ...extra] } : selector;
}

/** One allow rule in one namespace: the pods it selects (own side), the remote peer and the ports. */
export interface SideRule {
  readonly namespace: string;
  readonly direction: Direction;
  /** The pods of the namespace the rule is for (the flow's own-side peer's pod selector). */
  readonly pods: LabelSelector;
  readonly remote: Peer;
  readonly flow: Flow;
}

/** A flow's outcome: its side rules, and notes for the file header on sides that get no rule. */
export interface FlowPlan {
  readonly rules: readonly SideRule[];
  readonly notes: readonly string[];
}

export const nameLabel = 'kubernetes.io/metadata.name';

/**
 * Whether namespace `ns` satisfies a namespace selector, knowing only its `kubernetes.io/metadata.name`
 * label (the one label every namespace is known to carry). `unknown-*` says the answer depends on other
 * labels, with what it would be if the namespace had none of them.
 */
export type NamespaceMatch = 'match' | 'no-match' | 'unknown-match' | 'unknown-no-match';

export function matchByName(selector: LabelSelector, ns: string): NamespaceMatch {
  let unknown = false;
  let whenAbsent = true;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (key === nameLabel) {
      if (value !== ns) return 'no-match';
    } else {
      unknown = true;
      whenAbsent = false;
    }
  }
  for (const e of selector.matchExpressions) {
    if (e.key === nameLabel) {
      const holds = e.operator === 'In' ? e.values.includes(ns) : e.operator === 'NotIn' ? !e.values.includes(ns) : e.operator === 'Exists';
      if (!holds) return 'no-match';
    } else {
      unknown = true;
      if (e.operator === 'In' || e.operator === 'Exists') whenAbsent = false;
    }
  }
  if (!unknown) return 'match';
  return whenAbsent ? 'unknown-match' : 'unknown-no-match';
}

function describeSide(direction: Direction): string {
  return direction === 'egress' ? 'egress from' : 'ingress to';
}

/**
 * The isolated namespaces where a peer's own pods live, for one direction. A CIDR has no own side here:
 * NetworkPolicy cannot select pods by IP, so secpol reads a CIDR peer as addresses outside the pod network.
 * A namespace selector is decided by the namespace's name label; when it depends on other labels, secpol
 * assumes an isolated namespace lacks them (never widening what passes) and reports SP2001 when that
 * assumption would make the selector match, since emitting the rule could then allow too much.
 */
function ownNamespaces(peer: Peer, direction: Direction, isolated: ReadonlySet<string>, line: number, diagnostics: Diagnostic[], notes: string[]): string[] {
  switch (peer.kind) {
    case 'cidr':
      return [];
    case 'pods': {
      const ns = peer.namespace;
      if (ns.kind === 'name') return isolated.has(ns.name) ? [ns.name] : [];
      const out: string[] = [];
      for (const candidate of [...isolated].sort()) {
        const m = matchByName(ns.selector, candidate);
        if (m === 'match') out.push(candidate);
        else if (m === 'unknown-no-match') {
          notes.push(`line ${line}: namespace "${candidate}" is isolated for ${direction}; secpol cannot see its labels and assumes it is not one of the selected namespaces (name it in the flow to include it).`);
        } else if (m === 'unknown-match') {
          diagnostics.push(
            diagnostic('SP2001', ns.selector.span, {
              backend: 'netpol',
              what: `${describeSide(direction)} the namespaces this selector picks: whether namespace "${candidate}" (isolated for ${direction}) is one of them depends on labels only the cluster knows, and a NetworkPolicy cannot test its own namespace's labels`,
              hint: `name the namespaces (\`in namespace "…"\`), or test \`"${nameLabel}"\` in the selector`,
            }),
          );
        }
      }
      return out;
    }
    default:
      return assertNever(peer, 'peer');
  }
}

export function lineOf(span: Span): number {
  return span.file.lineColumn(span.start).line;
}

/** Where one flow needs rules: egress in the source's isolated namespaces, ingress in the destination's. */
export function planFlow(flow: Flow, isolation: Isolation, diagnostics: Diagnostic[]): FlowPlan {
  const rules: SideRule[] = [];
  const notes: string[] = [];
  const line = lineOf(flow.span);
  const sides: readonly { direction: Direction; own: Peer; remote: Peer }[] = [
    { direction: 'egress', own: flow.from, remote: flow.to },
    { direction: 'ingress', own: flow.to, remote: flow.from },
  ];
  for (const { direction, own, remote } of sides) {
    if (own.kind !== 'pods') continue;
    for (const namespace of ownNamespaces(own, direction, isolation[direction], line, diagnostics, notes)) {
      rules.push({ namespace, direction, pods: own.pods, remote, flow });
    }
  }
  if (rules.length === 0 && !notes.length) {
    notes.push(`line ${line}: no NetworkPolicy needed: neither side of this flow is in a namespace with a default deny for its direction, so §5 already allows it.`);
  }
  return { rules, notes };
}
