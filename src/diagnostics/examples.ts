import type { DiagnosticCode } from './codes.js';

/**
 * One minimal example per diagnostic code: the policy text and where the diagnostic points.
 * test/check/diagnostics.test.ts checks each example yields exactly its code there, and
 * `npm run generate` renders docs/diagnostics/<code>.md from them, so docs and behaviour cannot drift.
 * Codes raised outside policy text (files, backends) carry `origin` instead of text.
 */
export interface DiagnosticExample {
  readonly text?: string;
  readonly at?: string;
  readonly origin?: string;
}

export const diagnosticExamples: Record<DiagnosticCode, DiagnosticExample> = {
  SP0001: { text: 'policy p {\n  title "t" ;\n}\n', at: '2:13' },
  SP0002: { text: 'policy p {\n  rule r {\n    forbid spec.hostNetwork ==\n  }\n}\n', at: '3:30' },
  SP0003: { text: 'policy p {\n  title "unclosed\n}\n', at: '2:9' },
  SP0004: { origin: 'a file argument or `import` that cannot be read (missing, a directory, no permission)' },
  SP0005: { origin: 'a policy file whose bytes are not valid UTF-8' },
  SP0006: { origin: 'a.secpol imports b.secpol, which imports a.secpol' },
  SP0008: { origin: 'a suite.yaml, sample or manifest that is not valid YAML (reported at the line and column of the error)' },
  SP0009: { origin: 'a suite.yaml case with an unknown field, a missing sample, or an expectation other than allow/deny' },
  SP0010: { origin: 'a file or directory given to check, compile, test, verify, audit, explain or diff that holds no `policy` or `network` block (an empty file, a directory without .secpol files); exit 2' },
  SP0011: { origin: 'an `import` that is absolute, leaves the project root (the directory of the file given, or --root DIR) lexically or through a symbolic link, or names a file that is not a .secpol file; a suite sample outside the root or not a .yaml, .yml or .json file; the file\'s content is never read or shown. Example: `import "../../../../etc/passwd"` in teams/a.secpol' },
  SP0012: { origin: '`compile --out DIR` where DIR (or a directory below it) cannot be created or written: a file stands in the path, or the directory is read-only; exit 2' },
  SP0030: { origin: '`secpol eval` given an engine artifact that its engine refuses: a ConstraintTemplate whose Rego does not compile, a Constraint without its template, no Constraint at all' },
  SP0031: { origin: 'a manifest or artifact that Go\'s YAML reader (kubectl, Gatekeeper, Kyverno) accepts and the YAML specification does not: a quoted value whose continuation line is indented no deeper than its key, as in gatekeeper-library\'s general/httpsonly/template.yaml; it is read as Go reads it' },
  SP0032: { origin: '`secpol eval` reading an object partly: a container port entry that the API server would refuse (the workload is kept without that entry), an object eval cannot use for the engine' },
  SP0007: { origin: 'a policy file larger than 16 MiB' },
  SP1001: { text: 'policy p {\n  applies to pods\n  rule a {\n    forbid spec.hostPID = true\n  }\n  rule a {\n    forbid spec.hostIPC = true\n  }\n}\n', at: '6:8' },
  SP1002: { text: 'policy p {\n  applies to pods\n  rule r {\n    require every container has securityContext.runAsNonroot = true\n  }\n}\n', at: '4:49' },
  SP1003: { text: 'policy p {\n  applies to pods\n  rule r {\n    require every container has securityContext.runAsUser >= "1000"\n  }\n}\n', at: '4:59' },
  SP1004: { text: 'policy p {\n  severity urgent\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n', at: '2:12' },
  SP1005: { text: 'policy p {\n  applies to pods\n  rule r {\n    message "no assertion"\n  }\n}\n', at: '3:8' },
  SP1006: { text: 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n  exception old {\n    namespaces "legacy"\n    reason "migration"\n    expires 2020-01-31\n  }\n}\n', at: '9:13' },
  SP1007: { text: 'policy p {\n  applies to pods\n  rule a {\n    require spec.hostPID = true\n  }\n  rule b {\n    forbid spec.hostPID = true\n  }\n}\n', at: '6:3' },
  SP1008: { text: 'policy p {\n  applies to pods\n  in namespaces "apps"\n  except namespaces "apps"\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n', at: '3:17' },
  SP1009: { text: 'policy p {\n  applies to "rbac.authorization.k8s.io/v1" Role\n  rule r {\n    forbid any container has image = "x"\n  }\n}\n', at: '4:16' },
  SP1010: { text: 'policy p {\n  applies to pods\n  rule no-host-pid {\n    forbid spec.hostPID = true\n  }\n  exception e {\n    namespaces "legacy"\n    rules no-host-pdi\n    reason "r"\n  }\n}\n', at: '8:11' },
  SP1011: { text: 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n  exception e {\n    namespaces "legacy"\n  }\n}\n', at: '6:13' },
  SP1012: { text: 'policy p {\n  title "a"\n  title "b"\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n', at: '3:3' },
  SP1013: { text: 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPID = true\n  }\n  exception e {\n    namespaces "legacy"\n    reason "migration"\n    expires 2026-06-10\n  }\n}\n', at: '9:13' },
  SP1014: { text: 'network n {\n  namespace "shop"\n  workload api in namespace "shop" with labels app = "api"\n  default deny ingress in namespaces "shop"\n  allow from pods where app = "web" to workload api on tcp 8080\n}\n', at: '5:14' },
  SP1015: { text: 'network n {\n  default deny egress in namespaces "shop"\n}\n', at: '2:3' },
  SP1016: { text: 'network n {\n  namespace "shop"\n  default deny egress in namespaces "shop"\n  allow dns in namespaces "shop"\n  allow from pods where app = "api" to cidr "10.0.0.0/8" except "192.168.0.0/16" on tcp 443\n}\n', at: '5:65' },
  SP1017: { text: 'network n {\n  namespace "shop"\n  allow from pods where app = "api" to pods where app = "db" on tcp 5432\n}\n', at: '3:3' },
  SP1020: { text: 'policy p {\n  applies to pods\n  rule r {\n    require every container has image matches "ghcr.io/org*"\n  }\n}\n', at: '4:33' },
  SP1021: { text: 'policy p {\n  applies to pods\n  on create\n  rule r {\n    forbid spec.hostNetwork = true\n  }\n  exception e {\n    workloads Deployment "shop/ledger"\n    reason "r"\n  }\n}\n', at: '8:15' },
  SP2001: { origin: 'a backend asked to compile a construct its engine cannot express (see the capability matrix, docs/capabilities.md)' },
  SP2002: { origin: 'an emitted object that fails its JSON Schema (a secpol bug)' },
  SP2003: { origin: 'a backend whose engine has no clock (vap: Kubernetes CEL cannot read the time) compiling an exception with `expires`; reported at the date, and said in a comment of the output' },
  SP3001: { origin: '`secpol import` given a foreign rule it cannot translate exactly (a Kyverno conditional anchor, foreach, a JMESPath key other than the object\'s fields or containers, a Gatekeeper template it does not know, a NetworkPolicy that isolates only some pods of a namespace); reported at the rule in the YAML file, which is left out of the output with a comment saying why' },
  SP3002: { origin: '`secpol import --verify` when the original artifact in its engine and the imported policy compiled back to that backend (or the semantics) disagree on a generated object, or a rule was never both violated and satisfied; reported at the rule in the YAML file with the shrunk counterexample, and the rule is left out' },
};
