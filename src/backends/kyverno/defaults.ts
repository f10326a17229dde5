import type { Diagnostic, Staged } from '../../diagnostics/index.js';
import type { LabelSelector, NamespaceDefaults } from '../../ir/index.js';
import { formatLine } from '../../source/index.js';
import type { EmittedFile } from '../backend.js';
import { documentsFile, generatedFrom } from '../common/defaults.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as validators from './validators.generated.js';

const validateClusterPolicy = schemaValidator(validators.validateClusterPolicy);

/**
 * A defaults block as one ClusterPolicy of generate and mutate rules on Namespace (docs/backends/kyverno.md,
 * Defaults), the forms of Kyverno's generate documentation (policy-types/cluster-policy/generate: `data` source,
 * `synchronize`, rule-level `generateExisting`) and of the kyverno/policies psa library (a mutate rule labelling the
 * Namespace with patchStrategicMerge; the existing-namespaces variant through `targets` and the rule-level
 * `mutateExistingOnPolicyUpdate`, api/kyverno/v1 Mutation). Nothing from the policy text reaches a `{{ }}`
 * variable: names and labels were validated as Kubernetes names by the checker.
 */
export function emitKyvernoDefaults(blocks: readonly NamespaceDefaults[]): Staged<readonly EmittedFile[]> {
  const diagnostics: Diagnostic[] = [];
  const value = blocks.map((d) => emitBlock(d, diagnostics));
  return { value, diagnostics };
}

/** The trigger: Namespace objects, by name and the namespace's own labels; `names` matches a Namespace's name. */
function matchOf(d: NamespaceDefaults): Record<string, unknown> {
  const resources: Record<string, unknown> = { kinds: ['Namespace'] };
  if (d.namespaces.length > 0) resources['names'] = [...d.namespaces];
  if (d.selector) resources['selector'] = selectorOf(d.selector);
  return { any: [{ resources }] };
}

function selectorOf(s: LabelSelector): Record<string, unknown> {
  return {
    ...(Object.keys(s.matchLabels).length ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(s.matchExpressions.length ? { matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values.length ? { values: [...e.values] } : {}) })) } : {}),
  };
}

const triggerName = '{{request.object.metadata.name}}';

/** The ClusterPolicy of one block, checked against targets/kyverno/clusterpolicy.schema.json (SP2002 if not). */
function emitBlock(d: NamespaceDefaults, diagnostics: Diagnostic[]): EmittedFile {
  const scope = { match: matchOf(d), ...(d.excludedNamespaces.length ? { exclude: { any: [{ resources: { kinds: ['Namespace'], names: [...d.excludedNamespaces] } }] } } : {}) };
  const generate = (name: string, spec: unknown) => ({
    generateExisting: true,
    synchronize: true,
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    name: `${d.name}-${name}`,
    namespace: triggerName,
    data: { metadata: { labels: { 'secpol.dev/defaults': d.name } }, spec },
  });
  const rules: Record<string, unknown>[] = [];
  if (d.defaultDeny) {
    const policyTypes = [...(d.defaultDeny.ingress ? ['Ingress'] : []), ...(d.defaultDeny.egress ? ['Egress'] : [])];
    rules.push({ name: 'default-deny', ...scope, generate: generate('default-deny', { podSelector: {}, policyTypes }) });
    if (d.dns && d.defaultDeny.egress) {
      const egress = [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ];
      rules.push({ name: 'allow-dns', ...scope, generate: generate('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress }) });
    }
  }
  if (d.podSecurity.length > 0) {
    const labels: Record<string, string> = {};
    for (const ps of d.podSecurity) {
      labels[`pod-security.kubernetes.io/${ps.mode}`] = ps.level;
      labels[`pod-security.kubernetes.io/${ps.mode}-version`] = ps.version === 'latest' ? 'latest' : `v1.${ps.version.minor}`;
    }
    const patch = { metadata: { labels } };
    rules.push({ name: 'pod-security-labels', ...scope, mutate: { patchStrategicMerge: patch } });
    rules.push({
      name: 'pod-security-labels-existing',
      ...scope,
      mutate: { mutateExistingOnPolicyUpdate: true, targets: [{ apiVersion: 'v1', kind: 'Namespace', name: triggerName }], patchStrategicMerge: patch },
    });
  }
  const annotations: Record<string, string> = {
    'policies.kyverno.io/title': d.title ?? d.name,
    ...(d.description !== undefined ? { 'policies.kyverno.io/description': d.description } : {}),
    'policies.kyverno.io/subject': [...(d.defaultDeny ? ['NetworkPolicy'] : []), 'Namespace'].join(', '),
    'secpol.dev/source': formatLine(d.span),
  };
  const policy = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: d.name, annotations }, spec: { rules } };
  diagnostics.push(...validateObject(validateClusterPolicy, policy, 'ClusterPolicy', d.name, d.span));
  const header = [
    generatedFrom(d),
    'Generate rules keep the NetworkPolicies of every selected namespace in sync (synchronize: true): an edited or deleted',
    'copy is restored, and a namespace that stops being selected loses them. generateExisting creates them in the',
    'namespaces that exist when the policy is installed. The mutate rules set the Pod Security Admission labels on',
    'admission of a namespace, and on existing namespaces when the policy is installed or updated.',
    "Kyverno's background controller needs RBAC to create NetworkPolicies and to patch Namespaces (Kyverno docs:",
    'installation, customizing permissions).',
  ];
  return documentsFile(`kyverno/${d.name}.yaml`, header, [{ comments: [`defaults ${d.name}`], object: policy }]);
}
