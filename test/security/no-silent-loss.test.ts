import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { targetIds, type TargetId } from '../../src/backends/registry.js';
import { readPolicyFile } from '../../src/cli/io.js';
import { compileTo, frontEnd } from '../../src/compile.js';
import { loadKyvernoDocuments } from '../../src/engines/kyverno/index.js';
import { secpolRule } from '../../src/verify/adapters/kyverno.js';
import { parseModule } from '../../src/engines/rego/index.js';
import { loadVapDocuments } from '../../src/engines/vap/index.js';
import { loadKyvernoCelDocuments } from '../../src/engines/kyverno-cel/index.js';
import type { BackendId, Policy } from '../../src/ir/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseYamlFile } from '../../src/suite/index.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * Issue 7: every rule of every policy is in every backend's output (read back from the emitted text), or the
 * backend refused with SP2001, or the user omitted it from that backend, and the output says so.
 */
function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

function omitted(policy: Policy, rule: string, backend: TargetId): string | undefined {
  const o = [...policy.omissions, ...(policy.rules.find((r) => r.name === rule)?.omissions ?? [])].find((x) => x.backends.includes(backend as BackendId));
  return o?.reason;
}

/** The rule names an artifact really contains, as each target's engine reads them. */
function rulesIn(target: TargetId, files: readonly EmittedFile[]): Set<string> {
  const docs = files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter(Boolean);
  const out = new Set<string>();
  if (target === 'kyverno') {
    // A pod-security line is one Kyverno rule per check (pod-security-<mode>-<control>), reported under the line.
    for (const p of loadKyvernoDocuments(docs).policies) for (const r of (p as unknown as { rules: { name: string }[] }).rules ?? []) out.add(secpolRule(r.name));
  }
  if (target === 'gatekeeper') {
    for (const d of docs as { kind?: string; spec?: { targets?: { rego?: string }[] } }[]) {
      for (const t of d.spec?.targets ?? []) {
        if (!t.rego) continue;
        parseModule(t.rego); // must parse
        for (const m of t.rego.matchAll(/"rule": ("(?:[^"\\]|\\.)*")/g)) out.add(JSON.parse(m[1] ?? '""') as string);
      }
    }
  }
  if (target === 'vap') {
    // Each validation is named in the policy's secpol.dev/rules annotation; the engine loader reads it back.
    for (const p of loadVapDocuments(docs).policies) for (const r of JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[]) out.add(r);
  }
  if (target === 'kyverno-cel') {
    // As for vap: each ValidatingPolicy names its validations in secpol.dev/rules; the engine loader reads it back.
    const loaded = loadKyvernoCelDocuments(docs);
    expect(loaded.errors).toEqual([]);
    for (const p of loaded.policies) for (const r of JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[]) out.add(r);
  }
  if (target === 'psa') {
    for (const d of docs as { metadata?: { labels?: Record<string, string> } }[]) {
      for (const mode of ['enforce', 'audit', 'warn']) if (d.metadata?.labels?.[`pod-security.kubernetes.io/${mode}`]) out.add(`pod-security-${mode}`);
    }
  }
  return out;
}

describe('no silent loss', async () => {
  const paths = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();
  const front = frontEnd(paths, (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' });
  for (const policy of front.value!.set.policies) {
    for (const target of targetIds.filter((t) => t !== 'netpol')) {
      it(`${policy.name} → ${target}: every rule is emitted, refused with SP2001, or omitted with a reason in the output`, async () => {
        const out = await compileTo({ policies: [policy], networks: [] }, [target]);
        const errors = out.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length) {
          expect(errors.every((d) => d.code === 'SP2001' && d.message.startsWith(`${target} cannot express`))).toBe(true);
          expect(out.value).toBeUndefined();
          return;
        }
        const found = rulesIn(target, out.value ?? []);
        const text = (out.value ?? []).map((f) => f.content).join('\n');
        const expected = [...policy.rules.map((r) => r.name), ...policy.podSecurity.map((p) => `pod-security-${p.mode}`)];
        for (const rule of expected) {
          const reason = omitted(policy, rule, target);
          if (reason !== undefined) expect(text, `${rule}: the omission is stated in the output`).toContain('omitted');
          else if (target !== 'psa' || rule.startsWith('pod-security-')) expect(found.has(rule), `${rule} in the ${target} output`).toBe(true);
        }
      });
    }
  }
});

describe('hostile YAML input', () => {
  it('a billion-laughs document is a positioned SP0008, not an expansion', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const r = parseYamlFile(new SourceFile('bomb.yaml', bomb));
    expect(r.documents).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SP0008']);
  });

  it('malformed YAML is reported at its line and column', () => {
    const r = parseYamlFile(new SourceFile('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n'));
    expect(r.diagnostics[0]?.code).toBe('SP0008');
    expect(r.diagnostics[0]?.span?.file.lineColumn(r.diagnostics[0].span.start).line).toBeGreaterThanOrEqual(3);
  });
});
