import { targetIds, type TargetId } from '../backends/registry.js';
import { compileTo } from '../compile.js';
import type { Policy, PolicySet, Rule } from '../ir/index.js';

/** What one backend makes of a rule: its compiled form (a short excerpt), an omission, or what it cannot express. */
export type RuleCapability =
  | { readonly target: TargetId; readonly status: 'compiled'; readonly excerpt: string }
  | { readonly target: TargetId; readonly status: 'omitted' | 'not-expressible'; readonly reason: string };

/** The admission backends (netpol compiles network blocks only). */
const admissionTargets: readonly TargetId[] = targetIds.filter((t) => t !== 'netpol');
const maxLines = 8;
const maxColumns = 160;

/** The policy cut down to one rule, with the exceptions that name it (or name no rule), so the excerpt is that rule's. */
function oneRule(policy: Policy, rule: Rule): Policy {
  const exceptions = policy.exceptions.flatMap((e) => (e.rules.length === 0 ? (e.controls.length ? [] : [e]) : e.rules.includes(rule.name) ? [{ ...e, rules: [rule.name], controls: [] }] : []));
  return { ...policy, rules: [rule], podSecurity: [], exceptions };
}

const cut = (line: string) => (line.length > maxColumns ? `${line.slice(0, maxColumns - 1)}…` : line);

/** Where the rule's own logic starts in each backend's output (the emitted text is read, never the IR). */
function excerpt(target: TargetId, text: string, policy: string, rule: string): string {
  const lines = text.split('\n');
  const find = (test: (l: string) => boolean, from = 0) => lines.findIndex((l, i) => i >= from && test(l));
  let start = -1;
  if (target === 'kyverno') {
    const named = find((l) => l.trim() === `- name: ${rule}`);
    start = find((l) => /^\s*(deny|foreach|pattern|anyPattern|podSecurity|cel):/.test(l), Math.max(0, named));
    if (start < 0) start = named;
  } else if (target === 'gatekeeper') start = find((l) => l.trim().startsWith(`# rule ${rule},`));
  else if (target === 'vap' || target === 'kyverno-cel') {
    const message = find((l) => l.includes(`[${policy}/${rule}]`));
    start = message > 0 && /^\s*- expression:/.test(lines[message - 1] ?? '') ? message - 1 : message;
  }
  if (start < 0) start = 0;
  const shown = lines.slice(start, start + maxLines);
  const indent = Math.min(...shown.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return shown.map((l) => cut(l.slice(indent))).join('\n');
}

/** Each admission backend's verdict on one rule; compiled on demand (hover), one backend at a time. */
export async function ruleCapabilities(set: PolicySet, policyName: string, ruleName: string): Promise<RuleCapability[] | undefined> {
  const policy = set.policies.find((p) => p.name === policyName);
  const rule = policy?.rules.find((r) => r.name === ruleName);
  if (!policy || !rule) return undefined;
  const single: PolicySet = { policies: [oneRule(policy, rule)], networks: [] };
  const out: RuleCapability[] = [];
  for (const target of admissionTargets) {
    const omission = rule.omissions.find((o) => o.backends.includes(target)) ?? policy.omissions.find((o) => o.backends.includes(target));
    if (omission) {
      out.push({ target, status: 'omitted', reason: omission.reason });
      continue;
    }
    const compiled = await compileTo(single, [target]);
    const problem = compiled.diagnostics.find((d) => d.severity === 'error');
    if (problem || !compiled.value) out.push({ target, status: 'not-expressible', reason: problem?.message ?? 'no output' });
    else out.push({ target, status: 'compiled', excerpt: excerpt(target, compiled.value.map((f) => f.content).join('\n'), policy.name, rule.name) });
  }
  return out;
}
