import { targetIds } from '../backends/registry.js';
import { effectiveFields, pssControls } from '../ir/index.js';

/** Words the language takes in fixed places (the checker's own lists are in src/check/lower-policy.ts). */
export const severities = ['low', 'medium', 'high', 'critical'] as const;
export const modes = ['enforce', 'audit', 'warn'] as const;
export const pssLevels = ['privileged', 'baseline', 'restricted'] as const;
/**
 * Pod Security versions offered: latest, then v1.N from the newest the Pod Security tables know
 * (latestPssMinor in src/eval/pod-security.ts; test/lsp/completion.test.ts keeps them equal) down to v1.25,
 * where Pod Security Admission became stable. Any v1.N is accepted.
 */
export const newestPssMinor = 37;
export const pssVersions = ['latest', ...Array.from({ length: newestPssMinor - 24 }, (_, i) => `v1.${newestPssMinor - i}`)];
export const operations = ['create', 'update', 'delete', 'connect'] as const;
export const directions = ['ingress', 'egress'] as const;
export const protocols = ['tcp', 'udp', 'sctp'] as const;
export { effectiveFields, pssControls, targetIds };

/** The items each block holds, as completion snippets ($1: the first thing to type). */
export const itemSnippets: Readonly<Record<string, readonly { label: string; snippet: string; doc: string }[]>> = {
  file: [
    { label: 'policy', snippet: 'policy ${1:name} {\n  applies to pods\n\n  rule ${2:name} {\n    ${3:forbid spec.hostNetwork = true}\n  }\n}', doc: 'an admission policy' },
    { label: 'network', snippet: 'network ${1:name} {\n  namespace "${2:default}"\n  default deny ingress and egress in namespaces "${2:default}"\n}', doc: 'network intents, compiled to NetworkPolicies' },
    { label: 'defaults', snippet: 'defaults ${1:name} {\n  in namespaces "${2:default}"\n  default deny ingress and egress\n  allow dns\n  enforce pod-security ${3|restricted,baseline,privileged|} version ${4:latest}\n}', doc: 'what every selected namespace gets: NetworkPolicies and Pod Security labels (docs/language/defaults.md)' },
    { label: 'import', snippet: 'import "${1:./other.secpol}"', doc: 'another policy file, relative to this one' },
  ],
  defaults: [
    { label: 'title', snippet: 'title "${1}"', doc: 'a one-line title' },
    { label: 'description', snippet: 'description "${1}"', doc: 'what the defaults are for' },
    { label: 'in namespaces', snippet: 'in namespaces "${1}"', doc: 'the namespaces that get the defaults (none: every namespace)' },
    { label: 'except namespaces', snippet: 'except namespaces "${1:kube-system}"', doc: 'leave these namespaces out' },
    { label: 'where labels', snippet: 'where labels ${1:tenant} exists', doc: "select namespaces by their own labels (kyverno only; netpol and psa need names)" },
    { label: 'default deny', snippet: 'default deny ${1|ingress and egress,ingress,egress|}', doc: 'a NetworkPolicy isolating every pod of the namespace' },
    { label: 'allow dns', snippet: 'allow dns', doc: 'a NetworkPolicy letting every pod reach kube-dns (with default deny egress)' },
    { label: 'enforce pod-security', snippet: '${1|enforce,audit,warn|} pod-security ${2|restricted,baseline,privileged|} version ${3:latest}', doc: 'Pod Security Admission labels on the namespace' },
  ],
  policy: [
    { label: 'title', snippet: 'title "${1}"', doc: 'a one-line title' },
    { label: 'description', snippet: 'description "${1}"', doc: 'what the policy is for' },
    { label: 'severity', snippet: 'severity ${1|low,medium,high,critical|}', doc: 'low, medium, high or critical' },
    { label: 'category', snippet: 'category "${1}"', doc: 'a free category' },
    { label: 'mode', snippet: 'mode ${1|enforce,audit,warn|}', doc: 'enforce blocks, audit and warn report' },
    { label: 'applies to', snippet: 'applies to ${1:pods}', doc: 'pods (and pod controllers), or "group/version" Kind, Kind' },
    { label: 'in namespaces', snippet: 'in namespaces "${1}"', doc: 'limit the policy to these namespaces' },
    { label: 'except namespaces', snippet: 'except namespaces "${1:kube-system}"', doc: 'leave these namespaces out' },
    { label: 'where labels', snippet: 'where labels ${1:team} exists', doc: 'select objects by their labels' },
    { label: 'where namespace labels', snippet: 'where namespace labels ${1:env} = "${2:prod}"', doc: "select by the namespace's labels" },
    { label: 'on', snippet: 'on ${1|create,update,delete,connect|}', doc: 'the operations judged' },
    { label: 'rule', snippet: 'rule ${1:name} {\n  ${2:forbid }\n}', doc: 'one require or forbid' },
    { label: 'exception', snippet: 'exception ${1:name} {\n  namespaces "${2}"\n  reason "${3}"\n  expires ${4:2027-01-01}\n}', doc: 'exempt namespaces, workloads or images, with a reason' },
    { label: 'verify images', snippet: 'verify images ${1:name} matching "${2:ghcr.io/org/*}" {\n  ${3:keyless issuer "https://token.actions.githubusercontent.com" subject "https://github.com/org/*"}\n}', doc: 'require Cosign signatures (key or keyless) and attestations on matching images' },
    { label: 'enforce pod-security', snippet: '${1|enforce,audit,warn|} pod-security ${2|restricted,baseline,privileged|} version ${3:latest}', doc: 'a Pod Security Standards level' },
    { label: 'omit from', snippet: 'omit from ${1|kyverno,gatekeeper,psa,vap,netpol|} because "${2}"', doc: 'leave the policy out of one backend, with the reason' },
  ],
  rule: [
    { label: 'require', snippet: 'require ${1}', doc: 'the condition every object must meet' },
    { label: 'forbid', snippet: 'forbid ${1}', doc: 'the condition no object may meet' },
    { label: 'when', snippet: 'when ${1}', doc: 'judge only objects that meet this condition' },
    { label: 'message', snippet: 'message "${1}"', doc: 'the message shown on a violation ({name}, {image} name fields of the element)' },
    { label: 'applies to', snippet: 'applies to ${1:pods}', doc: "replace the policy's kinds for this rule" },
    { label: 'omit from', snippet: 'omit from ${1|kyverno,gatekeeper,psa,vap,netpol|} because "${2}"', doc: 'leave the rule out of one backend, with the reason' },
  ],
  exception: [
    { label: 'namespaces', snippet: 'namespaces "${1}"', doc: 'exempt these namespaces' },
    { label: 'images', snippet: 'images "${1}"', doc: 'exempt containers running these images (globs)' },
    { label: 'workloads', snippet: 'workloads ${1:Deployment} "${2:namespace/name}"', doc: 'exempt these workloads and the pods their controllers create' },
    { label: 'controls', snippet: 'controls ${1}', doc: 'the Pod Security controls exempted' },
    { label: 'rules', snippet: 'rules ${1}', doc: 'the rules exempted (default: all)' },
    { label: 'reason', snippet: 'reason "${1}"', doc: 'why (required)' },
    { label: 'expires', snippet: 'expires ${1:2027-01-01}', doc: 'the date the exception lapses' },
  ],
  network: [
    { label: 'namespace', snippet: 'namespace "${1}"', doc: 'the default namespace of pod peers' },
    { label: 'workload', snippet: 'workload ${1:name} in namespace "${2}" with labels ${3:app} = "${4}"', doc: 'a named selector for allow lines' },
    { label: 'default deny', snippet: 'default deny ${1|ingress and egress,ingress,egress|} in namespaces "${2}"', doc: 'isolate the pods of these namespaces' },
    { label: 'allow dns', snippet: 'allow dns in namespaces "${1}"', doc: 'egress to the cluster DNS' },
    { label: 'allow from', snippet: 'allow from ${1:pods where app = "a"} to ${2:pods where app = "b"} on tcp ${3:8080}', doc: 'one permitted flow' },
    { label: 'quarantine', snippet: 'quarantine pods where ${1:quarantine} = "${2:true}" in namespaces "${3}" except namespace "${4:forensics}"', doc: 'cut these pods off, except to and from the forensics namespace' },
  ],
};
