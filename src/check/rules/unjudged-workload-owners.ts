import { ownedLevels, type Exception, type Policy, type Subject, type WorkloadRef } from '../../ir/index.js';
import type { Reporter } from '../report.js';

/**
 * SP1021 (warning): a `workloads Deployment|CronJob` exception trusts objects the policy never judges. A pod of a
 * Deployment is exempt when the ReplicaSet controller sends it for a ReplicaSet named `<name>-<suffix>`
 * (semantics §1.5), which is safe only because anyone's ReplicaSet of that name is judged at its own admission
 * (docs/language/exceptions.md, "two levels"). Under `on create` alone, an object-label selector, or a rule that
 * judges Pods but not ReplicaSets (Jobs for a CronJob), it is not, and such a ReplicaSet carries exempt pods.
 */
export function checkUnjudgedWorkloadOwners(r: Reporter, policy: Policy): void {
  for (const e of policy.exceptions) {
    for (const w of e.workloads) {
      const levels = ownedLevels(w.kind);
      const intermediate = levels.some((l) => l.owner.name === 'generated') ? levels.find((l) => l.kind !== 'Pod') : undefined;
      if (!intermediate) continue;
      const reasons = unjudged(policy, e, intermediate.apiVersion, intermediate.kind);
      if (reasons.length === 0) continue;
      const plural = `${intermediate.kind}s`;
      r.report('SP1021', w.span, {
        detail: `exception "${e.name}" exempts the pods the ${intermediate.kind} controller creates for any ${intermediate.kind} named "${w.name}-<suffix>" (the names ${w.kind} "${namespaced(w)}" gives its own), but ${reasons.join(', and ')}: a ${intermediate.kind} of that name created by anyone would carry exempt pods`,
        hint: `exempt the namespace "${w.namespace}" instead, or let the rules it names judge ${plural} on create and update without an object-label selector (docs/language/exceptions.md)`,
      });
    }
  }
}

function namespaced(w: WorkloadRef): string {
  return `${w.namespace}/${w.name}`;
}

/** Why the policy may leave an intermediate object (a ReplicaSet, a Job) unjudged where it judges its pods. */
function unjudged(policy: Policy, e: Exception, apiVersion: string, kind: string): string[] {
  const reasons: string[] = [];
  const ops = policy.scope.operations;
  if ((ops.includes('CREATE') || ops.includes('UPDATE')) && !(ops.includes('CREATE') && ops.includes('UPDATE'))) reasons.push(`the policy judges ${kind}s on ${ops.includes('CREATE') ? 'create' : 'update'} only`);
  if (policy.scope.objectSelector) reasons.push(`the policy selects objects by their own labels, which a ${kind} and its pods need not share`);
  const rules = policy.rules.filter((rule) => e.rules.length === 0 || e.rules.includes(rule.name));
  for (const rule of rules) {
    const subjects = rule.subjects ?? policy.scope.subjects;
    if (judges(subjects, 'v1', 'Pod') && !judges(subjects, apiVersion, kind)) reasons.push(`rule "${rule.name}" judges Pods but not ${kind}s`);
  }
  return reasons;
}

function judges(subjects: readonly Subject[], apiVersion: string, kind: string): boolean {
  return subjects.some((s) => s.kind === 'pods' || ((s.group ? `${s.group}/${s.version}` : s.version) === apiVersion && s.resourceKind === kind));
}
