import { compileIpBlock, type IpBlock } from './cidr.js';
import { compilePort, type PortMatcher } from './ports.js';
import { compileSelector, matchAll, type CompiledSelector } from './selectors.js';
import { isRecord, show } from './util.js';

/**
 * One NetworkPolicy, validated as the API server would (networking/validation) and with its defaults
 * applied (networking/v1 defaults): a policy that the API server would reject compiles to nothing.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export interface CompiledPolicy {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name` */
  readonly ref: string;
  readonly podSelector: CompiledSelector;
  /** Present iff `Ingress` is among the (defaulted) policyTypes: the policy isolates its pods for ingress. */
  readonly ingress?: readonly CompiledRule[];
  /** Present iff `Egress` is among the (defaulted) policyTypes. */
  readonly egress?: readonly CompiledRule[];
}

export interface CompiledRule {
  /** Position in `spec.ingress` or `spec.egress`, for explanations. */
  readonly index: number;
  /** Null when `from`/`to` is missing or empty: every peer matches. */
  readonly peers: readonly CompiledPeer[] | null;
  /** Null when `ports` is missing or empty: every port of every protocol matches. */
  readonly ports: readonly PortMatcher[] | null;
}

/**
 * `pods`: a podSelector and/or namespaceSelector peer. A missing namespaceSelector means the policy's own
 * namespace; a missing podSelector means every pod of the selected namespaces.
 */
export type CompiledPeer =
  | {
      readonly kind: 'pods';
      readonly namespaceSelector: CompiledSelector | null;
      readonly podSelector: CompiledSelector;
    }
  | { readonly kind: 'ipBlock'; readonly block: IpBlock };

const specFields = new Set(['podSelector', 'policyTypes', 'ingress', 'egress']);

export function compilePolicy(raw: unknown, errors: string[]): CompiledPolicy | undefined {
  if (!isRecord(raw)) {
    errors.push('NetworkPolicy: must be an object');
    return undefined;
  }
  const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
  const name = metadata['name'];
  const rawNamespace = metadata['namespace'] ?? 'default';
  const namespace = typeof rawNamespace === 'string' && rawNamespace !== '' ? rawNamespace : 'default';
  const ref = `${namespace}/${typeof name === 'string' ? name : '?'}`;
  const where = `NetworkPolicy ${ref}`;
  const local: string[] = [];
  if (typeof name !== 'string' || name === '') local.push('metadata.name: required');
  if (typeof rawNamespace !== 'string' || rawNamespace === '') {
    local.push('metadata.namespace: must be a non-empty string');
  }
  if (raw['apiVersion'] !== undefined && raw['apiVersion'] !== 'networking.k8s.io/v1') {
    local.push(`apiVersion: ${show(raw['apiVersion'])} is not networking.k8s.io/v1`);
  }
  if (raw['kind'] !== undefined && raw['kind'] !== 'NetworkPolicy') {
    local.push(`kind: ${show(raw['kind'])} is not NetworkPolicy`);
  }
  const spec = raw['spec'] ?? {};
  if (!isRecord(spec)) {
    local.push('spec: must be an object');
    errors.push(...local.map((e) => `${where}: ${e}`));
    return undefined;
  }
  for (const field of Object.keys(spec)) if (!specFields.has(field)) local.push(`spec.${field}: unknown field`);

  const podSelector =
    spec['podSelector'] === undefined || spec['podSelector'] === null
      ? matchAll
      : compileSelector(spec['podSelector'], 'spec.podSelector', local);
  const ingress = compileRules(spec['ingress'], 'ingress', local);
  const egress = compileRules(spec['egress'], 'egress', local);
  const types = policyTypesOf(spec['policyTypes'], Array.isArray(spec['egress']) && spec['egress'].length > 0, local);

  if (local.length > 0 || !podSelector || !ingress || !egress || !types) {
    errors.push(...local.map((e) => `${where}: ${e}`));
    return undefined;
  }
  return {
    namespace,
    name: name as string,
    ref,
    podSelector,
    ...(types.has('Ingress') ? { ingress } : {}),
    ...(types.has('Egress') ? { egress } : {}),
  };
}

/**
 * Defaulting per the API reference: without policyTypes, a policy always affects Ingress, and also
 * Egress when it has at least one egress rule (an empty `egress: []` does not count).
 */
function policyTypesOf(raw: unknown, hasEgressRules: boolean, errors: string[]): Set<string> | undefined {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    return new Set(hasEgressRules ? ['Ingress', 'Egress'] : ['Ingress']);
  }
  if (!Array.isArray(raw)) {
    errors.push('spec.policyTypes: must be a list');
    return undefined;
  }
  if (raw.length > 2) {
    errors.push('spec.policyTypes: may not specify more than two policyTypes');
    return undefined;
  }
  const before = errors.length;
  raw.forEach((t: unknown, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errors.push(`spec.policyTypes[${i}]: must be Ingress or Egress`);
  });
  return errors.length > before ? undefined : new Set(raw as string[]);
}

function compileRules(raw: unknown, direction: 'ingress' | 'egress', errors: string[]): CompiledRule[] | undefined {
  if (raw === undefined || raw === null) return [];
  const path = `spec.${direction}`;
  if (!Array.isArray(raw)) {
    errors.push(`${path}: must be a list of rules`);
    return undefined;
  }
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const before = errors.length;
  const rules: CompiledRule[] = [];
  raw.forEach((item: unknown, index) => {
    const at = `${path}[${index}]`;
    const rule = item ?? {}; // the API server decodes a null list item as an empty rule
    if (!isRecord(rule)) {
      errors.push(`${at}: must be an object`);
      return;
    }
    for (const field of Object.keys(rule)) {
      if (field !== peerField && field !== 'ports') errors.push(`${at}.${field}: unknown field`);
    }
    const peers = compileList(rule[peerField], `${at}.${peerField}`, errors, compilePeer);
    const ports = compileList(rule['ports'], `${at}.ports`, errors, compilePort);
    if (peers !== undefined && ports !== undefined) rules.push({ index, peers, ports });
  });
  return errors.length > before ? undefined : rules;
}

/** A missing or empty list compiles to null ("match everything"). */
function compileList<T>(
  raw: unknown,
  path: string,
  errors: string[],
  compileItem: (item: unknown, path: string, errors: string[]) => T | undefined,
): T[] | null | undefined {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) {
    errors.push(`${path}: must be a list`);
    return undefined;
  }
  if (raw.length === 0) return null;
  const before = errors.length;
  const items: T[] = [];
  raw.forEach((item: unknown, i) => {
    const compiled = compileItem(item ?? {}, `${path}[${i}]`, errors);
    if (compiled !== undefined) items.push(compiled);
  });
  return errors.length > before ? undefined : items;
}

function compilePeer(raw: unknown, path: string, errors: string[]): CompiledPeer | undefined {
  if (!isRecord(raw)) {
    errors.push(`${path}: must be an object`);
    return undefined;
  }
  for (const field of Object.keys(raw)) {
    if (field !== 'podSelector' && field !== 'namespaceSelector' && field !== 'ipBlock') {
      errors.push(`${path}.${field}: unknown field`);
    }
  }
  const present = (field: string): boolean => raw[field] !== undefined && raw[field] !== null;
  if (present('ipBlock')) {
    if (present('podSelector') || present('namespaceSelector')) {
      errors.push(`${path}: may not specify both ipBlock and another peer`);
      return undefined;
    }
    const block = compileIpBlock(raw['ipBlock'], `${path}.ipBlock`, errors);
    return block && { kind: 'ipBlock', block };
  }
  if (!present('podSelector') && !present('namespaceSelector')) {
    errors.push(`${path}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
    return undefined;
  }
  const before = errors.length;
  const podSelector = present('podSelector')
    ? compileSelector(raw['podSelector'], `${path}.podSelector`, errors)
    : matchAll;
  const namespaceSelector = present('namespaceSelector')
    ? compileSelector(raw['namespaceSelector'], `${path}.namespaceSelector`, errors)
    : null;
  if (errors.length > before || !podSelector || namespaceSelector === undefined) return undefined;
  return { kind: 'pods', namespaceSelector, podSelector };
}
