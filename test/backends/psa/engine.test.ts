import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { psaBackend } from '../../../src/backends/psa/index.js';
import { newestPssMinor } from '../../../src/backends/psa/plan.js';
import { admit, formatPsaVersion, policyFromNamespaceLabels, type PsaLevel, type PsaMode } from '../../../src/engines/psa/index.js';
import { corpusPath, hasCorpus } from '../../helpers/corpora.js';
import { dsl, irOf } from '../../helpers/dsl.js';

/**
 * The PSA engine (src/engines/psa) reads what the backend emitted: the namespace labels of the emitted
 * Namespace objects decide every pod exactly as the policy asked.
 */
function labelsFor(text: string): Map<string, Record<string, string>> {
  const out = psaBackend.emit(irOf(text));
  expect(out.diagnostics).toEqual([]);
  const namespaces = new Map<string, Record<string, string>>();
  for (const file of out.value ?? []) {
    for (const doc of YAML.parseAllDocuments(file.content)) {
      const o = doc.toJSON() as { kind?: string; metadata?: { name: string; labels: Record<string, string> } } | null;
      if (o?.kind === 'Namespace' && o.metadata) namespaces.set(o.metadata.name, o.metadata.labels);
    }
  }
  return namespaces;
}

const levels: readonly PsaLevel[] = ['privileged', 'baseline', 'restricted'];
const modes: readonly PsaMode[] = ['enforce', 'audit', 'warn'];
const versions: readonly string[] = [...Array.from({ length: newestPssMinor + 1 }, (_, i) => `v1.${i}`), 'latest'];

describe('psa backend against the PSA engine: labels', () => {
  it.each(modes)('%s: every level and version reads back as asked, other modes keep the defaults', (mode) => {
    for (const level of levels) {
      for (const version of versions) {
        const labels = labelsFor(`policy p {\n  in namespaces "apps"\n  ${mode} pod-security ${level} version ${version}\n}\n`).get('apps') ?? {};
        const policy = policyFromNamespaceLabels(labels);
        expect(policy.errors).toEqual([]);
        expect({ level: policy[mode].level, version: formatPsaVersion(policy[mode].version) }).toEqual({ level, version });
        for (const other of modes.filter((m) => m !== mode)) expect(policy[other]).toEqual({ level: 'privileged', version: 'latest' });
      }
    }
  });

  it('leaves an exempt namespace unlabelled, so PSA admits anything there', () => {
    const labels = labelsFor(dsl`
      policy p {
        in namespaces "apps", "legacy"
        enforce pod-security restricted
        exception e {
          namespaces "legacy"
          reason "r"
        }
      }`);
    expect([...labels.keys()]).toEqual(['apps']);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } };
    expect(admit({ namespace: { name: 'apps', labels: labels.get('apps') ?? {} }, object: pod }).allowed).toBe(false);
    expect(admit({ namespace: { name: 'legacy', labels: labels.get('legacy') ?? {} }, object: pod }).allowed).toBe(true);
  });

  it('documented gap: PSA enforces on Pods only; a controller gets audit and warn (its pods are denied when created)', () => {
    const labels = labelsFor(dsl`
      policy p {
        in namespaces "apps"
        enforce pod-security baseline
      }`).get('apps') ?? {};
    const template = { metadata: {}, spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] } };
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template } };
    expect(admit({ namespace: { name: 'apps', labels }, object: deployment }).allowed).toBe(true);
    expect(admit({ namespace: { name: 'apps', labels }, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'd-1' }, spec: template.spec } }).allowed).toBe(false);
  });
});

interface Fixture {
  readonly path: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly expect: 'allow' | 'deny';
  readonly fixture: string;
}

describe.skipIf(!hasCorpus('psa'))('psa backend against the PSA engine: upstream fixtures', () => {
  const fixtures: Fixture[] = hasCorpus('psa')
    ? readFileSync(corpusPath('psa', 'manifest.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Fixture)
    : [];
  const groups = new Map<string, Fixture[]>();
  for (const f of fixtures) groups.set(`${f.level} ${f.version}`, [...(groups.get(`${f.level} ${f.version}`) ?? []), f]);
  const agreed = { enforce: 0, audit: 0, warn: 0 };

  for (const [key, group] of groups) {
    it(`every ${key} fixture is allowed or denied as upstream expects, under the emitted labels`, () => {
      const [level, version] = key.split(' ');
      const enforce = labelsFor(`policy fixtures {\n  in namespaces "fixtures"\n  enforce pod-security ${level} version ${version}\n}\n`).get('fixtures') ?? {};
      const report = labelsFor(`policy fixtures {\n  in namespaces "fixtures"\n  audit pod-security ${level} version ${version}\n  warn pod-security ${level} version ${version}\n}\n`).get('fixtures') ?? {};
      const mismatches: string[] = [];
      for (const f of group) {
        const pod: unknown = YAML.parse(readFileSync(corpusPath(f.path), 'utf8'));
        const denied = admit({ namespace: { name: 'fixtures', labels: enforce }, object: pod });
        const reported = admit({ namespace: { name: 'fixtures', labels: report }, object: pod });
        const audit = typeof reported.audit === 'string' ? undefined : reported.audit.allowed;
        const warn = typeof reported.warn === 'string' ? undefined : reported.warn.allowed;
        const want = f.expect === 'allow';
        if (denied.allowed === want) agreed.enforce++;
        else mismatches.push(`${f.fixture}: enforce ${denied.allowed ? 'allowed' : 'denied'}, expected ${f.expect}`);
        if (audit === want) agreed.audit++;
        else mismatches.push(`${f.fixture}: audit ${String(audit)}, expected ${f.expect}`);
        if (warn === want) agreed.warn++;
        else mismatches.push(`${f.fixture}: warn ${String(warn)}, expected ${f.expect}`);
        if (!reported.allowed) mismatches.push(`${f.fixture}: audit and warn must never deny`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('reports the agreement figure', () => {
    const n = fixtures.length.toLocaleString('en-US');
    console.log(`psa backend + PSA engine, upstream fixtures: enforce ${agreed.enforce.toLocaleString('en-US')}/${n}, audit ${agreed.audit.toLocaleString('en-US')}/${n}, warn ${agreed.warn.toLocaleString('en-US')}/${n}`);
    expect(fixtures.length).toBe(4537);
    expect(agreed).toEqual({ enforce: 4537, audit: 4537, warn: 4537 });
  });
});
