import type { FileAst, NameAst } from '../../syntax/index.js';
import type { Reporter } from '../report.js';

/**
 * SP1001: policy, network, rule and exception names must be unique: backends name objects after them. A defaults
 * block becomes a ClusterPolicy, a psa file and a netpol file, so its name must differ from policies' and networks'.
 */
export function checkDuplicateNames(r: Reporter, files: readonly FileAst[]): void {
  const decls = new Map<string, NameAst>();
  for (const file of files) {
    for (const d of file.decls) {
      const kind = d.kind;
      const keys = kind === 'defaults' ? [`policy:${d.name.text}`, `network:${d.name.text}`] : [`${kind}:${d.name.text}`];
      const first = keys.map((k) => decls.get(k)).find((x) => x !== undefined);
      if (first) r.report('SP1001', d.name.span, { what: kind, name: d.name.text, where: kind === 'defaults' ? 'among policies, networks and defaults' : 'across the compiled files' }, [{ span: first.span, note: 'first defined here' }]);
      else for (const k of keys) decls.set(k, d.name);
      if (d.kind !== 'policy') continue;
      const inner = new Map<string, NameAst>();
      for (const item of d.items) {
        if (item.kind !== 'rule' && item.kind !== 'exception') continue;
        const key = `${item.kind}:${item.name.text}`;
        const prev = inner.get(key);
        if (prev) r.report('SP1001', item.name.span, { what: item.kind, name: item.name.text, where: `within policy "${d.name.text}"` }, [{ span: prev.span, note: 'first defined here' }]);
        else inner.set(key, item.name);
      }
    }
  }
}
