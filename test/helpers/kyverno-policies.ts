/**
 * Kyverno ClusterPolicies written for importer tests: one rule on Pod CREATE and UPDATE (a DELETE request's object is
 * null), in Enforce, its `validate` body given as YAML.
 */

/** The policy `name` with one rule `r` whose `validate` is `body` (YAML indented under `validate:`). */
export function podPolicy(name: string, body: string): string {
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  validationFailureAction: Enforce
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds:
                - Pod
              operations:
                - CREATE
                - UPDATE
      validate:
        message: denied
${body.replace(/^/gm, '        ')}
`;
}

/** The policy `name` with a foreach over every container whose deny has these conditions (YAML under `conditions:`). */
export function perContainerPolicy(name: string, conditions: string): string {
  return podPolicy(
    name,
    `foreach:
  - list: "request.object.spec.[containers, initContainers, ephemeralContainers][]"
    deny:
      conditions:
${conditions.replace(/^/gm, '        ')}`,
  );
}
