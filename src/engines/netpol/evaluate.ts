import type { Cluster, Connection, DirectionVerdict, Endpoint, Protocol, RuleRef, Verdict } from './cluster.js';
import { ipBlockContains, parseIp, type Ip } from './cidr.js';
import { compiled, ipKey, type CompiledCluster, type IndexedRule, type PolicySide } from './compile.js';
import { isPortNumber, isProtocol, portMatches, type NamedPorts } from './ports.js';
import { assertNever, show } from './util.js';

/** An endpoint resolved against the cluster: `pod` is an index into `CompiledCluster.pods`, or -1. */
export interface Resolved {
  readonly pod: number;
  readonly ip: Ip | undefined;
}

/**
 * Decides one connection. Allowed iff egress from the source is allowed (the source is not a pod, is
 * not isolated for egress, or some egress rule of a policy selecting it matches) and ingress to the
 * destination is allowed likewise. Policies are additive: any matching rule allows.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 *
 * Throws a RangeError when the connection names a pod the cluster does not hold, or is malformed
 * (a caller bug: the endpoints of a connection come from the cluster itself).
 */
export function isAllowed(cluster: Cluster, conn: Connection): Verdict {
  const c = compiled(cluster);
  if (!isProtocol(conn.protocol)) {
    throw new RangeError(`protocol must be TCP, UDP or SCTP, not ${show(conn.protocol)}`);
  }
  if (!isPortNumber(conn.port)) throw new RangeError(`port must be an integer between 1 and 65535, not ${conn.port}`);
  const from = resolve(c, conn.from);
  const to = resolve(c, conn.to);
  const egress = explain(c, c.egress, from, to, to, conn.protocol, conn.port);
  const ingress = explain(c, c.ingress, to, from, to, conn.protocol, conn.port);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

export function resolve(c: CompiledCluster, endpoint: Endpoint): Resolved {
  if ('pod' in endpoint) {
    const pod = c.podByRef.get(endpoint.pod);
    if (pod === undefined) throw new RangeError(`no pod ${endpoint.pod} in the cluster (expected namespace/name)`);
    return { pod, ip: c.pods[pod]?.ip };
  }
  const ip = typeof endpoint.ip === 'string' ? parseIp(endpoint.ip) : undefined;
  if (!ip) throw new RangeError(`${show(endpoint.ip)} is not an IP address`);
  return { pod: c.podByIp.get(ipKey(ip)) ?? -1, ip };
}

/** The full verdict for one side: `subject` owns the policies, `peer` is the other end. */
function explain(
  c: CompiledCluster,
  sides: readonly PolicySide[],
  subject: Resolved,
  peer: Resolved,
  destination: Resolved,
  protocol: Protocol,
  port: number,
): DirectionVerdict {
  const side = subject.pod >= 0 ? sides[subject.pod] : undefined;
  const pod = subject.pod >= 0 ? (c.pods[subject.pod]?.ref ?? null) : null;
  if (!side || side.policies.length === 0) {
    return { pod, isolated: false, policies: [], allowed: true, allowedBy: [] };
  }
  const named = namedPortsAt(c, destination);
  const allowedBy: RuleRef[] = side.rules
    .filter((rule) => ruleMatches(rule, peer, protocol, port, named))
    .map((rule) => ({ policy: rule.policy, rule: rule.index }));
  return { pod, isolated: true, policies: side.policies, allowed: allowedBy.length > 0, allowedBy };
}

/** The boolean verdict for one side, stopping at the first matching rule (the matrix's hot path). */
export function sideAllows(
  c: CompiledCluster,
  sides: readonly PolicySide[],
  subject: Resolved,
  peer: Resolved,
  destination: Resolved,
  protocol: Protocol,
  port: number,
): boolean {
  if (subject.pod < 0) return true;
  const side = sides[subject.pod] as PolicySide;
  if (side.policies.length === 0) return true;
  const named = namedPortsAt(c, destination);
  for (const rule of side.rules) if (ruleMatches(rule, peer, protocol, port, named)) return true;
  return false;
}

function namedPortsAt(c: CompiledCluster, destination: Resolved): NamedPorts | undefined {
  return destination.pod >= 0 ? c.pods[destination.pod]?.namedPorts : undefined;
}

function ruleMatches(
  rule: IndexedRule,
  peer: Resolved,
  protocol: Protocol,
  port: number,
  named: NamedPorts | undefined,
): boolean {
  if (rule.ports !== null && !rule.ports.some((m) => portMatches(m, protocol, port, named))) return false;
  if (rule.peers === null) return true;
  for (const p of rule.peers) {
    switch (p.kind) {
      case 'pods':
        if (peer.pod >= 0 && p.members[peer.pod] === 1) return true;
        break;
      case 'ipBlock':
        if (peer.ip !== undefined && ipBlockContains(p.block, peer.ip)) return true;
        break;
      default:
        assertNever(p);
    }
  }
  return false;
}
