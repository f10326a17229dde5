/**
 * Checks for the Namespace and Pod records of a Cluster, hand-built or loaded: what the API server
 * would refuse is reported and the record left out.
 */
import type { ClusterNamespace, ClusterPod, ContainerPort, Labels } from './cluster.js';
import { parseIp } from './cidr.js';
import { isPortName, isPortNumber, isProtocol } from './ports.js';
import { isRecord, show } from './util.js';

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

/** A bad IP is the exception: it is reported and the pod kept without it. */
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
