import { controllerManagerUser, ownedLevels, type Exception, type Operation, type Policy, type WorkloadRef } from '../../ir/index.js';
import { formatLine } from '../../source/index.js';
import { inForceCondition } from './expiry.js';
import { exclusionsOf, normalizeExclusions } from './pod-security.js';
import { holds, ownedByWorkload, type Json } from './scope.js';

/**
 * secpol exceptions (semantics §1.5, §4) in Kyverno terms:
 * - no images, no controls: the object skips the rule → a PolicyException naming the rule (and its autogen
 *   variants, which Kyverno requires) with a match on the exception's namespaces and the workloads themselves,
 *   and, for workloads with controllers, a second one (`<name>-owned`) for the objects those create: `subjects`
 *   (the controller's service account, or the controller manager's user) in `match`, and `conditions` pairing
 *   each user with the object's kind and controller ownerReference. Kyverno rejects subjects in an exception
 *   processed in the background (PolicyExceptionSpec.Validate), so that one has `background: false`;
 * - images: containers leave the rule's container quantifiers → compiled into the rule itself (predicate.ts);
 * - controls: Pod Security controls are excluded → `podSecurity.exclude` on the rule when the exception has no
 *   namespace/workload filter, else a PolicyException with `podSecurity` (the only way to scope an exclusion);
 * - expires: every PolicyException of the exception carries `conditions.all` with the date test of expiry.ts, which
 *   Kyverno evaluates at admission and in background scans; filters compiled into a rule are narrowed by it.
 * https://kyverno.io/docs/exceptions/
 */

export const EXCEPTION_NAMESPACE = 'kyverno';

/** Kyverno's autogen rule names (the engine and Kyverno truncate them to 63 characters). */
export function ruleNamesWithAutogen(name: string, pods: boolean): string[] {
  return pods ? [name, `autogen-${name}`.slice(0, 63), `autogen-cronjob-${name}`.slice(0, 63)] : [name];
}

/** Whether an exception filters objects (rather than applying to every object of the rule). */
export function hasObjectFilter(e: Exception): boolean {
  return e.namespaces.length > 0 || e.workloads.length > 0;
}

export function exemptsWholeObject(e: Exception): boolean {
  return e.images.length === 0 && e.controls.length === 0;
}

export function appliesToRule(e: Exception, rule: string): boolean {
  return e.rules.length === 0 || e.rules.includes(rule);
}

/** The workloads an exception can still match: with namespaces as well, only those in a listed namespace. */
function effectiveWorkloads(e: Exception): WorkloadRef[] {
  return e.workloads.filter((w) => e.namespaces.length === 0 || e.namespaces.includes(w.namespace));
}

/** The `match` of a PolicyException for the objects themselves, or undefined when the filters can match nothing. */
function exceptionMatch(e: Exception): Json | undefined {
  if (e.workloads.length === 0) return { any: [{ resources: { namespaces: [...e.namespaces] } }] };
  const workloads = effectiveWorkloads(e);
  if (workloads.length === 0) return undefined;
  return { any: workloads.map((w): Json => ({ resources: { kinds: [w.kind], namespaces: [w.namespace], names: [w.name] } })) };
}

/**
 * The `match` and `conditions` of the PolicyException for what the workloads' controllers create (issue 22
 * item 2), or undefined when no workload has a controller (Pods). A filter per workload and level names the
 * object's kind, namespace and the users that create it; one condition per level must then hold on the request.
 */
function ownedMatch(e: Exception, operations: readonly Operation[]): { match: Json; conditions: { [key: string]: Json } } | undefined {
  const levels = effectiveWorkloads(e).flatMap((w) => ownedLevels(w.kind).map((level) => ({ w, level })));
  if (levels.length === 0) return undefined;
  const any = levels.map(({ w, level }): Json => ({
    resources: { kinds: [level.kind], namespaces: [w.namespace] },
    subjects: [
      { kind: 'ServiceAccount', name: level.controller, namespace: 'kube-system' },
      { kind: 'User', name: controllerManagerUser },
    ],
  }));
  const conditions = levels.map(({ w, level }) => holds(ownedByWorkload(w, level, operations)));
  return { match: { any }, conditions: { any: conditions } };
}

export interface ExceptionDocument {
  readonly comment: string;
  readonly name: string;
  readonly document: Json;
}

/**
 * PolicyException documents of one policy. `targets` lists, per exception, the Kyverno rule names it exempts
 * (already restricted to emitted rules); an exception with no emitted target yields a comment instead.
 */
export function policyExceptions(
  policy: Policy,
  targets: ReadonlyMap<Exception, readonly string[]>,
  /** The ClusterPolicy holding a Kyverno rule (a policy mixing failure actions has two: view.ts byFailureAction). */
  policyOf: (rule: string) => string = () => policy.name,
): { documents: ExceptionDocument[]; skipped: string[] } {
  const documents: ExceptionDocument[] = [];
  const skipped: string[] = [];
  for (const e of policy.exceptions) {
    const ruleNames = targets.get(e);
    if (!ruleNames) continue;
    const name = `${policy.name}-${e.name}`;
    const match = exceptionMatch(e);
    if (!match || ruleNames.length === 0) {
      skipped.push(`exception ${e.name} is not emitted: ${match ? 'none of its rules is emitted for kyverno' : 'none of its workloads is in its namespaces, so it exempts nothing'}`);
      continue;
    }
    const annotations: { [key: string]: Json } = { 'secpol.dev/reason': e.reason, 'secpol.dev/source': formatLine(e.span) };
    if (e.expires) annotations['secpol.dev/expires'] = e.expires;
    const byPolicy = new Map<string, string[]>();
    for (const r of ruleNames) byPolicy.set(policyOf(r), [...(byPolicy.get(policyOf(r)) ?? []), r]);
    const exceptions: Json = [...byPolicy].sort(([a], [b]) => (a < b ? -1 : 1)).map(([policyName, names]) => ({ policyName, ruleNames: [...names].sort() }));
    const podSecurity: { [key: string]: Json } = exemptsWholeObject(e) ? {} : { podSecurity: normalizeExclusions(exclusionsOf(e)) };
    const document = (docName: string, spec: { [key: string]: Json }): Json => ({ apiVersion: 'kyverno.io/v2', kind: 'PolicyException', metadata: { name: docName, namespace: EXCEPTION_NAMESPACE, annotations }, spec });
    const expiry = e.expires === undefined ? undefined : inForceCondition(e.expires);
    const until = e.expires === undefined ? '' : `; in force through ${e.expires} (UTC): the condition stops it at the next midnight UTC, at admission and in background scans`;
    documents.push({
      comment: `exception ${e.name} from ${formatLine(e.span)}: ${e.reason}${until}`,
      name,
      document: document(name, { exceptions, match, ...(expiry ? { conditions: { all: [expiry] } } : {}), ...podSecurity }),
    });
    const owned = ownedMatch(e, policy.scope.operations);
    if (owned) {
      documents.push({
        comment: `exception ${e.name}: the objects its workloads' controllers create, recognised by the requesting controller and the controller ownerReference (never by name)${until}`,
        name: `${name}-owned`,
        document: document(`${name}-owned`, { background: false, exceptions, match: owned.match, conditions: expiry ? { ...owned.conditions, all: [expiry] } : owned.conditions, ...podSecurity }),
      });
    }
  }
  return { documents, skipped };
}
