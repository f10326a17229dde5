/**
 * The upstream corpora through the CLI (issue 21 item 6): every case the engine-level corpus tests run
 * (test/engines/gatekeeper/corpus.test.ts, test/engines/kyverno/corpus.test.ts) is run here as a user runs it,
 * `secpol eval` on the library's own files (in-process, the entry point bin/secpol.js uses), and must reach the
 * same expectation: gator's assertions for the Gatekeeper library (with `--inventory` where a case syncs objects,
 * AdmissionReview samples as they are), the Kyverno CLI's results and the chainsaw resources for Kyverno's baseline.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { corpusPath, hasCorpus } from '../helpers/corpora.js';

interface Verdict {
  resource: { kind: string; name: string; namespace: string | null };
  policy: string;
  rule: string;
  verdict: string;
  message: string;
  messages?: string[];
}

async function evalJson(...args: string[]): Promise<{ code: number; verdicts: Verdict[]; stderr: string }> {
  const r = await runCli('eval', ...args, '--format', 'json');
  if (r.code !== 0 && r.code !== 1) throw new Error(`eval ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return { code: r.code, verdicts: (JSON.parse(r.stdout) as { verdicts: Verdict[] }).verdicts, stderr: r.stderr };
}

interface GkCase {
  readonly suite: string;
  readonly test: string;
  readonly case: string;
  readonly template: string;
  readonly constraint: string;
  readonly object: string;
  readonly inventory: readonly string[];
  readonly assertions: readonly { violations: 'yes' | 'no' | number; message: string | null }[];
  readonly skip: boolean;
}

describe.skipIf(!hasCorpus('gatekeeper'))('gatekeeper library corpus through secpol eval', () => {
  const cases = hasCorpus('gatekeeper')
    ? readFileSync(corpusPath('gatekeeper', 'manifest.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as GkCase)
    : [];

  it('runs the 130 cases of the manifest, inventories included', () => {
    expect(cases.length).toBe(130);
    expect(cases.filter((c) => c.inventory.length > 0).length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it.skipIf(c.skip)(`${c.suite.split('/')[3]}/${c.test}/${c.case}`, async () => {
      const inventory = c.inventory.length ? ['--inventory', ...c.inventory.map((p) => corpusPath(p))] : [];
      const r = await evalJson('--engine', 'gatekeeper', '--policy', corpusPath(c.template), corpusPath(c.constraint), '--resource', corpusPath(c.object), ...inventory);
      expect(r.stderr).not.toMatch(/error\b/i);
      expect(r.verdicts.length).toBe(1);
      const v = r.verdicts[0]!;
      expect(v.verdict, v.message).not.toBe('error');
      const msgs = v.messages ?? [];
      for (const a of c.assertions) {
        const re = a.message === null ? undefined : new RegExp(a.message, 'u');
        const n = msgs.filter((m) => !re || re.test(m)).length;
        const ok = a.violations === 'yes' ? n > 0 : a.violations === 'no' ? n === 0 : n === a.violations;
        expect(ok, `assertion ${JSON.stringify(a)}: ${n} matching of ${JSON.stringify(msgs)}`).toBe(true);
      }
      expect(r.code).toBe(msgs.length > 0 ? 1 : 0);
    });
  }

  it('reads httpsonly/template.yaml as Go does, with a located warning instead of a refusal', async () => {
    const dir = 'gatekeeper/library/general/httpsonly';
    const r = await runCli('eval', '--engine', 'gatekeeper', '--policy', corpusPath(dir, 'template.yaml'), corpusPath(dir, 'samples/ingress-https-only/constraint.yaml'), '--resource', corpusPath(dir, 'samples/ingress-https-only/example_allowed.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/template\.yaml:\d+:\d+: warning SP0031|SP0031/);
    expect(r.stderr).not.toContain('SP0008');
  });
});

interface KyExpectation {
  readonly policy: string;
  readonly policyFile: string;
  readonly rule: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespace: string | null;
  readonly expect: 'pass' | 'fail' | 'skip';
  readonly resourceFile: string;
}

describe.skipIf(!hasCorpus('kyverno'))('kyverno baseline corpus through secpol eval', () => {
  const manifest = hasCorpus('kyverno')
    ? readFileSync(corpusPath('kyverno', 'kyverno-test-manifest.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as KyExpectation)
    : [];
  const groups = new Map<string, KyExpectation[]>();
  for (const e of manifest) groups.set(`${e.policyFile} ${e.resourceFile}`, [...(groups.get(`${e.policyFile} ${e.resourceFile}`) ?? []), e]);

  it('runs the 537 expectations of the Kyverno CLI tests', () => {
    expect([...groups.values()].flat().length).toBe(537);
  });

  for (const [key, expectations] of groups) {
    const [policyFile, resourceFile] = key.split(' ') as [string, string];
    it(`${policyFile.split('/').slice(-2, -1)[0]}: ${expectations.length} expectations`, async () => {
      const r = await evalJson('--engine', 'kyverno', '--policy', corpusPath(policyFile), '--resource', corpusPath(resourceFile));
      const wrong: string[] = [];
      for (const e of expectations) {
        const found = r.verdicts.filter((v) => v.policy === e.policy && v.rule === e.rule && v.resource.kind === e.kind && v.resource.name === e.resource && (e.namespace === null || v.resource.namespace === e.namespace));
        const actual = found[0]?.verdict ?? 'none';
        if (actual !== e.expect) wrong.push(`${e.rule} ${e.kind}/${e.resource}: expected ${e.expect}, got ${actual} (${found[0]?.message ?? ''})`);
      }
      expect(wrong).toEqual([]);
    });
  }

  const base = 'kyverno/pod-security/baseline';
  const chainsaw = hasCorpus('kyverno')
    ? readdirSync(corpusPath(base)).flatMap((dir) => {
        const d = `${base}/${dir}/.chainsaw-test`;
        return existsSync(corpusPath(d)) ? readdirSync(corpusPath(d)).filter((f) => /-(good|bad)\.yaml$/.test(f)).map((f) => ({ policy: `${base}/${dir}/${dir}.yaml`, file: `${d}/${f}`, bad: f.endsWith('-bad.yaml') })) : [];
      })
    : [];

  it('finds the chainsaw resources', () => {
    expect(chainsaw.length).toBeGreaterThan(0);
  });

  for (const c of chainsaw) {
    it(`${c.file.split('/').slice(-3).join('/')} is ${c.bad ? 'denied' : 'admitted'}`, async () => {
      const r = await evalJson('--engine', 'kyverno', '--policy', corpusPath(c.policy), '--resource', corpusPath(c.file));
      const byResource = new Map<string, Verdict[]>();
      for (const v of r.verdicts) byResource.set(`${v.resource.kind}/${v.resource.name}`, [...(byResource.get(`${v.resource.kind}/${v.resource.name}`) ?? []), v]);
      expect(r.verdicts.filter((v) => v.verdict === 'error')).toEqual([]);
      if (c.bad) {
        expect(byResource.size).toBeGreaterThan(0);
        for (const [res, vs] of byResource) expect(vs.some((v) => v.verdict === 'fail'), `${res} not denied`).toBe(true);
        expect(r.code).toBe(1);
      } else {
        expect(r.verdicts.filter((v) => v.verdict === 'fail')).toEqual([]);
        expect(r.code).toBe(0);
      }
    });
  }
});
