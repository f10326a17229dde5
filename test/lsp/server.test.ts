import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { targetIds } from '../../src/backends/registry.js';
import { positionOf, startInMemory, uriOf, workspace, type Client } from './harness.js';

const policy = `policy hardening {
  applies to pods
  except namespaces "kube-system"

  rule no-privileged {
    forbid any container has securityContext.privileged = true
  }

  rule non-root {
    require every container has effective runAsNonRoot = true
  }

  exception legacy {
    namespaces "legacy"
    rules no-privileged
    reason "migrating"
  }
}
`;

let client: Client | undefined;
/** LSP 3.18 lets a diagnostic message be markup; secpol sends plain text. */
const firstLine = (m: string | { value: string }) => (typeof m === 'string' ? m : m.value).split('\n')[0];
afterEach(() => client?.dispose());

describe('secpol lsp over JSON-RPC', () => {
  it('publishes diagnostics on open and after an edit, with codes linking to their pages', async () => {
    const root = workspace();
    client = await startInMemory(root);
    const uri = uriOf(join(root, 'p.secpol'));
    const first = await client.open(uri, policy);
    expect(first.diagnostics).toEqual([]);
    const next = client.nextDiagnostics(uri);
    const broken = policy.replace('securityContext.privileged', 'securityContext.priviliged');
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
    const after = await next;
    expect(after.version).toBe(2);
    expect(after.diagnostics).toHaveLength(1);
    const d = after.diagnostics[0]!;
    expect(d.code).toBe('SP1002');
    expect(d.codeDescription?.href).toMatch(/docs\/diagnostics\/SP1002\.md$/);
    expect(d.range.start).toEqual(positionOf(broken, 'priviliged'));
    expect(d.message).toContain('did you mean "privileged"?');
  });
});

describe('requests', () => {
  const open = async (text: string, files: Record<string, string> = {}, options?: unknown) => {
    const root = workspace();
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content);
    client = await startInMemory(root, options);
    const uri = uriOf(join(root, 'p.secpol'));
    const published = await client.open(uri, text);
    return { root, uri, published, c: client };
  };
  const at = (uri: string, text: string, needle: string, delta = 0) => ({ textDocument: { uri }, position: positionOf(text, needle, delta) });

  it('completion: field paths in a container quantifier, map keys, PSS levels and versions, targets, keywords', async () => {
    const text = `policy p {
  applies to pods
  rule r {
    forbid any container has securityContext.
    require every container has resources.limits.
  }
  enforce pod-security 
  enforce pod-security restricted version 
  rule s {
    omit from 
  }
  rule t {
    require every container has effective 
  }
}
`;
    const { uri, c } = await open(text);
    const labels = async (needle: string, delta: number) => ((await c.connection.sendRequest('textDocument/completion', at(uri, text, needle, delta))) as { label: string }[]).map((i) => i.label);
    const fields = await labels('securityContext.\n', 'securityContext.'.length);
    expect(fields).toEqual(expect.arrayContaining(['privileged', 'runAsNonRoot', 'capabilities', 'seccompProfile']));
    expect(fields).not.toContain('hostNetwork');
    expect(await labels('resources.limits.', 'resources.limits.'.length)).toEqual(expect.arrayContaining(['cpu', 'memory', 'ephemeral-storage']));
    expect(await labels('enforce pod-security \n', 'enforce pod-security '.length)).toEqual(['privileged', 'baseline', 'restricted']);
    const versions = await labels('version \n', 'version '.length);
    expect(versions[0]).toBe('latest');
    expect(versions).toContain('v1.30');
    expect(await labels('omit from \n', 'omit from '.length)).toEqual([...targetIds]);
    expect(await labels('effective \n', 'effective '.length)).toEqual(expect.arrayContaining(['runAsNonRoot', 'runAsUser', 'seccompProfile']));
    const rootFields = await labels('forbid any', 'forbid '.length);
    expect(rootFields).toEqual(expect.arrayContaining(['spec', 'metadata', 'any', 'every', 'no', 'not']));
    expect(await labels('  rule s {', 2)).toEqual(expect.arrayContaining(['title', 'rule', 'exception', 'enforce pod-security', 'omit from']));
  });

  it('completion: the fields of the kinds a policy applies to, and rule names after `rules`', async () => {
    const text = `policy rb {
  applies to "rbac.authorization.k8s.io/v1" ClusterRoleBinding
  rule r {
    forbid roleRef.
  }
  exception e {
    rules 
    reason "x"
  }
}
`;
    const { uri, c } = await open(text);
    const items = (await c.connection.sendRequest('textDocument/completion', at(uri, text, 'roleRef.', 'roleRef.'.length))) as { label: string }[];
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['name', 'kind', 'apiGroup']));
    const rules = (await c.connection.sendRequest('textDocument/completion', at(uri, text, 'rules \n', 'rules '.length))) as { label: string }[];
    expect(rules.map((i) => i.label)).toEqual(['r']);
  });

  it('hover: a field, a rule (compiled form and capability per backend), a diagnostic', async () => {
    const { uri, c } = await open(policy);
    const field = (await c.connection.sendRequest('textDocument/hover', at(uri, policy, 'privileged =', 3))) as { contents: { value: string } };
    expect(field.contents.value).toContain('**securityContext.privileged**: boolean');
    expect(field.contents.value).toContain('root-equivalent');
    const rule = (await c.connection.sendRequest('textDocument/hover', at(uri, policy, 'no-privileged {', 2))) as { contents: { value: string } };
    expect(rule.contents.value).toContain('**kyverno**: compiled');
    expect(rule.contents.value).toContain('**gatekeeper**: compiled');
    expect(rule.contents.value).toContain('**vap**: compiled');
    expect(rule.contents.value).toContain('**psa**: cannot express it: psa cannot express rule "no\\-privileged" \\(PSA applies');
    expect(rule.contents.value).toMatch(/violation contains/);
    const broken = policy.replace('runAsNonRoot', 'runAsNonroot');
    const next = c.nextDiagnostics(uri);
    await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
    await next;
    const diag = (await c.connection.sendRequest('textDocument/hover', at(uri, broken, 'runAsNonroot', 2))) as { contents: { value: string } };
    expect(diag.contents.value).toContain('**SP1002** (error): unknown field');
    expect(diag.contents.value).toContain('did you mean "runAsNonRoot"?');
  });

  it('hover keeps policy text inert: markdown in names and strings is escaped, excerpts are fenced past their backticks', async () => {
    const text = 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n    message "``` [x](https://example.com) ```"\n  }\n}\n';
    const { uri, c } = await open(text);
    const hover = ((await c.connection.sendRequest('textDocument/hover', at(uri, text, 'rule r', 5))) as { contents: { value: string } }).contents.value;
    const vapAt = hover.indexOf('**vap**');
    const celAt = hover.indexOf('**kyverno-cel**', vapAt);
    const vap = hover.slice(vapAt, celAt > vapAt ? celAt : undefined);
    expect(hover.slice(celAt)).toContain('``` [x](https://example.com) ```');
    expect(vap.split('\n')[1]).toBe('````yaml');
    expect(vap).toContain('``` [x](https://example.com) ```');
    expect(vap.split('\n').filter((l) => l === '````')).toHaveLength(1);
    const broken = 'policy p {\n  applies to "[x](https://example.com)" Pod\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n';
    const next = c.nextDiagnostics(uri);
    await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
    const published = await next;
    expect(published.diagnostics.map((d) => d.code)).toContain('SP1004');
    const diag = ((await c.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: published.diagnostics.find((d) => d.code === 'SP1004')!.range.start })) as { contents: { value: string } }).contents.value;
    const userPart = diag.slice(0, diag.indexOf('[SP1004 documentation]'));
    expect(userPart).toContain('\\[x\\]\\(https://example.com\\)');
    expect(userPart).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  });

  it('definition, references and rename of a rule; the outline', async () => {
    const { uri, c } = await open(policy);
    const def = (await c.connection.sendRequest('textDocument/definition', at(uri, policy, 'rules no-privileged', 7))) as { range: unknown }[];
    expect(def).toEqual([{ uri, range: { start: positionOf(policy, 'no-privileged {'), end: positionOf(policy, 'no-privileged {', 'no-privileged'.length) } }]);
    const refs = (await c.connection.sendRequest('textDocument/references', { ...at(uri, policy, 'no-privileged {'), context: { includeDeclaration: true } })) as unknown[];
    expect(refs).toHaveLength(2);
    const edit = (await c.connection.sendRequest('textDocument/rename', { ...at(uri, policy, 'no-privileged {'), newName: 'no-priv' })) as { changes: Record<string, { newText: string }[]> };
    expect(edit.changes[uri]!.map((e) => e.newText)).toEqual(['no-priv', 'no-priv']);
    await expect(c.connection.sendRequest('textDocument/rename', { ...at(uri, policy, 'no-privileged {'), newName: 'non-root' })).rejects.toThrow(/already has a rule named "non-root"/);
    await expect(c.connection.sendRequest('textDocument/rename', { ...at(uri, policy, 'no-privileged {'), newName: 'a b' })).rejects.toThrow(/is not a name/);
    const symbols = (await c.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { name: string; children?: { name: string }[] }[];
    expect(symbols.map((s) => [s.name, s.children?.map((x) => x.name)])).toEqual([['hardening', ['no-privileged', 'non-root', 'legacy']]]);
  });

  it('definition of an import is the imported file; a problem in it shows at the import', async () => {
    const text = 'import "./base.secpol"\n\npolicy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n';
    const { root, uri, published, c } = await open(text, { 'base.secpol': 'policy base {\n  applies to pods\n  rule r {\n    forbid spec.hostPId = true\n  }\n}\n' });
    expect(published.diagnostics.map((d) => [d.code, d.range.start.line, firstLine(d.message)])).toEqual([['SP1002', 0, `in ${join(root, 'base.secpol')}:4:17: unknown field "hostPId" in spec`]]);
    const def = await c.connection.sendRequest('textDocument/definition', at(uri, text, 'base.secpol'));
    expect(def).toEqual([{ uri: uriOf(join(root, 'base.secpol')), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
  });

  it('named selectors: a network workload used by allow lines has a definition, references and a rename', async () => {
    const text = 'network n {\n  namespace "shop"\n  workload api in namespace "shop" with labels app = "api"\n  default deny ingress in namespaces "shop"\n  allow from workload api to pods where app = "db" on tcp 5432\n}\n';
    const { uri, published, c } = await open(text);
    expect(published.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
    const def = await c.connection.sendRequest('textDocument/definition', at(uri, text, 'workload api to', 10));
    expect(def).toEqual([{ uri, range: { start: positionOf(text, 'api in'), end: positionOf(text, 'api in', 3) } }]);
    const refs = (await c.connection.sendRequest('textDocument/references', { ...at(uri, text, 'api in'), context: { includeDeclaration: false } })) as unknown[];
    expect(refs).toHaveLength(1);
    const edit = (await c.connection.sendRequest('textDocument/rename', { ...at(uri, text, 'api in'), newName: 'backend' })) as { changes: Record<string, { newText: string }[]> };
    expect(edit.changes[uri]).toHaveLength(2);
    const items = (await c.connection.sendRequest('textDocument/completion', at(uri, text, 'workload api to', 'workload '.length))) as { label: string }[];
    expect(items.map((i) => i.label)).toEqual(['api']);
  });

  it('targets from the initialization options, then from a settings change', async () => {
    const { uri, c } = await open(policy, {}, { targets: ['psa'] });
    await c.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'SP2001'));
    const cleared = c.nextDiagnostics(uri, (p) => p.diagnostics.length === 0);
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { secpol: { targets: ['kyverno'] } } });
    expect((await cleared).diagnostics).toEqual([]);
  });

  it('formatting gives the `secpol fmt` layout; a document with syntax errors is left alone', async () => {
    const messy = 'policy p {\napplies to pods\n   rule r { forbid spec.hostPID = true }\n}\n';
    const { uri, c } = await open(messy);
    const edits = (await c.connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as { newText: string }[];
    expect(edits.map((e) => e.newText)).toEqual(['policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n']);
    const next = c.nextDiagnostics(uri);
    await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'policy p {\n' }] });
    await next;
    expect(await c.connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  it('SP2001 for the targets of secpol.json, and a code action that adds `omit from`', async () => {
    const { uri, c } = await open(policy, { 'secpol.json': '{"targets": ["psa"]}' });
    const withTargets = await c.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'SP2001'));
    const sp2001 = withTargets.diagnostics.filter((d) => d.code === 'SP2001');
    expect(sp2001.map((d) => firstLine(d.message))).toEqual(['psa cannot express rule "no-privileged" (PSA applies only the Pod Security Standards levels)', 'psa cannot express rule "non-root" (PSA applies only the Pod Security Standards levels)']);
    const actions = (await c.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: sp2001[0]!.range, context: { diagnostics: [sp2001[0]] } })) as { title: string; edit: { changes: Record<string, { range: { start: { line: number } }; newText: string }[]> } }[];
    expect(actions.map((a) => a.title)).toEqual(['Add `omit from psa` to rule no-privileged (give the reason)']);
    const [edit] = actions[0]!.edit.changes[uri]!;
    expect(edit!.range.start.line).toBe(5);
    expect(edit!.newText).toBe('    omit from psa because "TODO: why psa need not enforce this"\n');
  });

  it('a code action for a did-you-mean hint replaces the word', async () => {
    const broken = policy.replace('securityContext.privileged', 'securityContext.priviliged');
    const { uri, published, c } = await open(broken);
    const actions = (await c.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: published.diagnostics[0]!.range, context: { diagnostics: published.diagnostics } })) as { title: string; edit: { changes: Record<string, { newText: string }[]> } }[];
    expect(actions.map((a) => [a.title, a.edit.changes[uri]![0]!.newText])).toEqual([['Change "priviliged" to "privileged"', 'privileged']]);
  });
});
