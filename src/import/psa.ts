/**
 * Namespaces labelled for Pod Security Admission to secpol pod-security lines. Checked against the Kubernetes docs,
 * "Enforce Pod Security Standards with Namespace Labels" (pod-security.kubernetes.io/<mode> and <mode>-version;
 * a missing version is latest: https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces).
 */
import type { ImportedPolicy, ImportedRule, MissingRule } from './model.js';
import { literal, nameOf } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';

const PREFIX = 'pod-security.kubernetes.io/';

export function isPsaNamespace(value: unknown): boolean {
  const v = value as { apiVersion?: unknown; kind?: unknown; metadata?: { labels?: unknown } } | null;
  const labels = v?.metadata?.labels;
  return v?.apiVersion === 'v1' && v.kind === 'Namespace' && typeof labels === 'object' && labels !== null && Object.keys(labels).some((k) => k.startsWith(PREFIX));
}

export function importPsa(doc: YamlDoc): ImportedPolicy {
  const v = doc.value as { metadata: { name?: unknown; labels: Record<string, unknown> } };
  const namespace = typeof v.metadata.name === 'string' ? v.metadata.name : '';
  const labels = v.metadata.labels;
  const rules: ImportedRule[] = [];
  const missing: MissingRule[] = [];
  const kept: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const key = `${PREFIX}${mode}`;
    const level = labels[key];
    const version = labels[`${key}-version`] ?? 'latest';
    const at = ['metadata', 'labels', key];
    if (level === undefined) continue;
    if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
      missing.push({ original: key, origin: spanAt(doc, at), reason: `the level ${JSON.stringify(level)} (PSA reads an invalid level as restricted)` });
      continue;
    }
    if (typeof version !== 'string' || !(version === 'latest' || /^v1\.\d+$/.test(version))) {
      missing.push({ original: key, origin: spanAt(doc, [...at.slice(0, 2), `${key}-version`]), reason: `the version ${JSON.stringify(version)}` });
      continue;
    }
    kept[key] = level;
    kept[`${key}-version`] = version;
    rules.push({ key: `pod-security-${mode}`, original: key, origin: spanAt(doc, at), lines: [`${mode} pod-security ${level} version ${version}`] });
  }
  return {
    name: nameOf(`psa-${namespace}`),
    source: 'psa',
    origin: spanAt(doc, ['metadata', 'name']),
    describe: `Namespace ${namespace} (Pod Security Admission labels)`,
    head: namespace ? [`in namespaces ${literal(namespace)}`] : [],
    rules,
    missing,
    original: { engine: 'psa', namespace, labels: Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith(PREFIX)).map(([k, x]) => [k, String(x)])) },
    doc,
  };
}
