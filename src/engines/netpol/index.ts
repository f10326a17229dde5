/**
 * Offline NetworkPolicy engine: decides pod connectivity from `networking.k8s.io/v1` NetworkPolicy
 * objects alone, per https://kubernetes.io/docs/concepts/services-networking/network-policies/.
 * Semantics and the choices left to CNIs are in docs/engines/netpol.md.
 */
import type { Cluster } from './cluster.js';
import { compiled } from './compile.js';

export type {
  Cluster,
  ClusterNamespace,
  ClusterPod,
  Connection,
  ContainerPort,
  DirectionVerdict,
  Endpoint,
  LabelSelector,
  LabelSelectorRequirement,
  Labels,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Protocol,
  RuleRef,
  Verdict,
} from './cluster.js';
export { isAllowed } from './evaluate.js';
export { loadCluster, templatePaths } from './load.js';
export { isPortName, isPortNumber, isProtocol } from './ports.js';
export { connectivityMatrix, renderMatrix, type Matrix, type MatrixOptions, type Probe } from './matrix.js';

/**
 * What the engine had to leave out of a hand-built Cluster: policies, pods and namespaces the API
 * server would refuse (they take no part in any verdict), duplicates, and pods sharing an IP.
 */
export function checkCluster(cluster: Cluster): readonly string[] {
  return compiled(cluster).errors;
}
