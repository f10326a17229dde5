import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { readPolicyFile } from '../../src/cli/io.js';
import { startLanguageServer } from '../../src/lsp/index.js';

export const today = '2026-06-01';

/** A client talking JSON-RPC to a server: published diagnostics are collected per URI, newest last. */
export interface Client {
  readonly connection: ProtocolConnection;
  readonly diagnostics: Map<string, PublishDiagnosticsParams[]>;
  /** The next diagnostics published for `uri` that satisfy `test` (default: any). */
  nextDiagnostics(uri: string, test?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  /** Opens a document and waits for its first diagnostics. */
  open(uri: string, text: string): Promise<PublishDiagnosticsParams>;
  dispose(): void;
}

export function attach(connection: ProtocolConnection, dispose: () => void): Client {
  const diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  const waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, [...(diagnostics.get(p.uri) ?? []), p]);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.test(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  connection.listen();
  const client: Client = {
    connection,
    diagnostics,
    nextDiagnostics: (uri, test = () => true) => new Promise((resolve) => waiters.push({ uri, test, resolve })),
    async open(uri, text) {
      const next = client.nextDiagnostics(uri);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'secpol', version: 1, text } });
      return next;
    },
    dispose,
  };
  return client;
}

/** A server in this process on in-memory streams, initialised with a workspace folder. */
export async function startInMemory(root: string, initializationOptions: unknown = {}): Promise<Client> {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down));
  const readText = (p: string) => {
    try {
      return statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  startLanguageServer(server, { read: readPolicyFile, readText, today, debounceMs: 0 });
  const client = attach(createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up)), () => {
    server.dispose();
    up.destroy();
    down.destroy();
  });
  await initialize(client, root, initializationOptions);
  return client;
}

export async function initialize(client: Client, root: string, initializationOptions: unknown = {}): Promise<unknown> {
  const result = await client.connection.sendRequest('initialize', { processId: null, rootUri: uriOf(root), workspaceFolders: [{ uri: uriOf(root), name: 'w' }], capabilities: {}, initializationOptions });
  await client.connection.sendNotification('initialized', {});
  return result;
}

export const uriOf = (path: string) => pathToFileURL(path).href;
export const workspace = () => mkdtempSync(join(tmpdir(), 'secpol-lsp-'));

/** The LSP position of the first occurrence of `needle` (plus `delta` characters) in `text`. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
