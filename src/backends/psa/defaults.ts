import { diagnostic, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import type { NamespaceDefaults, PolicySet } from '../../ir/index.js';
import { formatLine, type Span } from '../../source/index.js';
import type { EmittedFile } from '../backend.js';
import { documentsFile, generatedFrom, type CommentedObject } from '../common/defaults.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import { newestPssMinor, omittedFromPsa } from './plan.js';
import * as validators from './validators.generated.js';

const validateNamespace = schemaValidator(validators.validateNamespace);

/**
 * The static form of a defaults block's pod-security lines (docs/backends/psa.md, Defaults): one Namespace object
 * per listed, not excepted namespace, carrying `pod-security.kubernetes.io/<mode>` and `<mode>-version`, applied
 * server-side as the policy files are. Namespaces chosen by labels, or every namespace, are SP2001.
 */
export function emitPsaDefaults(blocks: readonly NamespaceDefaults[], set: PolicySet): Staged<readonly EmittedFile[]> {
  const diagnostics: Diagnostic[] = [];
  const files: EmittedFile[] = [];
  const refuse = (span: Span, what: string, hint: string, related: { span: Span; note: string }[] = []) => diagnostics.push(diagnostic('SP2001', span, { backend: 'psa', what, hint }, related));
  const labelledByPolicy = new Map<string, { name: string; span: Span }>();
  for (const p of set.policies) {
    if (p.podSecurity.length === 0 || omittedFromPsa(p.omissions)) continue;
    for (const ns of p.scope.namespaces) labelledByPolicy.set(ns, { name: p.name, span: p.podSecurity[0]!.span });
  }
  const labelledByDefaults = new Map<string, NamespaceDefaults>();
  for (const d of blocks) {
    if (d.podSecurity.length === 0) continue;
    if (d.namespaces.length === 0) {
      refuse(d.span, `defaults "${d.name}" for every namespace (Pod Security Admission is configured per named namespace)`, 'list the namespaces with `in namespaces "…"`, or compile the block with kyverno, which labels every new namespace');
      continue;
    }
    if (d.selector) {
      refuse(d.selector.span, `defaults "${d.name}" for namespaces chosen by their labels (the labels of a namespace are not known when compiling)`, 'select the namespaces by name only, or compile the block with kyverno');
      continue;
    }
    const tooNew = d.podSecurity.find((ps) => ps.version !== 'latest' && ps.version.minor > newestPssMinor);
    if (tooNew && tooNew.version !== 'latest') {
      refuse(tooNew.span, `Pod Security version v1.${tooNew.version.minor} (the newest version secpol can check is v1.${newestPssMinor})`, `use \`version v1.${newestPssMinor}\` or older, or \`version latest\``);
      continue;
    }
    const namespaces = d.namespaces.filter((n) => !d.excludedNamespaces.includes(n));
    let clash = false;
    for (const ns of namespaces) {
      const other = labelledByPolicy.get(ns);
      const otherBlock = labelledByDefaults.get(ns);
      if (other || otherBlock) {
        const note = other ? { span: other.span, note: `policy "${other.name}" labels it too` } : { span: otherBlock!.span, note: `defaults "${otherBlock!.name}" labels it too` };
        refuse(d.podSecurity[0]!.span, `namespace "${ns}" labelled by defaults "${d.name}" and ${other ? `policy "${other.name}"` : `defaults "${otherBlock!.name}"`} (a namespace has one Pod Security level per mode)`, 'put the pod-security lines for this namespace in one place', [note]);
        clash = true;
      } else labelledByDefaults.set(ns, d);
    }
    if (clash) continue;
    const labels: Record<string, string> = {};
    for (const ps of d.podSecurity) {
      labels[`pod-security.kubernetes.io/${ps.mode}`] = ps.level;
      labels[`pod-security.kubernetes.io/${ps.mode}-version`] = ps.version === 'latest' ? 'latest' : `v1.${ps.version.minor}`;
    }
    const source = `${formatLine(d.podSecurity[0]!.span)}${d.podSecurity.slice(1).map((ps) => `,${ps.span.file.lineColumn(ps.span.start).line}`).join('')}`;
    const docs: CommentedObject[] = namespaces.map((name) => ({
      comments: [`namespace "${name}": ${d.podSecurity.map((ps) => `${ps.mode} ${ps.level}`).join(', ')} (defaults ${d.name})`],
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations: { 'secpol.dev/policy': d.name, 'secpol.dev/source': source } } },
    }));
    for (const doc of docs) diagnostics.push(...validateObject(validateNamespace, doc.object, 'Namespace', doc.object.metadata.name, d.span));
    const header = [
      generatedFrom(d),
      `The Pod Security Admission labels of "${d.name}" for the namespaces it lists: ${namespaces.join(', ') || '(none left after except)'}.`,
      'Full Namespace objects carrying only those labels; apply them with server-side apply, which leaves other labels alone:',
      `  kubectl apply --server-side --field-manager=secpol-psa -f psa/${d.name}.yaml`,
      'A namespace created later is not labelled by this file: compile the block with kyverno to label every new namespace.',
    ];
    files.push(documentsFile(`psa/${d.name}.yaml`, header, docs));
  }
  return { value: files, diagnostics };
}
