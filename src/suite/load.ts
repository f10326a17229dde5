import { posix } from 'node:path';
import { diagnostic, hasErrors, pathDiagnostic, type Diagnostic, type Staged } from '../diagnostics/index.js';
import type { Operation } from '../ir/index.js';
import type { ReadFile } from '../load.js';
import { SourceFile, type Span } from '../source/index.js';
import { namespaceCaseKeys, type NamespaceCase } from './namespace-cases.js';
import { signatureFacts, type ImageFact } from './signatures.js';
import { parseYamlFile, spanAt, type YamlDocument } from './yaml.js';

/** One admission case of a suite.yaml (docs/policies.md). */
export interface AdmissionCase {
  readonly name: string;
  readonly span: Span;
  readonly object: unknown;
  readonly expect: 'allow' | 'deny';
  readonly rules: readonly string[];
  /** Pod Security controls that must fail (checked against the reference semantics). */
  readonly controls: readonly string[];
  readonly namespace?: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly operation: Operation;
  /** The requesting user (`system:serviceaccount:kube-system:daemon-set-controller` for a DaemonSet's pods); none by default. */
  readonly user?: string;
  /** `ephemeralcontainers` for what `kubectl debug` sends (an UPDATE of the Pod's subresource); none by default. */
  readonly subResource?: string;
}

/** One connection case of a network suite. */
export interface ConnectionCase {
  readonly name: string;
  readonly span: Span;
  readonly from: string;
  readonly to: string;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  readonly expect: 'allow' | 'deny';
}

export interface Suite {
  readonly path: string;
  readonly admission: readonly AdmissionCase[];
  readonly connections: readonly ConnectionCase[];
  /** For network suites: the documents of samples/cluster.yaml. */
  readonly cluster: readonly unknown[];
  /** For defaults suites: `- admit: samples/<namespace>.yaml` cases (src/suite/namespace-cases.ts). */
  readonly namespaces?: readonly NamespaceCase[];
  /**
   * `inventory: FILE`: the cluster objects that exist beside every admission case (the Roles and ClusterRoles a
   * binding's `role referenced by roleRef` reads, docs/language/references.md); none when absent.
   */
  readonly inventory: readonly unknown[];
  /**
   * `signatures: FILE`: the offline signature and attestation facts of the suite's images (signatures.ts), which
   * the semantics and the Kyverno engine each read to answer `verify images` blocks; absent: none (blocks skip).
   */
  readonly signatures?: readonly ImageFact[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readYaml(path: string, read: ReadFile, diagnostics: Diagnostic[], root: string, at?: Span): YamlDocument[] | undefined {
  const refuse = (detail: string) => {
    const hint = 'a suite and its samples are .yaml, .yml or .json files inside the project root (the policy\'s directory, or --root DIR), symbolic links included';
    diagnostics.push(at ? diagnostic('SP0011', at, { detail, hint }) : pathDiagnostic('SP0011', path, { detail, hint }));
  };
  if (!/\.(ya?ml|json)$/.test(path)) {
    refuse(`${path} is not a .yaml, .yml or .json file`);
    return undefined;
  }
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    refuse(`${JSON.stringify(path)} contains a control character`);
    return undefined;
  }
  const r = read(path, root);
  if ('error' in r) {
    if (r.refused) refuse(`${path} is refused: ${r.error}`);
    else diagnostics.push(pathDiagnostic('SP0004', path, { path, reason: r.error }));
    return undefined;
  }
  let text: string;
  try {
    text = utf8.decode(r.bytes);
  } catch {
    diagnostics.push(pathDiagnostic('SP0005', path));
    return undefined;
  }
  const parsed = parseYamlFile(new SourceFile(path, text));
  diagnostics.push(...parsed.diagnostics);
  // A warning (SP0031: read as Go reads it) keeps the documents.
  return hasErrors(parsed.diagnostics) ? undefined : parsed.documents;
}

const admissionKeys = new Set(['sample', 'expect', 'rules', 'controls', 'namespace', 'namespaceLabels', 'operation', 'user', 'subResource']);
const connectionKeys = new Set(['from', 'to', 'protocol', 'port', 'expect']);

/**
 * Loads suite.yaml and its samples, reporting every problem at its position. Samples are read only inside the
 * project root (default: the suite's directory): a sample path is policy-repository text too (SP0011).
 */
export function loadSuite(path: string, read: ReadFile, root: string = posix.dirname(path)): Staged<Suite> {
  const diagnostics: Diagnostic[] = [];
  const docs = readYaml(path, read, diagnostics, root);
  const doc = docs?.[0];
  if (!doc) return { diagnostics };
  const bad = (at: Span, detail: string, hint: string) => diagnostics.push(diagnostic('SP0009', at, { detail, hint }));
  const top = doc.value as { cases?: unknown; cluster?: unknown; inventory?: unknown; signatures?: unknown };
  for (const key of Object.keys(top)) if (!['cases', 'cluster', 'inventory', 'signatures'].includes(key)) bad(spanAt(doc, [key]), `unknown top-level field "${key}"`, 'a suite has `cases:`, `inventory:` (cluster objects references read), `signatures:` (image signature facts) and, for network suites, `cluster:`');
  const cases = top.cases;
  if (!Array.isArray(cases)) {
    bad(spanAt(doc, []), 'a suite needs a `cases:` list', 'see docs/policies.md for the suite format');
    return { diagnostics };
  }
  const admission: AdmissionCase[] = [];
  const connections: ConnectionCase[] = [];
  const namespaces: NamespaceCase[] = [];
  let cluster: unknown[] = [];
  const loadNamespaceCase = (o: Record<string, unknown>, i: number): unknown => {
    const at = spanAt(doc, ['cases', i]);
    for (const key of Object.keys(o)) if (!namespaceCaseKeys.has(key)) bad(spanAt(doc, ['cases', i, key]), `unknown field "${key}" in case ${i + 1}`, `a namespace case has ${[...namespaceCaseKeys].join(', ')}`);
    const sample = o['admit'];
    if (typeof sample !== 'string' || posix.isAbsolute(sample)) return bad(at, `case ${i + 1}: admit names a Namespace sample relative to the suite`, 'e.g. `- { admit: samples/shop.yaml, generates: [NetworkPolicy/x-default-deny], labels: {…} }`');
    const generates = o['generates'];
    if (!Array.isArray(generates) || !generates.every((g) => typeof g === 'string' && /^[A-Za-z]+\/[a-z0-9-.]+$/.test(g))) return bad(spanAt(doc, ['cases', i]), `case ${i + 1}: generates lists Kind/name of every object that must exist in the namespace`, 'write `generates: []` when nothing must be generated');
    const labels = o['labels'] ?? {};
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || !Object.values(labels).every((v) => typeof v === 'string')) return bad(spanAt(doc, ['cases', i, 'labels']), `case ${i + 1}: labels is a map of strings`, 'e.g. `labels: { pod-security.kubernetes.io/enforce: restricted }`');
    const sampleDocs = readYaml(posix.join(posix.dirname(path), sample), read, diagnostics, root, spanAt(doc, ['cases', i, 'admit']));
    const first = sampleDocs?.[0];
    if (!first) return;
    const object = first.value as { kind?: unknown } | null;
    if (object?.kind !== 'Namespace') return bad(spanAt(doc, ['cases', i, 'admit']), `case ${i + 1}: ${sample} is not a Namespace`, 'a namespace case admits a v1 Namespace');
    namespaces.push({ name: sample, span: at, object: first.value, existing: o['existing'] === true, generates: generates as string[], labels: labels as Record<string, string> });
  };
  cases.forEach((c: unknown, i) => {
    const at = spanAt(doc, ['cases', i]);
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return bad(at, `case ${i + 1} is not a mapping`, 'each case is `- sample: …` or `- from: …`');
    const o = c as Record<string, unknown>;
    if ('admit' in o) return loadNamespaceCase(o, i);
    const network = 'from' in o;
    for (const key of Object.keys(o)) {
      if (!(network ? connectionKeys : admissionKeys).has(key)) bad(spanAt(doc, ['cases', i, key]), `unknown field "${key}" in case ${i + 1}`, `a ${network ? 'connection' : 'sample'} case has ${[...(network ? connectionKeys : admissionKeys)].join(', ')}`);
    }
    if (o['expect'] !== 'allow' && o['expect'] !== 'deny') return bad(spanAt(doc, ['cases', i, 'expect']), `case ${i + 1}: expect must be allow or deny`, 'write `expect: allow` or `expect: deny`');
    const expect = o['expect'];
    if (network) {
      const protocol = String(o['protocol'] ?? 'TCP').toUpperCase();
      const port = o['port'];
      if (typeof port !== 'number' || !['TCP', 'UDP', 'SCTP'].includes(protocol)) return bad(at, `case ${i + 1}: a connection needs a numeric port and protocol TCP, UDP or SCTP`, 'e.g. `- { from: shop/web, to: shop/api, protocol: TCP, port: 8080, expect: allow }`');
      connections.push({ name: `${String(o['from'])} -> ${String(o['to'])} ${protocol}/${port}`, span: at, from: String(o['from']), to: String(o['to']), protocol: protocol as ConnectionCase['protocol'], port, expect });
      return;
    }
    const sample = o['sample'];
    if (typeof sample !== 'string') return bad(at, `case ${i + 1} has no sample`, 'add `sample: samples/<file>.yaml`');
    if (posix.isAbsolute(sample)) return diagnostics.push(diagnostic('SP0011', spanAt(doc, ['cases', i, 'sample']), { detail: `sample ${JSON.stringify(sample)} is an absolute path`, hint: 'a sample path is relative to the suite and stays inside the project root (the policy\'s directory, or --root DIR)' }));
    const samplePath = posix.join(posix.dirname(path), sample);
    const sampleDocs = readYaml(samplePath, read, diagnostics, root, spanAt(doc, ['cases', i, 'sample']));
    if (!sampleDocs) return;
    const first = sampleDocs[0];
    if (!first) return bad(spanAt(doc, ['cases', i, 'sample']), `sample ${sample} is empty`, 'a sample holds one Kubernetes object');
    const rules = Array.isArray(o['rules']) ? o['rules'].map(String) : [];
    const labels = o['namespaceLabels'];
    const op = String(o['operation'] ?? 'CREATE').toUpperCase();
    admission.push({
      name: sample,
      span: at,
      object: first.value,
      expect,
      rules,
      controls: Array.isArray(o['controls']) ? o['controls'].map(String) : [],
      namespaceLabels: typeof labels === 'object' && labels !== null ? (labels as Record<string, string>) : {},
      operation: (['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(op) ? op : 'CREATE') as Operation,
      ...(typeof o['namespace'] === 'string' ? { namespace: o['namespace'] } : {}),
      ...(typeof o['user'] === 'string' ? { user: o['user'] } : {}),
      ...(typeof o['subResource'] === 'string' && o['subResource'] !== '' ? { subResource: o['subResource'] } : {}),
    });
  });
  if (connections.length) {
    const clusterPath = posix.join(posix.dirname(path), typeof top.cluster === 'string' ? top.cluster : 'samples/cluster.yaml');
    cluster = (readYaml(clusterPath, read, diagnostics, root, typeof top.cluster === 'string' ? spanAt(doc, ['cluster']) : undefined) ?? []).map((d) => d.value);
  }
  let inventory: unknown[] = [];
  if (top.inventory !== undefined) {
    if (typeof top.inventory !== 'string') bad(spanAt(doc, ['inventory']), '`inventory:` names one YAML file', 'write `inventory: samples/inventory.yaml`');
    else inventory = (readYaml(posix.join(posix.dirname(path), top.inventory), read, diagnostics, root, spanAt(doc, ['inventory'])) ?? []).map((d) => d.value);
  }
  let signatures: ImageFact[] | undefined;
  if (top.signatures !== undefined) {
    if (typeof top.signatures !== 'string') bad(spanAt(doc, ['signatures']), '`signatures:` names one YAML file', 'write `signatures: samples/signatures.yaml`');
    else {
      const file = posix.join(posix.dirname(path), top.signatures);
      const factsDoc = readYaml(file, read, diagnostics, root, spanAt(doc, ['signatures']))?.[0];
      if (factsDoc) signatures = signatureFacts(factsDoc, file, read, root, diagnostics);
    }
  }
  return { value: { path, admission, connections, cluster, ...(namespaces.length ? { namespaces } : {}), inventory, ...(signatures ? { signatures } : {}) }, diagnostics };
}

/** Reads a signatures file on its own (`secpol explain --signatures FILE`), as a suite's samples are read; undefined when it cannot be read. */
export function loadSignatureFile(path: string, read: ReadFile, root: string, diagnostics: Diagnostic[]): ImageFact[] | undefined {
  const doc = readYaml(path, read, diagnostics, root)?.[0];
  return doc ? signatureFacts(doc, path, read, root, diagnostics) : undefined;
}
