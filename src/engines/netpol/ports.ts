import { protocols, type ContainerPort, type Protocol } from './cluster.js';
import { assertNever, isRecord, show } from './util.js';

/**
 * One `NetworkPolicyPort`. `protocol` defaults to TCP; a missing `port` matches every port of the
 * protocol; a named port is resolved against the destination pod's container ports (name and protocol);
 * `endPort` widens a numeric port to an inclusive range.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
export type PortMatcher =
  | { readonly kind: 'any'; readonly protocol: Protocol }
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly from: number; readonly to: number }
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string };

/** Named container ports of one pod, keyed by `name/protocol`. */
export type NamedPorts = ReadonlyMap<string, readonly number[]>;

export function namedPortKey(name: string, protocol: Protocol): string {
  return `${name}/${protocol}`;
}

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (protocols as readonly string[]).includes(value);
}

export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/**
 * IANA_SVC_NAME, as container port names and named policy ports must be: at most 15 characters of
 * lowercase letters, digits and '-', with at least one letter and no leading, trailing or double '-'.
 */
export function isPortName(value: string): boolean {
  return (
    value.length >= 1 &&
    value.length <= 15 &&
    /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value) &&
    /[a-z]/.test(value)
  );
}

export function compilePort(raw: unknown, path: string, errors: string[]): PortMatcher | undefined {
  if (!isRecord(raw)) {
    errors.push(`${path}: must be an object`);
    return undefined;
  }
  const before = errors.length;
  for (const field of Object.keys(raw)) {
    if (field !== 'protocol' && field !== 'port' && field !== 'endPort') errors.push(`${path}.${field}: unknown field`);
  }
  const rawProtocol = raw['protocol'] ?? 'TCP';
  if (!isProtocol(rawProtocol)) errors.push(`${path}.protocol: must be one of TCP, UDP, SCTP`);
  const protocol = isProtocol(rawProtocol) ? rawProtocol : 'TCP';
  const port = raw['port'] ?? undefined;
  const endPort = raw['endPort'] ?? undefined;
  let matcher: PortMatcher | undefined;
  if (port === undefined) {
    if (endPort !== undefined) errors.push(`${path}.endPort: may not be specified when port is not specified`);
    matcher = { kind: 'any', protocol };
  } else if (typeof port === 'number') {
    if (!isPortNumber(port)) errors.push(`${path}.port: must be an integer between 1 and 65535`);
    if (endPort !== undefined) {
      if (!isPortNumber(endPort)) errors.push(`${path}.endPort: must be an integer between 1 and 65535`);
      else if (endPort < port) errors.push(`${path}.endPort: must be greater than or equal to port`);
    }
    matcher = { kind: 'range', protocol, from: port, to: typeof endPort === 'number' ? endPort : port };
  } else if (typeof port === 'string') {
    if (endPort !== undefined) errors.push(`${path}.endPort: may not be specified when port is a named port`);
    if (!isPortName(port)) errors.push(`${path}.port: ${show(port)} is not a valid port name (IANA_SVC_NAME)`);
    matcher = { kind: 'named', protocol, name: port };
  } else {
    errors.push(`${path}.port: must be a number or a port name`);
  }
  return errors.length > before ? undefined : matcher;
}

/** Named ports of a pod; the caller has validated each container port. */
export function namedPortsOf(ports: readonly ContainerPort[] | undefined): NamedPorts {
  const named = new Map<string, number[]>();
  for (const p of ports ?? []) {
    if (p.name === undefined) continue;
    const key = namedPortKey(p.name, p.protocol ?? 'TCP');
    const list = named.get(key);
    if (list) list.push(p.containerPort);
    else named.set(key, [p.containerPort]);
  }
  return named;
}

/** `destination` is the named ports of the destination pod, or undefined for an endpoint that is not a pod. */
export function portMatches(
  matcher: PortMatcher,
  protocol: Protocol,
  port: number,
  destination: NamedPorts | undefined,
): boolean {
  if (matcher.protocol !== protocol) return false;
  switch (matcher.kind) {
    case 'any':
      return true;
    case 'range':
      return port >= matcher.from && port <= matcher.to;
    case 'named':
      return destination?.get(namedPortKey(matcher.name, protocol))?.includes(port) ?? false;
    default:
      return assertNever(matcher);
  }
}
