import type { Exception, Policy } from '../../ir/index.js';
import { formatLine } from '../../source/index.js';
import { celString } from '../vap/index.js';

/** The namespace secpol's PolicyExceptions are written to: Kyverno honours them only in its `exceptionNamespace`. */
export const EXCEPTION_NAMESPACE = 'kyverno';

/**
 * An exception Kyverno's own PolicyException (policies.kyverno.io, CEL form) can carry: one that exempts whole
 * objects from every rule and pod-security line of the policy by namespace. A PolicyException skips the whole
 * ValidatingPolicy it names (https://kyverno.io/docs/guides/exceptions/, "PolicyExceptions for CEL Policies"), so
 * exceptions naming rules, workloads (their owned-object test reads policy variables, which an exception's
 * matchConditions cannot), images or controls stay compiled into the policy's CEL, as in the VAP output.
 */
export function asPolicyException(e: Exception): boolean {
  return e.rules.length === 0 && e.workloads.length === 0 && e.images.length === 0 && e.controls.length === 0 && e.namespaces.length > 0;
}

/**
 * The PolicyException of exception `e`: its matchConditions see only object, oldObject, request and namespaceObject
 * (Kyverno's pkg/cel/compiler/policy_exception.go), so the namespace is read from the request; a Namespace object is
 * in no namespace (semantics §1.5, as the VAP output's `variables.namespace`).
 */
export function policyExceptionOf(policy: Policy, e: Exception, policyNames: readonly string[]): object {
  const namespaces = [...e.namespaces].sort().map(celString).join(', ');
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'PolicyException',
    metadata: {
      name: `${policy.name}-${e.name}`,
      namespace: EXCEPTION_NAMESPACE,
      annotations: { 'secpol.dev/policy': policy.name, 'secpol.dev/reason': e.reason, 'secpol.dev/source': formatLine(e.span), ...(e.expires ? { 'secpol.dev/expires': e.expires } : {}) },
    },
    spec: {
      policyRefs: policyNames.map((name) => ({ name, kind: 'ValidatingPolicy' })),
      matchConditions: [{ name: 'namespaces', expression: `!(request.kind.group == "" && request.kind.kind == "Namespace") && request.namespace in [${namespaces}]` }],
    },
  };
}
