import YAML from 'yaml';
import { compileTo } from '../compile.js';
import { hasErrors } from '../diagnostics/index.js';
import { KyvernoBackground, objectKey } from '../engines/kyverno/index.js';
import { admitNamespace } from '../eval/index.js';
import type { PolicySet } from '../ir/index.js';
import type { Span } from '../source/index.js';
import type { CaseResult, JudgeResult } from './run.js';

/**
 * A namespace case of a defaults suite (docs/policies.md, suite format): a Namespace sample admitted (or existing
 * when the policy is installed), the objects that must then exist in it (`Kind/name`, exactly these) and labels it
 * must carry; a Pod Security Admission label not listed must be absent.
 */
export interface NamespaceCase {
  readonly name: string;
  readonly span: Span;
  readonly object: unknown;
  readonly existing: boolean;
  readonly generates: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export const namespaceCaseKeys = new Set(['admit', 'existing', 'generates', 'labels']);

type Json = Record<string, unknown>;

interface Observed {
  readonly objects: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

function judgeNamespace(judge: string, c: NamespaceCase, got: Observed): JudgeResult {
  const expected = [...c.generates].sort();
  const objectsOk = JSON.stringify([...got.objects].sort()) === JSON.stringify(expected);
  const labelsOk = Object.entries(c.labels).every(([k, v]) => got.labels[k] === v) && Object.keys(got.labels).every((k) => !k.startsWith('pod-security.kubernetes.io/') || k in c.labels);
  const psa = Object.entries(got.labels).filter(([k]) => k.startsWith('pod-security.kubernetes.io/'));
  return { judge, ok: objectsOk && labelsOk, got: `generates [${[...got.objects].sort().join(', ')}]; pod-security labels {${psa.map(([k, v]) => `${k}=${v}`).join(', ')}}` };
}

function nameAndLabels(o: unknown): { name: string; labels: Record<string, string> } {
  const meta = ((o as Json | null)?.['metadata'] ?? {}) as Json;
  return { name: typeof meta['name'] === 'string' ? meta['name'] : '', labels: { ...((meta['labels'] ?? {}) as Record<string, string>) } };
}

const kindName = (o: Json) => `${String(o['kind'])}/${String((o['metadata'] as Json)['name'])}`;

/** Runs namespace cases through the semantics, the Kyverno engine on the emitted rules, and the static netpol/psa files. */
export async function runNamespaceCases(set: PolicySet, cases: readonly NamespaceCase[], out: CaseResult[], notes: string[]): Promise<void> {
  const only: PolicySet = { policies: [], networks: [], ...(set.defaults ? { defaults: set.defaults } : {}) };
  const docsOf = async (target: 'kyverno' | 'netpol' | 'psa') => {
    const r = await compileTo(only, [target]);
    if (!r.value || hasErrors(r.diagnostics)) {
      const first = r.diagnostics.find((d) => d.severity === 'error');
      notes.push(`defaults: not run on ${target}: ${first ? `${first.code} ${first.message}` : 'no output'}`);
      return undefined;
    }
    return r.value.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter((d): d is Json => d !== null && typeof d === 'object');
  };
  const kyverno = await docsOf('kyverno');
  const netpol = await docsOf('netpol');
  const psa = netpol ? await docsOf('psa') : undefined;
  for (const c of cases) {
    const { name, labels } = nameAndLabels(c.object);
    const ns = { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } };
    const judges: JudgeResult[] = [];
    const ir = admitNamespace(set.defaults ?? [], ns);
    judges.push(judgeNamespace('ir', c, { objects: ir.objects.map((o) => `${o.kind}/${o.name}`), labels: ir.labels }));
    if (kyverno) {
      const cluster = new KyvernoBackground(kyverno);
      const object = { ...(c.object as Json), metadata: { ...((c.object as Json)['metadata'] as Json), labels: ns.labels } };
      if (c.existing) cluster.install([object]);
      else cluster.admit(object, 'CREATE');
      const stored = cluster.get(objectKey(object))!;
      const objects = cluster.objects().filter((o) => (o['metadata'] as Json)['namespace'] === name && o['kind'] !== 'Namespace');
      const errors = cluster.results.filter((r) => r.status === 'error');
      judges.push(errors.length ? { judge: 'kyverno', ok: false, got: `error: ${errors.map((e) => `${e.rule}: ${e.message}`).join('; ')}` } : judgeNamespace('kyverno', c, { objects: objects.map(kindName), labels: nameAndLabels(stored).labels }));
    }
    if (netpol && psa) {
      const objects = netpol.filter((o) => (o['metadata'] as Json)['namespace'] === name);
      const staticLabels = { ...ns.labels };
      for (const d of psa) if (d['kind'] === 'Namespace' && nameAndLabels(d).name === name) Object.assign(staticLabels, nameAndLabels(d).labels);
      judges.push(judgeNamespace('netpol+psa', c, { objects: objects.map(kindName), labels: staticLabels }));
    }
    out.push({ name: c.name, expect: 'state', judges, ok: judges.every((j) => j.ok) });
  }
}
