import type { FileAst, NameAst, PeerAst } from '../syntax/index.js';
import type { Span } from '../source/index.js';

/**
 * A use of a name the language lets one file refer to: a rule (named by its policy's exceptions) or a network
 * workload (a named selector, used by allow lines). Both are scoped to their block, so `key` carries the block.
 */
export interface NameSite {
  readonly kind: 'rule' | 'workload';
  readonly key: string;
  readonly name: string;
  readonly span: Span;
  readonly declaration: boolean;
}

export function nameSites(file: FileAst): NameSite[] {
  const sites: NameSite[] = [];
  const site = (kind: NameSite['kind'], block: string, n: NameAst, declaration: boolean) => sites.push({ kind, key: `${block}/${n.text}`, name: n.text, span: n.span, declaration });
  for (const decl of file.decls) {
    if (decl.kind === 'policy') {
      for (const item of decl.items) {
        if (item.kind === 'rule') site('rule', decl.name.text, item.name, true);
        if (item.kind === 'exception') for (const e of item.items) if (e.kind === 'rules') for (const n of e.names) site('rule', decl.name.text, n, false);
      }
    } else {
      const peer = (p: PeerAst) => {
        if (p.kind === 'workload') site('workload', decl.name.text, p.name, false);
      };
      for (const item of decl.items) {
        if (item.kind === 'workload') site('workload', decl.name.text, item.name, true);
        if (item.kind === 'allow') {
          peer(item.from);
          peer(item.to);
        }
      }
    }
  }
  return sites;
}

export function siteAt(sites: readonly NameSite[], offset: number): NameSite | undefined {
  return sites.find((s) => offset >= s.span.start && offset <= s.span.end);
}

/** A name a rename may give: the language's names (kebab-case or camelCase). */
export const namePattern = /^[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;
