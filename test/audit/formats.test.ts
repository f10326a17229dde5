import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, xmlEscape } from '../../src/audit/index.js';
import { audit, auditModePolicy, pod, privileged, tmpTree } from './harness.js';
import { parseXml } from './xml.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const policy = join(process.cwd(), privileged);

// A container name full of characters every format must escape, including a control character.
const evilName = 'a<b>&"c\'|,:%\u0001`*';
const evilMessage = 'container a<b>&"c\'|,:%\u0001`* (registry.example.com/app:1.0) must not set securityContext.privileged: true';

/** The fixture: run from inside it, as CI runs from the repository root, so paths are relative. */
const root = tmpTree({
  'k8s/pods.yaml': `${pod('root', { namespace: 'apps', privileged: true })}---\n${pod('fine', { namespace: 'apps' })}`,
  'k8s/weird, name:1.yaml': pod('evil', { namespace: 'apps', privileged: true, containerName: JSON.stringify(evilName) }),
  'k8s/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - ${pod('in-list', { privileged: true }).trimEnd().split('\n').join('\n    ')}\n  - 42\n`,
  'audit.secpol': auditModePolicy,
});
mkdirSync(join(root, 'empty'), { recursive: true });
let cwd = '';
beforeAll(() => {
  cwd = process.cwd();
  process.chdir(root);
});
afterAll(() => process.chdir(cwd));

const run = (format: string, extra: Record<string, string | boolean | string[]> = {}) => audit({ manifests: ['k8s'], format, ...extra }, [policy, join(root, 'audit.secpol')]);

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  object: { apiVersion: string; kind: string; namespace: string | null; name: string; file: string; line: number };
  policy: string;
  rule: string;
  severity: string;
  mode: string;
  message: string;
  source: string | null;
}

describe('secpol audit formats', () => {
  it('json: the documented shape', async () => {
    const r = await run('json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { version: number; target: string; summary: Record<string, unknown>; findings: JsonFinding[]; excluded: unknown[] };
    expect(Object.keys(json)).toEqual(['version', 'target', 'summary', 'findings', 'excluded']);
    expect(json.summary).toEqual({ files: 3, objects: 4, findings: 7, enforce: 4, blocking: true });
    const f = json.findings.find((x) => x.object.name === 'root' && x.policy === 'privileged');
    expect(f).toEqual({
      file: 'k8s/pods.yaml',
      line: 11,
      column: 9,
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'apps', name: 'root', file: 'k8s/pods.yaml', line: 1 },
      policy: 'privileged',
      rule: 'no-privileged',
      severity: 'critical',
      mode: 'enforce',
      message: 'container app (registry.example.com/app:1.0) must not set securityContext.privileged: true',
      source: `${policy}:12`,
    });
    // The List item points into the list; the non-object item is an invalid-manifest finding at its own line.
    const inList = json.findings.filter((x) => x.file === 'k8s/list.yaml').map((x) => [x.line, x.policy, x.rule, x.object.name]);
    expect(inList).toEqual([
      [13, 'privileged', 'no-privileged', 'in-list'],
      [13, 'privileged-audit', 'no-privileged', 'in-list'],
      [14, 'secpol', 'invalid-manifest', ''],
    ]);
    expect(json.findings.find((x) => x.object.name === 'evil')?.message).toBe(evilMessage);
  });

  it('text: one line per finding, then the summary', async () => {
    const r = await run('text');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[7]).toBe('7 findings (4 enforce, 3 audit/warn) in 4 objects from 3 files, judged by ir');
    expect(lines).toContain('k8s/list.yaml:14:5: enforce high secpol/invalid-manifest (not an object): the document is a number, not a Kubernetes object');
  });

  it('sarif: valid SARIF 2.1.0 as code scanning reads it', async () => {
    const r = await run('sarif');
    const sarif = JSON.parse(r.stdout) as {
      $schema: string;
      version: string;
      runs: { tool: { driver: { name: string; informationUri: string; rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    const schema = JSON.parse(readFileSync(join(cwd, 'test/audit/sarif-subset.schema.json'), 'utf8')) as object;
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const [run0] = sarif.runs;
    const driver = run0!.tool.driver;
    expect(driver.name).toBe('secpol');
    expect(driver.rules.map((x) => [x.id, x.defaultConfiguration.level])).toEqual([
      ['privileged/no-privileged', 'error'],
      ['privileged-audit/no-privileged', 'warning'],
      ['secpol/invalid-manifest', 'error'],
    ]);
    // Every result names a rule of the driver, by id and index.
    for (const res of run0!.results) expect(driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    expect(run0!.results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.artifactLocation.uri, x.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['privileged/no-privileged', 'error', 'k8s/list.yaml', 13],
      ['privileged-audit/no-privileged', 'warning', 'k8s/list.yaml', 13],
      ['secpol/invalid-manifest', 'error', 'k8s/list.yaml', 14],
      ['privileged/no-privileged', 'error', 'k8s/pods.yaml', 11],
      ['privileged-audit/no-privileged', 'warning', 'k8s/pods.yaml', 11],
      ['privileged/no-privileged', 'error', 'k8s/weird%2C%20name%3A1.yaml', 11],
      ['privileged-audit/no-privileged', 'warning', 'k8s/weird%2C%20name%3A1.yaml', 11],
    ]);
  });

  it('junit: well-formed XML, one testsuite per policy, one testcase per object x rule, escaped text', async () => {
    const r = await run('junit');
    const doc = parseXml(r.stdout);
    expect(doc.name).toBe('testsuites');
    const suites = doc.children;
    expect(suites.map((s) => [s.attrs['name'], s.attrs['tests'], s.attrs['failures']])).toEqual([
      ['privileged', '4', '3'],
      ['privileged-audit', '4', '3'],
      ['secpol', '1', '1'],
    ]);
    for (const s of suites) {
      expect(s.children.every((c) => c.name === 'testcase')).toBe(true);
      expect(s.children.filter((c) => c.children.some((f) => f.name === 'failure')).length).toBe(Number(s.attrs['failures']));
    }
    const evil = suites[0]!.children.find((c) => c.attrs['name']?.includes('Pod/apps/evil'))!;
    const failure = evil.children[0]!;
    expect(failure.attrs['message']).toBe(evilMessage.replace('\u0001', '\uFFFD'));
    expect(failure.attrs['type']).toBe('enforce/critical');
    expect(failure.text.split('\n')[0]).toBe(evilMessage.replace('\u0001', '\uFFFD'));
  });

  it('markdown: a table with one row per finding, cells that cannot break the table or inject HTML', async () => {
    const r = await run('markdown');
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(1 + 7);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(8);
    expect(r.stdout).not.toContain('<b>');
    expect(r.stdout).toContain('a&lt;b&gt;&amp;');
    expect(r.stdout.startsWith('### secpol audit: 7 findings\n')).toBe(true);
  });

  it('github: one workflow command per finding, error for enforce and warning otherwise, escaped', async () => {
    const r = await run('github');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    const parsed = lines.map((l) => {
      const m = /^::(error|warning) ([^:]*)::(.*)$/.exec(l);
      expect(m, l).not.toBeNull();
      const props = Object.fromEntries(m![2]!.split(',').map((p) => [p.slice(0, p.indexOf('=')), decodeURIComponent(p.slice(p.indexOf('=') + 1))]));
      return { command: m![1], props, message: decodeURIComponent(m![3]!) };
    });
    const evil = parsed.find((p) => p.message.includes('Pod/apps/evil') && p.command === 'error')!;
    expect(evil.props).toEqual({ file: 'k8s/weird, name:1.yaml', line: '11', col: '9', title: 'privileged/no-privileged (critical)' });
    expect(evil.message).toContain(evilMessage);
    expect(parsed.filter((p) => p.command === 'warning')).toHaveLength(3);
    expect(escapeData('50%\r\nx')).toBe('50%25%0D%0Ax');
    expect(escapeProperty('a,b:c%')).toBe('a%2Cb%3Ac%25');
  });

  it('every format is empty of findings (and exits 0) when nothing is violated', async () => {
    const clean = tmpTree({ 'ok.yaml': pod('ok') });
    for (const format of ['text', 'json', 'sarif', 'junit', 'markdown', 'github']) {
      const r = await audit({ manifests: [join(clean, 'ok.yaml')], format }, [policy]);
      expect(r.code, format).toBe(0);
      expect(r.stderr, format).toBe('');
    }
    const sarif = await audit({ manifests: [join(clean, 'ok.yaml')], format: 'sarif' }, [policy]);
    expect((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results).toEqual([]);
    expect(parseXml((await audit({ manifests: [join(clean, 'ok.yaml')], format: 'junit' }, [policy])).stdout).attrs['failures']).toBe('0');
  });

  it('xmlEscape leaves no markup and no character XML forbids', () => {
    expect(xmlEscape('<a href="x">&\'\u0000\uFFFF\n')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD\uFFFD&#10;');
  });
});
