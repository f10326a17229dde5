import type { FileAst, NameAst } from '../../syntax/index.js';
import type { Reporter } from '../report.js';

/** SP1001: policy, network, rule and exception names must be unique: backends name objects after them. */
export function checkDuplicateNames(r: Reporter, files: readonly FileAst[]): void {
  const decls = new Map<string, NameAst>();
  for (const file of files) {
    for (const d of file.decls) {
      const kind = d.kind === 'policy' ? 'policy' : 'network';
      const first = decls.get(`${kind}:${d.name.text}`);
      if (first) r.report('SP1001', d.name.span, { what: kind, name: d.name.text, where: `across the compiled files` }, [{ span: first.span, note: 'first defined here' }]);
      else decls.set(`${kind}:${d.name.text}`, d.name);
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
