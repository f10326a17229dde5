/**
 * `secpol lsp` as editors run it: the bundled CLI (bin/secpol.js, dist/cli) as a child process, JSON-RPC over its
 * stdin/stdout. Run `npm run build` (or `node scripts/bundle.mjs`) after editing src/ so the bundle is current.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { projectRoot } from '../helpers/corpora.js';
import { attach, initialize, positionOf, uriOf, workspace } from './harness.js';

describe('secpol lsp --stdio (bundled CLI)', () => {
  it('initialises, publishes diagnostics, answers hover, and exits 0 after shutdown and exit', async () => {
    const root = workspace();
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'secpol.js'), 'lsp', '--stdio', '--today', '2026-06-01'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const client = attach(createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin)), () => child.kill());
    const init = (await initialize(client, root)) as { capabilities: Record<string, unknown>; serverInfo: { name: string } };
    expect(init.serverInfo.name).toBe('secpol');
    expect(Object.keys(init.capabilities)).toEqual(expect.arrayContaining(['completionProvider', 'hoverProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'documentSymbolProvider', 'documentFormattingProvider', 'codeActionProvider']));
    const text = 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostNetwrk = true\n  }\n}\n';
    const uri = uriOf(join(root, 'p.secpol'));
    const published = await client.open(uri, text);
    expect(published.diagnostics.map((d) => [d.code, d.range.start])).toEqual([['SP1002', positionOf(text, 'hostNetwrk')]]);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'hostNetwrk', 2) })) as { contents: { value: string } };
    expect(hover.contents.value).toContain('did you mean "hostNetwork"?');
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
