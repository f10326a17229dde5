import type { NamespaceDefaults } from '../../ir/index.js';
import type { Reporter } from '../report.js';

/**
 * SP1012: two defaults blocks that may select one namespace both set its Pod Security label for a mode. A namespace
 * has one level per mode (https://kubernetes.io/docs/concepts/security/pod-security-admission/), and two Kyverno
 * policies patching the same label run in no defined order. Blocks whose name lists are disjoint cannot meet; label
 * selectors are not compared (reported as possibly overlapping).
 */
export function checkOverlappingDefaults(r: Reporter, blocks: readonly NamespaceDefaults[]): void {
  const meet = (a: NamespaceDefaults, b: NamespaceDefaults) => {
    const names = (d: NamespaceDefaults) => d.namespaces.filter((n) => !d.excludedNamespaces.includes(n));
    if (a.namespaces.length && b.namespaces.length) return names(a).some((n) => names(b).includes(n));
    const listed = a.namespaces.length ? a : b.namespaces.length ? b : undefined;
    const other = listed === a ? b : a;
    return listed === undefined ? true : names(listed).some((n) => !other.excludedNamespaces.includes(n));
  };
  blocks.forEach((a, i) => {
    for (const b of blocks.slice(i + 1)) {
      if (!meet(a, b)) continue;
      for (const ps of b.podSecurity) {
        const first = a.podSecurity.find((x) => x.mode === ps.mode);
        if (first) r.report('SP1012', ps.span, { setting: `${ps.mode} pod-security`, owner: `the namespaces that defaults "${a.name}" and "${b.name}" both select` }, [{ span: first.span, note: `defaults "${a.name}" sets it here` }]);
      }
    }
  });
}
