import { posix } from 'node:path';
import {
  CodeActionKind,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  type Location,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../diagnostics/index.js';
import type { ReadFile } from '../load.js';
import { SourceFile } from '../source/index.js';
import { parseSource, printFile, type FileAst } from '../syntax/index.js';
import { codeActionsFor } from './actions.js';
import { analyse, normalise, targetDiagnostics, type Analysis } from './analysis.js';
import { completionsAt } from './completion.js';
import { targetsFor, targetsOf, type Targets } from './config.js';
import { toLspDiagnostic } from './diagnostics.js';
import { explainDiagnostic, explainField, explainRule, markdown } from './hover.js';
import { namePattern, nameSites, siteAt } from './names.js';
import { contains, offsetAt, rangeOf } from './positions.js';
import { documentSymbols } from './symbols.js';
import { pathOfUri, uriOfPath } from './uri.js';

export interface LanguageServerOptions {
  /** Reads a policy file (the CLI's reader: project root and file kind enforced). Open documents are read from the editor. */
  readonly read: ReadFile;
  /** Reads a project config file; undefined when there is none. */
  readonly readText: (path: string) => string | undefined;
  /** The date exceptions expire against (default: today, UTC). */
  readonly today?: string;
  /** Milliseconds to wait after an edit before checking (edits typed in a burst are checked once). */
  readonly debounceMs?: number;
}

interface DocumentState {
  readonly version: number;
  readonly analysis: Analysis;
  /** Every diagnostic shown, front end and targets. */
  diagnostics: readonly Diagnostic[];
  /** The last syntax tree of the document that parsed, for the outline while the text does not. */
  readonly lastFile?: FileAst;
}

/** `secpol lsp`: diagnostics, completion, hover, navigation, rename, formatting and quick fixes over one connection. */
export function startLanguageServer(connection: Connection, options: LanguageServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  const timers = new Map<string, NodeJS.Timeout>();
  const warned = new Set<string>();
  let roots: string[] = [];
  let settings: Targets = { targets: [], unknown: [] };
  const today = () => options.today ?? new Date().toISOString().slice(0, 10);

  const openPath = new Map<string, string>();
  const read: ReadFile = (path, root) => {
    const uri = openPath.get(path);
    const doc = uri ? documents.get(uri) : undefined;
    return doc ? { bytes: new TextEncoder().encode(doc.getText()) } : options.read(path, root);
  };
  const rootFor = (path: string) => roots.filter((r) => path === r || path.startsWith(`${r === '/' ? '' : r}/`)).sort((a, b) => b.length - a.length)[0] ?? posix.dirname(path);

  const publish = (uri: string, version: number, diagnostics: readonly Diagnostic[]) => {
    void connection.sendDiagnostics({ uri, version, diagnostics: diagnostics.map(toLspDiagnostic) });
  };

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const path = pathOfUri(uri);
    openPath.set(path, uri);
    const root = rootFor(path);
    const previous = states.get(uri)?.analysis.file;
    const analysis = analyse(path, root, read, today(), previous, doc.getText());
    const state: DocumentState = { version: doc.version, analysis, diagnostics: analysis.diagnostics, ...(analysis.file ? { lastFile: analysis.file } : states.get(uri)?.lastFile ? { lastFile: states.get(uri)!.lastFile! } : {}) };
    states.set(uri, state);
    publish(uri, doc.version, analysis.diagnostics);
    const targets = targetsFor(path, root, settings, options.readText);
    for (const u of targets.unknown) {
      if (warned.has(u)) continue;
      warned.add(u);
      connection.window.showWarningMessage(`secpol: ${/\s/.test(u) ? u : `"${u}" is not a target (kyverno, gatekeeper, psa, vap, netpol)`}`);
    }
    if (!analysis.set || targets.targets.length === 0) return;
    const more = await targetDiagnostics(analysis, targets.targets);
    if (states.get(uri) !== state) return;
    state.diagnostics = [...analysis.diagnostics, ...more];
    publish(uri, doc.version, state.diagnostics);
  }

  function schedule(uri: string, delay = options.debounceMs ?? 20): void {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => void validate(uri).catch((e: Error) => connection.console.error(`secpol: ${e.message}`)), delay));
  }

  /** The analysis when it is of the document's current text, else undefined (the text moved since). */
  const current = (uri: string) => {
    const s = states.get(uri);
    return s && s.version === documents.get(uri)?.version ? s : undefined;
  };

  connection.onInitialize((params): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => pathOfUri(f.uri)) ?? (params.rootUri ? [pathOfUri(params.rootUri)] : []);
    roots = folders;
    settings = targetsOf(params.initializationOptions);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['.', ' '] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'secpol' },
    };
  });

  connection.onDidChangeConfiguration((params) => {
    const s = (params.settings as { secpol?: unknown } | undefined)?.secpol;
    if (s !== undefined) settings = targetsOf(s);
    for (const uri of states.keys()) schedule(uri, 0);
  });

  // A project config or an imported file changed on disk (editors watch **/{*.secpol,secpol.json} for the server).
  connection.onDidChangeWatchedFiles(() => {
    for (const uri of states.keys()) schedule(uri);
  });

  documents.onDidOpen((e) => {
    openPath.set(pathOfUri(e.document.uri), e.document.uri);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    schedule(e.document.uri);
    // Documents that import this one see the edit too.
    const path = pathOfUri(e.document.uri);
    for (const [uri, s] of states) if (uri !== e.document.uri && s.analysis.files.some((f) => f.span.file.path === path)) schedule(uri);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    states.delete(e.document.uri);
    openPath.delete(pathOfUri(e.document.uri));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    return completionsAt(doc.getText(), doc.offsetAt(params.position));
  });

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const text = doc.getText();
    const offset = doc.offsetAt(params.position);
    const state = current(params.textDocument.uri);
    const parts: (string | undefined)[] = (state?.diagnostics ?? []).filter((d) => d.span && contains(d.span, offset)).map(explainDiagnostic);
    const site = state?.analysis.file ? siteAt(nameSites(state.analysis.file), offset) : undefined;
    if (site?.kind === 'rule' && state?.analysis.set) parts.push(await explainRule(state.analysis.set, site.key.slice(0, -site.name.length - 1), site));
    else parts.push(explainField(text, offset));
    const contents = markdown(parts);
    return contents ? { contents } : null;
  });

  connection.onDefinition((params): Location[] | null => {
    const state = current(params.textDocument.uri);
    const file = state?.analysis.file;
    if (!file) return null;
    const offset = offsetAt(file.span.file.text, params.position);
    const imp = file.imports.find((i) => contains(i.path.span, offset));
    if (imp) return [{ uri: uriOfPath(normalise(file.span.file.path, imp.path.value)), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
    const sites = nameSites(file);
    const site = siteAt(sites, offset);
    const decl = site && sites.find((s) => s.declaration && s.kind === site.kind && s.key === site.key);
    return decl ? [{ uri: params.textDocument.uri, range: rangeOf(decl.span) }] : null;
  });

  connection.onReferences((params): Location[] | null => {
    const state = current(params.textDocument.uri);
    const file = state?.analysis.file;
    if (!file) return null;
    const offset = offsetAt(file.span.file.text, params.position);
    const imp = file.imports.find((i) => contains(i.path.span, offset));
    if (imp) {
      // Every import of the same file, in the documents the server has checked.
      const target = normalise(file.span.file.path, imp.path.value);
      return [...states.values()].flatMap((s) => s.analysis.files).filter((f, i, all) => all.indexOf(f) === i).flatMap((f) => f.imports.filter((i) => normalise(f.span.file.path, i.path.value) === target).map((i) => ({ uri: uriOfPath(f.span.file.path), range: rangeOf(i.path.span) })));
    }
    const sites = nameSites(file);
    const site = siteAt(sites, offset);
    if (!site) return null;
    return sites.filter((s) => s.kind === site.kind && s.key === site.key && (params.context.includeDeclaration || !s.declaration)).map((s) => ({ uri: params.textDocument.uri, range: rangeOf(s.span) }));
  });

  connection.onPrepareRename((params) => {
    const file = current(params.textDocument.uri)?.analysis.file;
    const site = file ? siteAt(nameSites(file), offsetAt(file.span.file.text, params.position)) : undefined;
    return site ? { range: rangeOf(site.span), placeholder: site.name } : null;
  });

  connection.onRenameRequest((params) => {
    const file = current(params.textDocument.uri)?.analysis.file;
    if (!file) return null;
    const sites = nameSites(file);
    const site = siteAt(sites, offsetAt(file.span.file.text, params.position));
    if (!site) return null;
    if (!namePattern.test(params.newName)) throw new ResponseError(-32602, `"${params.newName}" is not a name: use letters, digits, - and _ (not at the ends)`);
    const block = site.key.slice(0, -site.name.length - 1);
    if (sites.some((s) => s.declaration && s.kind === site.kind && s.key === `${block}/${params.newName}`)) throw new ResponseError(-32602, `${block} already has a ${site.kind} named "${params.newName}"`);
    const edits: TextEdit[] = sites.filter((s) => s.kind === site.kind && s.key === site.key).map((s) => ({ range: rangeOf(s.span), newText: params.newName }));
    return { changes: { [params.textDocument.uri]: edits } };
  });

  connection.onDocumentSymbol((params) => {
    const file = states.get(params.textDocument.uri)?.lastFile;
    return file ? documentSymbols(file) : [];
  });

  connection.onDocumentFormatting((params): TextEdit[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const parsed = parseSource(new SourceFile(pathOfUri(doc.uri), text.replace(/^\ufeff/, '')));
    // A document with syntax errors is left as it is, as `secpol fmt` does.
    if (!parsed.value) return [];
    const formatted = printFile(parsed.value);
    return formatted === text ? [] : [{ range: { start: doc.positionAt(0), end: doc.positionAt(text.length) }, newText: formatted }];
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    return codeActionsFor(doc.uri, doc.getText(), current(doc.uri)?.analysis.file, params.context.diagnostics as LspDiagnostic[]);
  });

  documents.listen(connection);
  connection.listen();
}
