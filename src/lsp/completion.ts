import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import type { FieldSchema } from '../check/fields/index.js';
import { blocksAt, scanBlocks } from './blocks.js';
import { fieldScopeAt, pathBefore, pathSegments, resolveIn, type FieldScope } from './field-scope.js';
import { effectiveFields, itemSnippets, modes, operations, pssControls, pssLevels, pssVersions, severities, targetIds } from './vocabulary.js';

const word = (label: string, detail: string, kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem => ({ label, kind, detail });

/** The fields (or, for a map with known keys, the keys) one level below `schema`. */
function fieldItems(schema: FieldSchema): CompletionItem[] {
  const fields = Object.entries(schema.fields ?? {}).map(([name, f]) => ({
    label: name,
    kind: f.fields || f.element ? CompletionItemKind.Module : CompletionItemKind.Field,
    detail: f.type,
    ...(f.doc ? { documentation: f.doc } : {}),
  }));
  const keys = (schema.keys?.names ?? []).map((k) => ({ label: k, kind: CompletionItemKind.Property, detail: schema.values?.type ?? 'string', documentation: `a key of this map (it also takes ${schema.keys?.forms.map((f) => f.describe).join(', ') || 'nothing else'})` }));
  return [...fields, ...keys];
}

function pathItems(scope: FieldScope, typed: string): CompletionItem[] {
  const segments = pathSegments(typed);
  const parents = segments.slice(0, -1);
  if (scope.effective) {
    const prefix = parents.length ? `${parents.join('.')}.` : '';
    const next = new Map<string, string>();
    for (const [name, type] of Object.entries(effectiveFields)) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length).split('.');
      next.set(rest[0]!, rest.length > 1 ? 'object' : type);
    }
    return [...next].map(([label, type]) => ({ label, kind: CompletionItemKind.Field, detail: `effective ${type}`, documentation: 'the container securityContext value, else the pod securityContext value' }));
  }
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const { schema } of scope.schemas) {
    const at = parents.length ? resolveIn({ ...scope, schemas: [{ owner: '', schema }] }, parents) : schema;
    for (const item of at ? fieldItems(at) : []) {
      if (seen.has(item.label)) continue;
      seen.add(item.label);
      items.push(item);
    }
  }
  if (parents.length === 0) {
    items.push(...['any', 'every', 'no', 'not'].map((w) => word(w, 'keyword', CompletionItemKind.Keyword)));
    if (scope.container) items.push(word('effective', 'container value, else the pod value', CompletionItemKind.Keyword));
  }
  return items;
}

/** Completion at `offset`: what may be typed there, read from the text (the document need not parse). */
export function completionsAt(text: string, offset: number): CompletionItem[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  if (/#/.test(line.replace(/"(?:[^"\\]|\\.)*"/g, '')) || /^(?:[^"]*"(?:[^"\\]|\\.)*")*[^"]*"[^"]*$/.test(line)) return [];
  if (/\bpod-security\s+\S+\s+version\s+[\w.]*$/.test(line)) return pssVersions.map((v) => word(v, 'Pod Security version'));
  if (/\bpod-security\s+\w+\s+$/.test(line)) return [word('version', 'keyword', CompletionItemKind.Keyword)];
  if (/\bpod-security\s+\w*$/.test(line)) return pssLevels.map((l) => word(l, 'Pod Security level'));
  if (/^\s*(?:enforce|audit|warn)\s+$/.test(line)) return [word('pod-security', 'keyword', CompletionItemKind.Keyword)];
  if (/\bomit\s+from\s+(?:[\w-]+\s*,\s*)*[\w-]*$/.test(line)) return targetIds.map((t) => word(t, 'compile target'));
  if (/^\s*severity\s+\w*$/.test(line)) return severities.map((s) => word(s, 'severity'));
  if (/^\s*mode\s+\w*$/.test(line)) return modes.map((s) => word(s, 'mode'));
  if (/^\s*on\s+(?:\w+\s*,\s*)*\w*$/.test(line)) return operations.map((s) => word(s, 'operation'));
  if (/^\s*controls\s+(?:[\w-]+\s*,\s*)*[\w-]*$/.test(line)) return pssControls.map((c) => word(c, 'Pod Security control'));
  const blocks = scanBlocks(text);
  const open = blocksAt(blocks, offset);
  if (/^\s*rules\s+(?:[\w-]+\s*,\s*)*[\w-]*$/.test(line)) {
    const policy = open.find((b) => b.kind === 'policy');
    const names = policy ? [...text.slice(policy.open, policy.close).matchAll(/^\s*rule\s+([\w-]+)\s*\{/gm)].map((m) => m[1]!) : [];
    return names.map((r) => word(r, 'rule', CompletionItemKind.Function));
  }
  if (/\bworkload\s+[\w-]*$/.test(line) && /\ballow\b/.test(line)) {
    const network = open.find((b) => b.kind === 'network');
    const names = network ? [...text.slice(network.open, network.close).matchAll(/^\s*workload\s+([\w-]+)\s+in\b/gm)].map((m) => m[1]!) : [];
    return names.map((n) => word(n, 'workload', CompletionItemKind.Variable));
  }
  if (/\bapplies\s+to\s+\w*$/.test(line)) return [word('pods', 'Pods and the pod templates of every controller', CompletionItemKind.Keyword)];
  const typed = pathBefore(text, offset);
  const scope = fieldScopeAt(text, typed.start);
  if (scope) return pathItems(scope, typed.path);
  if (/^\s*[\w-]*$/.test(line)) {
    const block = open.at(-1);
    const items = itemSnippets[block ? block.kind : 'file'] ?? [];
    return items.map((s) => ({ label: s.label, kind: CompletionItemKind.Snippet, insertText: s.snippet, insertTextFormat: InsertTextFormat.Snippet, documentation: s.doc }));
  }
  return [];
}
