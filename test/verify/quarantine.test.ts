import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { EmittedFile } from '../../src/backends/backend.js';
import { netpolBackend } from '../../src/backends/netpol/index.js';
import { verifyNetworks } from '../../src/verify/network.js';
import { dsl, irOf } from '../helpers/dsl.js';

/** `secpol verify`'s network property on a quarantine (issue 19 item 3), and two wrong emissions it must catch. */
const set = irOf(dsl`
  network q {
    namespace "shop"
    default deny ingress and egress in namespaces "shop", "db"
    allow dns in namespaces "shop", "db"
    allow from pods where app = "web" to pods where app = "api" on tcp 8080
    allow from pods where app = "api" to pods where app = "postgres" in namespace "db" on tcp 5432
    quarantine pods where quarantine = "true" in namespaces "shop", "db", "open" except namespace "forensics"
  }`);
const files = netpolBackend.emit(set).value ?? [];
const options = { runs: 1000, seed: 20261123 };

type Doc = { metadata: { name: string }; spec: { podSelector: { matchExpressions?: unknown[] } } };
function rewrite(edit: (docs: Doc[]) => Doc[]): EmittedFile[] {
  return files.map((f) => {
    const docs = YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as Doc).filter(Boolean);
    return { ...f, content: edit(docs).map((d) => YAML.stringify(d)).join('---\n') };
  });
}

describe('verify: quarantine', () => {
  it('the semantics and the emitted NetworkPolicies agree on every generated connection', () => {
    const r = verifyNetworks(set.networks, files, options);
    expect(r.cases).toBe(options.runs);
    expect(r.disagreement).toBeUndefined();
  });

  it('catches a set without the quarantine objects', () => {
    const r = verifyNetworks(set.networks, rewrite((docs) => docs.filter((d) => !d.metadata.name.includes('quarantine'))), options);
    expect(r.disagreement).toBeDefined();
  });

  it('catches allow objects that do not exclude the quarantined pods', () => {
    const r = verifyNetworks(set.networks, rewrite((docs) => docs.map((d) => (d.metadata.name.includes('-allow-') ? { ...d, spec: { ...d.spec, podSelector: { ...d.spec.podSelector, matchExpressions: [] } } } : d))), options);
    expect(r.disagreement).toBeDefined();
  });
});
