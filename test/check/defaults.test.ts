import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compileTo } from '../../src/compile.js';
import { explainDefaults } from '../../src/explain/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile } from '../../src/syntax/index.js';
import { diagnosticsOf, dsl, irOf } from '../helpers/dsl.js';

/** defaults blocks through the front door: syntax, checks with positions, lowering, backend refusals, explain. */
describe('defaults blocks', () => {
  const text = dsl`
    defaults tenants {
      title "Tenants"
      in namespaces "shop", "payments"
      where labels tier != "system"
      default deny ingress and egress
      allow dns
      enforce pod-security restricted version v1.30
      audit pod-security baseline
    }
  `;

  it('parses, prints back unchanged and lowers to sorted, canonical IR', () => {
    const parsed = parseSource(new SourceFile('t.secpol', text));
    expect(parsed.diagnostics).toEqual([]);
    expect(printFile(parsed.value!)).toBe(text);
    const d = irOf(text).defaults![0]!;
    expect(d.namespaces).toEqual(['payments', 'shop']);
    expect(d.podSecurity.map((p) => p.mode)).toEqual(['enforce', 'audit']);
    expect(d.selector?.matchExpressions).toEqual([{ key: 'tier', operator: 'NotIn', values: ['system'] }]);
    expect(d.defaultDeny).toMatchObject({ ingress: true, egress: true });
    expect(d.dns).toBeDefined();
  });

  it('reports misplaced clauses, duplicates and contradictions where they are written', () => {
    expect(
      diagnosticsOf(dsl`
        defaults d {
          severity high
          in namespaces "a", "b"
          except namespaces "b"
          default deny ingress
          default deny egress
          allow dns
          enforce pod-security baseline
          enforce pod-security restricted
        }
      `),
    ).toEqual([
      { code: 'SP1009', at: '2:3' },
      { code: 'SP1008', at: '4:21' },
      { code: 'SP1012', at: '6:3', related: ['5:3'] },
      { code: 'SP1017', at: '7:3' },
      { code: 'SP1012', at: '9:3', related: ['8:3'] },
    ]);
  });

  it('warns about egress without DNS, and refuses a block with nothing to generate or a bad name', () => {
    expect(diagnosticsOf('defaults d {\n  default deny egress\n}\n')).toEqual([{ code: 'SP1015', at: '2:3' }]);
    expect(diagnosticsOf('defaults d {\n  in namespaces "a"\n}\n')).toEqual([{ code: 'SP1011', at: '1:10' }]);
    expect(diagnosticsOf('defaults d {\n  allow dns\n}\n')).toEqual([{ code: 'SP1011', at: '1:10' }, { code: 'SP1017', at: '2:3' }]);
    expect(diagnosticsOf(`defaults ${'x'.repeat(51)} {\n  allow dns\n  default deny egress\n}\n`)).toEqual([{ code: 'SP1004', at: '1:10' }]);
    expect(diagnosticsOf('policy d {\n  in namespaces "a"\n  enforce pod-security baseline\n}\ndefaults d {\n  default deny ingress\n}\n')).toEqual([{ code: 'SP1001', at: '5:10', related: ['1:8'] }]);
  });

  it('refuses two blocks that may label one namespace for the same mode, not disjoint ones', () => {
    const two = (a: string, b: string) => `defaults a {\n${a}  enforce pod-security baseline\n}\ndefaults b {\n${b}  enforce pod-security restricted\n  warn pod-security restricted\n}\n`;
    expect(diagnosticsOf(two('  in namespaces "x"\n', ''))).toEqual([{ code: 'SP1012', at: '6:3', related: ['3:3'] }]);
    expect(diagnosticsOf(two('  in namespaces "x"\n', '  in namespaces "y"\n'))).toEqual([]);
    expect(diagnosticsOf(two('  in namespaces "x"\n', '  except namespaces "x"\n'))).toEqual([]);
  });

  it('keeps hostile title and description text inside YAML strings, outside any {{ }} Kyverno reads', async () => {
    const hostile = 'x"\n  y: {{request.object.metadata.name}}\n---\nkind: Secret';
    const text = `defaults d {\n  title ${JSON.stringify(hostile)}\n  description ${JSON.stringify(hostile)}\n  in namespaces "a"\n  default deny ingress\n}\n`;
    const out = await compileTo(irOf(text), ['kyverno', 'netpol']);
    const docs = out.value!.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as { kind: string; metadata: { annotations?: Record<string, string> }; spec?: { rules?: unknown[] } }));
    expect(docs.map((d) => d.kind)).toEqual(['ClusterPolicy', 'NetworkPolicy']);
    expect(docs[0]!.metadata.annotations?.['policies.kyverno.io/title']).toBe(hostile);
    expect(docs[0]!.metadata.annotations?.['policies.kyverno.io/description']).toBe(hostile);
    expect(JSON.stringify(docs[0]!.spec?.rules)).not.toContain('Secret');
  });

  it('emits ClusterPolicies the schema accepts, and the schema refuses an unsynchronized generate rule', async () => {
    const { validateClusterPolicy } = await import('../../src/backends/kyverno/validators.generated.js');
    const out = await compileTo(irOf(text), ['kyverno']);
    expect(out.diagnostics).toEqual([]);
    const policy = YAML.parse(out.value![0]!.content) as { spec: { rules: { generate?: { synchronize: boolean } }[] } };
    expect(validateClusterPolicy(policy)).toBe(true);
    policy.spec.rules[0]!.generate!.synchronize = false;
    expect(validateClusterPolicy(policy)).toBe(false);
  });

  it('is SP2001 on the admission-only backends, at the block', async () => {
    for (const target of ['gatekeeper', 'vap', 'kyverno-cel'] as const) {
      const out = await compileTo(irOf(text), [target]);
      expect(out.value).toBeUndefined();
      expect(out.diagnostics.map((d) => [d.code, d.message, d.span?.file.lineColumn(d.span.start).line])).toEqual([['SP2001', `${target} cannot express defaults "tenants" (objects and labels generated per namespace)`, 1]]);
    }
  });

  it('accepts `omit from` with the checks of a policy omission, and prints it back', () => {
    const omitted = dsl`
      defaults d {
        in namespaces "a"
        default deny ingress
        omit from gatekeeper, vap because "they only validate; kyverno generates the objects"
        omit from kyverno-cel because "same"
      }
    `;
    const parsed = parseSource(new SourceFile('t.secpol', omitted));
    expect(parsed.diagnostics).toEqual([]);
    expect(printFile(parsed.value!)).toBe(omitted);
    expect(irOf(omitted).defaults![0]!.omissions.map((o) => [o.backends, o.reason])).toEqual([
      [['gatekeeper', 'vap'], 'they only validate; kyverno generates the objects'],
      [['kyverno-cel'], 'same'],
    ]);
    // Omitting a backend that could express the block is allowed, as in a policy.
    expect(diagnosticsOf('defaults d {\n  in namespaces "a"\n  default deny ingress\n  omit from kyverno because "applied by hand"\n}\n')).toEqual([]);
    expect(diagnosticsOf('defaults d {\n  in namespaces "a"\n  default deny ingress\n  omit from gatkeeper, vap because "x"\n  omit from vap because ""\n}\n')).toEqual([
      { code: 'SP1004', at: '4:13' },
      { code: 'SP1012', at: '5:13', related: ['4:24'] },
      { code: 'SP1011', at: '5:25' },
    ]);
  });

  it('leaves a block out of the backends it omits, with a comments-only file saying why', async () => {
    const omitted = `${text.slice(0, text.lastIndexOf('}'))}  omit from gatekeeper, vap, kyverno-cel, netpol, psa because "generated by Kyverno"\n}\n`;
    for (const target of ['gatekeeper', 'vap', 'kyverno-cel', 'netpol', 'psa'] as const) {
      const out = await compileTo(irOf(omitted), [target]);
      expect(out.diagnostics).toEqual([]);
      expect(out.value!.map((f) => [f.path, f.objects.length, f.content.split('\n')[1]])).toEqual([[`${target}/tenants.yaml`, 0, `# defaults tenants is omitted from ${target}: generated by Kyverno`]]);
    }
    const kyverno = await compileTo(irOf(omitted), ['kyverno']);
    expect(kyverno.value!.map((f) => f.objects.map((o) => o.kind))).toEqual([['ClusterPolicy']]);
    // An omitted block is not a second owner of a namespace's Pod Security labels.
    const twice = irOf('policy p {\n  in namespaces "shop"\n  enforce pod-security baseline\n}\ndefaults d {\n  in namespaces "shop"\n  enforce pod-security restricted\n  omit from psa because "labelled by policy p"\n}\n');
    expect((await compileTo(twice, ['psa'])).diagnostics).toEqual([]);
  });

  it('is SP2001 for netpol and psa when the namespaces are chosen by labels or not listed, at the clause', async () => {
    const out = await compileTo(irOf(text), ['netpol', 'psa']);
    expect(out.diagnostics.map((d) => [d.code, d.span?.file.lineColumn(d.span.start).line])).toEqual([
      ['SP2001', 4],
      ['SP2001', 4],
    ]);
    const everywhere = await compileTo(irOf('defaults d {\n  default deny ingress\n}\n'), ['netpol']);
    expect(everywhere.diagnostics[0]?.message).toMatch(/^netpol cannot express defaults "d" for every namespace/);
  });

  it('refuses, in netpol, DNS for a namespace that a quarantine cuts off, and in psa, a namespace a policy labels too', async () => {
    const quarantined = irOf('network q {\n  quarantine pods where quarantine = "true" in namespaces "shop"\n}\ndefaults d {\n  in namespaces "shop"\n  default deny egress\n  allow dns\n}\n');
    const out = await compileTo(quarantined, ['netpol']);
    expect(out.diagnostics.map((d) => [d.code, d.span?.file.lineColumn(d.span.start).line])).toEqual([['SP2001', 7]]);
    const twice = irOf('policy p {\n  in namespaces "shop"\n  enforce pod-security baseline\n}\ndefaults d {\n  in namespaces "shop"\n  enforce pod-security restricted\n}\n');
    const psa = await compileTo(twice, ['psa']);
    expect(psa.diagnostics.map((d) => [d.code, d.span?.file.lineColumn(d.span.start).line, d.related.map((r) => r.span.file.lineColumn(r.span.start).line)])).toEqual([['SP2001', 7, [3]]]);
  });

  it('explains a namespace: which blocks select it and why, and what each engine makes of it', async () => {
    const set = irOf(text);
    const selected = await explainDefaults(set, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    expect(selected?.blocks).toEqual([{ name: 'tenants', at: 'test.secpol:1', selected: true, why: 'listed, labels satisfy tier NotIn [system]' }]);
    expect(selected?.objects).toEqual(['NetworkPolicy/tenants-allow-dns', 'NetworkPolicy/tenants-default-deny']);
    expect(selected?.engines.map((e) => [e.engine, e.agrees])).toEqual([
      ['kyverno', true],
      ['netpol+psa', true],
    ]);
    const system = await explainDefaults(set, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { tier: 'system' } } });
    expect(system?.blocks[0]?.why).toBe('labels do not satisfy tier NotIn [system]');
    expect(system?.objects).toEqual([]);
    expect(await explainDefaults(set, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toBeUndefined();
  });
});
