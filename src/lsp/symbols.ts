import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { FileAst, Located, NameAst } from '../syntax/index.js';
import { rangeOf } from './positions.js';

function symbol(name: string, kind: SymbolKind, node: Located, at: Located, detail?: string, children?: DocumentSymbol[]): DocumentSymbol {
  return { name, kind, range: rangeOf(node.span), selectionRange: rangeOf(at.span), ...(detail ? { detail } : {}), ...(children?.length ? { children } : {}) };
}

const named = (n: NameAst) => n.text;

/** The outline: policies with their rules, exceptions and Pod Security lines; networks with their workloads. */
export function documentSymbols(file: FileAst): DocumentSymbol[] {
  return file.decls.map((decl) => {
    if (decl.kind === 'policy') {
      const children = decl.items.flatMap((i): DocumentSymbol[] => {
        if (i.kind === 'rule') return [symbol(named(i.name), SymbolKind.Function, i, i.name, 'rule')];
        if (i.kind === 'exception') return [symbol(named(i.name), SymbolKind.Object, i, i.name, 'exception')];
        if (i.kind === 'pod-security') return [symbol(`${i.mode.text} pod-security ${i.level.text}`, SymbolKind.Constant, i, i.level, i.version?.text ?? 'latest')];
        return [];
      });
      return symbol(named(decl.name), SymbolKind.Class, decl, decl.name, 'policy', children);
    }
    if (decl.kind === 'defaults') return symbol(named(decl.name), SymbolKind.Namespace, decl, decl.name, 'defaults');
    const children = decl.items.flatMap((i): DocumentSymbol[] => (i.kind === 'workload' ? [symbol(named(i.name), SymbolKind.Variable, i, i.name, `workload in ${i.namespace.value}`)] : []));
    return symbol(named(decl.name), SymbolKind.Namespace, decl, decl.name, 'network', children);
  });
}
