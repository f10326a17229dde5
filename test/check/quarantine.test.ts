import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile } from '../../src/syntax/index.js';
import { diagnosticsOf, dsl, irOf } from '../helpers/dsl.js';

/** Issue 19 item 3: `quarantine pods where … in namespaces … except namespace …` in a network block. */
describe('quarantine: syntax and checks', () => {
  it('lowers one label test, the namespaces (sorted, once each) and the forensics namespace', () => {
    const set = irOf(dsl`
      network q {
        quarantine pods where quarantine = "true" in namespaces "shop", "db", "shop" except namespace "forensics"
      }`);
    const [q] = set.networks[0]!.quarantines;
    expect(q?.pods.matchLabels).toEqual({ quarantine: 'true' });
    expect(q?.namespaces).toEqual(['db', 'shop']);
    expect(q?.forensics).toBe('forensics');
  });

  it('the forensics exception is optional: without it the pods are cut off entirely', () => {
    const [q] = irOf(dsl`
      network q {
        quarantine pods where quarantine exists in namespaces "shop"
      }`).networks[0]!.quarantines;
    expect(q?.forensics).toBeUndefined();
    expect(q?.pods.matchExpressions).toEqual([{ key: 'quarantine', operator: 'Exists', values: [] }]);
  });

  it('without namespaces: SP1011 at the statement (NetworkPolicy is namespaced, nothing quarantines cluster-wide)', () => {
    const text = dsl`
      network q {
        quarantine pods where quarantine = "true" except namespace "forensics"
      }`;
    expect(diagnosticsOf(text)).toEqual([{ code: 'SP1011', at: '2:3' }]);
  });

  it('more than one label test: SP1004 (the exclusion from other allow rules must be one requirement)', () => {
    expect(diagnosticsOf(dsl`
      network q {
        quarantine pods where quarantine = "true" and app = "api" in namespaces "shop"
      }`)).toEqual([{ code: 'SP1004', at: '2:3' }]);
  });

  it('malformed namespace names: SP1004 at each name', () => {
    expect(diagnosticsOf(dsl`
      network q {
        quarantine pods where quarantine = "true" in namespaces "Shop" except namespace "for_ensics"
      }`)).toEqual([
      { code: 'SP1004', at: '2:59' },
      { code: 'SP1004', at: '2:83' },
    ]);
  });

  it('secpol fmt prints it back as written', () => {
    const text = 'network q {\n  quarantine pods where quarantine = "true" in namespaces "db", "shop" except namespace "forensics"\n}\n';
    const parsed = parseSource(new SourceFile('q.secpol', text));
    expect(parsed.diagnostics).toEqual([]);
    expect(printFile(parsed.value!)).toBe(text);
  });
});
