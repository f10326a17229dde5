import YAML from 'yaml';
import type { Diagnostic, Staged } from '../../diagnostics/index.js';
import type { NetworkSet, PolicySet } from '../../ir/index.js';
import type { Backend, EmittedFile } from '../backend.js';
import { loadTemplate } from '../common/render.js';
import * as templates from './templates.generated.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as validators from './validators.generated.js';
import { isolationOf, type Isolation } from './plan.js';
import { buildView, type NetpolFileView } from './view.js';

const render = loadTemplate<NetpolFileView>(templates.networkPolicy);
const validateNetworkPolicy = schemaValidator(validators.validateNetworkPolicy);

function emitSet(set: NetworkSet, isolation: Isolation, diagnostics: Diagnostic[]): EmittedFile {
  const view = buildView(set, isolation, diagnostics);
  const content = render(view);
  const docs = YAML.parseAllDocuments(content, { version: '1.1' })
    .map((d) => d.toJSON() as unknown)
    .filter((d) => d !== null && d !== undefined);
  if (docs.length !== view.objects.length) throw new Error(`invariant: netpol template produced ${docs.length} objects for ${view.objects.length}`);
  view.objects.forEach((o, i) => diagnostics.push(...validateObject(validateNetworkPolicy, docs[i], 'NetworkPolicy', `${o.namespace}/${o.name}`, o.span)));
  return {
    path: `netpol/${set.name}.yaml`,
    content,
    objects: view.objects.map((o) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: `${o.namespace}/${o.name}` })),
  };
}

/**
 * IR network blocks -> one `netpol/<network>.yaml` each, implementing semantics §5 with
 * `networking.k8s.io/v1` NetworkPolicy (docs/backends/netpol.md). Admission policies are the other
 * backends'. Isolation is computed over every block, as §5 reads default denies globally.
 */
export const netpolBackend: Backend = {
  id: 'netpol',
  emit(set: PolicySet): Staged<readonly EmittedFile[]> {
    const diagnostics: Diagnostic[] = [];
    const isolation = isolationOf(set.networks);
    const sets = [...set.networks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files = sets.map((s) => emitSet(s, isolation, diagnostics));
    return { value: files, diagnostics };
  },
};
