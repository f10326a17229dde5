import YAML from 'yaml';
import { compileTo } from '../compile.js';
import { hasErrors } from '../diagnostics/index.js';
import { KyvernoBackground, objectKey } from '../engines/kyverno/index.js';
import { admitNamespace, defaultsSelect, type NamespaceState } from '../eval/index.js';
import type { LabelSelector, NamespaceDefaults, PolicySet } from '../ir/index.js';
import { formatLine } from '../source/index.js';

/** What a defaults block does to one Namespace, and whether the engines agree (docs/explain.md, defaults). */
export interface DefaultsExplanation {
  readonly namespace: string;
  readonly blocks: readonly { readonly name: string; readonly at: string; readonly selected: boolean; readonly why: string }[];
  /** The semantics: objects (`Kind/name`) and the namespace's labels after admission. */
  readonly objects: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly engines: readonly { readonly engine: string; readonly objects: readonly string[]; readonly labels: Readonly<Record<string, string>>; readonly agrees: boolean; readonly note?: string }[];
  readonly agree: boolean;
}

type Json = Record<string, unknown>;

function selectorText(s: LabelSelector): string {
  return [
    ...Object.entries(s.matchLabels).map(([k, v]) => `${k} = "${v}"`),
    ...s.matchExpressions.map((e) => `${e.key} ${e.operator}${e.values.length ? ` [${e.values.join(', ')}]` : ''}`),
  ].join(' and ');
}

function why(d: NamespaceDefaults, ns: NamespaceState): string {
  if (d.namespaces.length > 0 && !d.namespaces.includes(ns.name)) return `not in namespaces ${d.namespaces.join(', ')}`;
  if (d.excludedNamespaces.includes(ns.name)) return 'excepted by name';
  if (d.selector && !defaultsSelect(d, ns)) return `labels do not satisfy ${selectorText(d.selector)}`;
  return [d.namespaces.length ? 'listed' : 'every namespace', ...(d.selector ? [`labels satisfy ${selectorText(d.selector)}`] : [])].join(', ');
}

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Explains a Namespace object under the defaults blocks of the set; undefined for other objects or without blocks. */
export async function explainDefaults(set: PolicySet, object: unknown): Promise<DefaultsExplanation | undefined> {
  const o = object as Json | null;
  if (!set.defaults?.length || o?.['kind'] !== 'Namespace') return undefined;
  const meta = (o['metadata'] ?? {}) as Json;
  const name = String(meta['name'] ?? '');
  const ns: NamespaceState = { name, labels: { ...((meta['labels'] ?? {}) as Record<string, string>), 'kubernetes.io/metadata.name': name } };
  const ir = admitNamespace(set.defaults, ns);
  const objects = ir.objects.map((x) => `${x.kind}/${x.name}`).sort();
  const only: PolicySet = { policies: [], networks: [], defaults: set.defaults };
  const engines: DefaultsExplanation['engines'][number][] = [];
  const docsOf = async (target: 'kyverno' | 'netpol' | 'psa') => {
    const r = await compileTo(only, [target]);
    if (!r.value || hasErrors(r.diagnostics)) return { note: r.diagnostics.find((d) => d.severity === 'error')?.message ?? 'no output' };
    return { docs: r.value.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter((d): d is Json => d !== null && typeof d === 'object') };
  };
  const judge = (engine: string, got: { objects: string[]; labels: Record<string, string> }) =>
    engines.push({ engine, ...got, agrees: JSON.stringify(got.objects) === JSON.stringify(objects) && sameLabels(got.labels, ir.labels) });
  const kyverno = await docsOf('kyverno');
  if (kyverno.docs) {
    const cluster = new KyvernoBackground(kyverno.docs);
    const namespace = { ...o, metadata: { ...meta, labels: ns.labels } };
    cluster.admit(namespace, 'CREATE');
    const stored = cluster.get(objectKey(namespace)) ?? namespace;
    const inNs = cluster.objects().filter((x) => x['kind'] !== 'Namespace' && (x['metadata'] as Json)['namespace'] === name);
    judge('kyverno', { objects: inNs.map((x) => `${String(x['kind'])}/${String((x['metadata'] as Json)['name'])}`).sort(), labels: { ...(((stored['metadata'] as Json)['labels'] ?? {}) as Record<string, string>) } });
  } else engines.push({ engine: 'kyverno', objects: [], labels: {}, agrees: true, note: `not compiled: ${kyverno.note}` });
  const netpol = await docsOf('netpol');
  const psa = await docsOf('psa');
  if (netpol.docs && psa.docs) {
    const labels = { ...ns.labels };
    for (const d of psa.docs) if (d['kind'] === 'Namespace' && (d['metadata'] as Json)['name'] === name) Object.assign(labels, (d['metadata'] as Json)['labels']);
    judge('netpol+psa', { objects: netpol.docs.filter((d) => (d['metadata'] as Json)['namespace'] === name).map((x) => `${String(x['kind'])}/${String((x['metadata'] as Json)['name'])}`).sort(), labels });
  } else engines.push({ engine: 'netpol+psa', objects: [], labels: {}, agrees: true, note: `not compiled: ${netpol.note ?? psa.note ?? ''}` });
  return {
    namespace: name,
    blocks: set.defaults.map((d) => ({ name: d.name, at: formatLine(d.span), selected: defaultsSelect(d, ns), why: why(d, ns) })),
    objects,
    labels: ir.labels,
    engines,
    agree: engines.every((e) => e.agrees),
  };
}

export function renderDefaultsExplanation(e: DefaultsExplanation): string {
  const psa = (l: Readonly<Record<string, string>>) => Object.entries(l).filter(([k]) => k.startsWith('pod-security.kubernetes.io/')).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  const lines = [`  defaults for namespace ${e.namespace}:`];
  for (const b of e.blocks) lines.push(`    ${b.selected ? 'selected' : 'not selected'} by ${b.name}   ${b.at}: ${b.why}`);
  lines.push(`    generates: ${e.objects.join(', ') || 'nothing'}`, `    pod-security labels: ${psa(e.labels)}`);
  for (const en of e.engines) lines.push(`    ${en.engine}: ${en.note ?? (en.agrees ? 'agrees' : `DISAGREES: generates ${en.objects.join(', ') || 'nothing'}; pod-security labels ${psa(en.labels)}`)}`);
  return `${lines.join('\n')}\n`;
}
