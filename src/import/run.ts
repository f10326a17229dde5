import { diagnostic, sortDiagnostics, type Diagnostic, type Staged } from '../diagnostics/index.js';
import { buildChecked, importArtifacts, type ImportedFile, type ImportInput, type ImportOptions } from './import.js';
import { proveNetwork, proveOnce, type ProofOptions } from './verify.js';

export type RuleStatus = 'proven' | 'imported' | 'not-imported';

export interface RuleReport {
  readonly policy: string;
  readonly original: string;
  readonly status: RuleStatus;
  readonly reason?: string;
}

export interface ImportReport {
  readonly files: readonly ImportedFile[];
  readonly rules: readonly RuleReport[];
}

/**
 * Imports, then (with `verify`) proves each policy's rules against the original artifact, taking out one
 * disagreeing or unexercised rule at a time (SP3002 at its source) until the rest agree.
 */
export async function importPolicies(inputs: readonly ImportInput[], options: ImportOptions & { readonly verify?: ProofOptions }): Promise<Staged<ImportReport>> {
  const first = importArtifacts(inputs, options);
  const diagnostics: Diagnostic[] = [...first.diagnostics];
  const files: ImportedFile[] = [];
  const rules: RuleReport[] = [];
  for (let file of first.value?.files ?? []) {
    if (options.verify && file.policy.block === 'network' && file.set && file.policy.rules.length) {
      // Flows cross namespaces: the block is proven as a whole, and a disagreement leaves every rule out.
      const why = await proveNetwork(file.policy, file.set.networks, options.verify);
      if (why) {
        for (const r of file.policy.rules) diagnostics.push(diagnostic('SP3002', r.origin, { what: `NetworkPolicy ${r.original}`, detail: why }));
        file = buildChecked({ ...file.policy, rules: [], missing: [...file.policy.missing, ...file.policy.rules.map((r) => ({ original: r.original, origin: r.origin, reason: `not proven equivalent: ${why}` }))] }, options);
      }
    } else if (options.verify) {
      while (file.set && file.policy.rules.length) {
        const policy = file.set.policies[0]!;
        const proof = await proveOnce(file.policy, policy, options.verify);
        if (!proof.failed) break;
        const failedKey = proof.failed.key;
        const rule = file.policy.rules.find((r) => r.key === failedKey) ?? file.policy.rules[0]!;
        const reason = proof.failed.reason ?? 'not proven';
        diagnostics.push(diagnostic('SP3002', rule.origin, { what: `rule ${rule.original}`, detail: reason }));
        const summary = reason.includes('\n') ? 'not proven equivalent to the original (see the counterexample in the report)' : `not proven equivalent: ${reason}`;
        file = buildChecked({ ...file.policy, rules: file.policy.rules.filter((r) => r !== rule), missing: [...file.policy.missing, { original: rule.original, origin: rule.origin, reason: summary }] }, options);
      }
    }
    files.push(file);
    for (const r of file.policy.rules) rules.push({ policy: file.policy.name, original: r.original, status: options.verify ? 'proven' : 'imported' });
    for (const m of file.policy.missing) rules.push({ policy: file.policy.name, original: m.original, status: 'not-imported', reason: m.reason });
  }
  return { value: { files, rules }, diagnostics: sortDiagnostics(diagnostics) };
}
