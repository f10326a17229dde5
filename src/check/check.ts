import { sortDiagnostics, type Staged } from '../diagnostics/index.js';
import type { NamespaceDefaults, NetworkSet, Policy, PolicySet } from '../ir/index.js';
import type { FileAst } from '../syntax/index.js';
import { lowerDefaults } from './lower-defaults.js';
import { lowerNetwork } from './lower-network.js';
import { lowerPolicy } from './lower-policy.js';
import { Reporter, type CheckOptions } from './report.js';
import { checkContradictoryRules, checkDuplicateNames, checkLooseImageGlobs, checkNetworkReachability, checkOverlappingDefaults, checkUnjudgedWorkloadOwners } from './rules/index.js';

/**
 * Lowers parsed files (a root file and everything it imports) to the IR and runs every check.
 * The result is sorted by name so declaration and file order never change the output.
 */
export function checkFiles(files: readonly FileAst[], options: CheckOptions): Staged<PolicySet> {
  const r = new Reporter();
  checkDuplicateNames(r, files);
  const policies: Policy[] = [];
  const networks: NetworkSet[] = [];
  const defaults: NamespaceDefaults[] = [];
  for (const file of files) {
    for (const decl of file.decls) {
      if (decl.kind === 'policy') {
        const policy = lowerPolicy(r, decl, options);
        if (policy) {
          checkContradictoryRules(r, policy);
          checkLooseImageGlobs(r, policy);
          checkUnjudgedWorkloadOwners(r, policy);
          policies.push(policy);
        }
      } else if (decl.kind === 'defaults') {
        const lowered = lowerDefaults(r, decl);
        if (lowered) defaults.push(lowered);
      } else networks.push(lowerNetwork(r, decl));
    }
  }
  for (const net of networks) checkNetworkReachability(r, net, networks);
  checkOverlappingDefaults(r, [...defaults].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const value: PolicySet = { policies: policies.sort(byName), networks: networks.sort(byName), ...(defaults.length ? { defaults: defaults.sort(byName) } : {}) };
  return { value, diagnostics: sortDiagnostics(r.diagnostics) };
}

export type { CheckOptions };
