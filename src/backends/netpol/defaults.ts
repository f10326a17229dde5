import { diagnostic, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import type { NamespaceDefaults, PolicySet } from '../../ir/index.js';
import { formatLine, type Span } from '../../source/index.js';
import type { EmittedFile } from '../backend.js';
import { documentsFile, generatedFrom, type CommentedObject } from '../common/defaults.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as validators from './validators.generated.js';

const validateNetworkPolicy = schemaValidator(validators.validateNetworkPolicy);

/**
 * The static form of a defaults block's network intents (docs/backends/netpol.md, Defaults): in every namespace the
 * block lists and does not except, `<block>-default-deny` (podSelector {}, the denied directions, no rules) and,
 * where egress is denied, `<block>-allow-dns` (egress to kube-system pods labelled k8s-app=kube-dns on UDP and TCP
 * 53), the upstream recipes of https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies.
 * A namespace created later, or one chosen by labels, is not known here: that is SP2001 (Kyverno generates them).
 */
export function emitNetpolDefaults(blocks: readonly NamespaceDefaults[], set: PolicySet): Staged<readonly EmittedFile[]> {
  const diagnostics: Diagnostic[] = [];
  const files: EmittedFile[] = [];
  const quarantined = new Map(set.networks.flatMap((n) => n.quarantines.flatMap((q) => q.namespaces.map((ns) => [ns, q.span] as const))));
  for (const d of blocks) {
    if (!d.defaultDeny) continue;
    const refuse = (span: Span, what: string, hint: string) => diagnostics.push(diagnostic('SP2001', span, { backend: 'netpol', what, hint }));
    if (d.namespaces.length === 0) {
      refuse(d.span, `defaults "${d.name}" for every namespace (a NetworkPolicy lives in one namespace; namespaces created later have none)`, 'list the namespaces with `in namespaces "…"`, or compile the block with kyverno, which generates the objects in each new namespace');
      continue;
    }
    if (d.selector) {
      refuse(d.selector.span, `defaults "${d.name}" for namespaces chosen by their labels (the labels of a namespace are not known when compiling)`, 'select the namespaces by name only, or compile the block with kyverno');
      continue;
    }
    const namespaces = d.namespaces.filter((n) => !d.excludedNamespaces.includes(n));
    const cut = d.dns ? namespaces.find((n) => quarantined.has(n)) : undefined;
    if (cut !== undefined && d.dns) {
      refuse(d.dns.span, `\`allow dns\` of defaults "${d.name}" in namespace "${cut}", where a quarantine cuts pods off (the generated DNS object would let quarantined pods resolve names)`, 'except the quarantined namespace from the defaults block, and isolate it in a network block');
      continue;
    }
    const docs: CommentedObject[] = [];
    for (const ns of namespaces) {
      const meta = (name: string, span: Span) => ({
        name: `${d.name}-${name}`,
        namespace: ns,
        labels: { 'app.kubernetes.io/managed-by': 'secpol', 'secpol.dev/network': d.name },
        annotations: { 'secpol.dev/source': formatLine(span) },
      });
      const denied = [...(d.defaultDeny.ingress ? ['Ingress'] : []), ...(d.defaultDeny.egress ? ['Egress'] : [])];
      docs.push({
        comments: [`default deny ${denied.map((x) => x.toLowerCase()).join(' and ')} (defaults ${d.name})`],
        object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny', d.defaultDeny.span), spec: { podSelector: {}, policyTypes: denied } },
      });
      if (d.dns && d.defaultDeny.egress) {
        docs.push({
          comments: [`allow dns (defaults ${d.name})`],
          object: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: meta('allow-dns', d.dns.span),
            spec: {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [
                {
                  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
                  ports: [
                    { protocol: 'UDP', port: 53 },
                    { protocol: 'TCP', port: 53 },
                  ],
                },
              ],
            },
          },
        });
      }
    }
    for (const doc of docs) diagnostics.push(...validateObject(validateNetworkPolicy, doc.object, 'NetworkPolicy', `${String(doc.object.metadata['namespace'])}/${doc.object.metadata.name}`, d.span));
    const header = [
      generatedFrom(d),
      `The network defaults of "${d.name}" for the namespaces it lists: ${namespaces.join(', ') || '(none left after except)'}.`,
      'A namespace created later gets nothing from this file: compile the block with kyverno to generate these objects in every new namespace.',
    ];
    files.push(documentsFile(`netpol/${d.name}.yaml`, header, docs));
  }
  return { value: files, diagnostics };
}
