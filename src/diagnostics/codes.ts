/**
 * The closed set of diagnostic codes: SP0xxx syntax and input, SP1xxx checks, SP2xxx backends.
 * Wording lives here only; each code has a page in docs/diagnostics/<code>.md.
 * `{name}` placeholders are filled from the diagnostic's arguments.
 */
export const diagnosticCodes = {
  SP0001: { severity: 'error', title: 'unexpected character', message: 'unexpected character {char}', hint: 'remove it, or put it inside a "quoted string"' },
  SP0002: { severity: 'error', title: 'syntax error', message: '{detail}', hint: '{hint}' },
  SP0003: { severity: 'error', title: 'unterminated string', message: 'this string is not closed before the end of the line', hint: 'add the closing " (use \\n for a line break inside a string)' },
  SP0004: { severity: 'error', title: 'unreadable file', message: 'cannot read {path}: {reason}', hint: 'check the path and that it is a readable file' },
  SP0005: { severity: 'error', title: 'invalid UTF-8', message: 'the file is not valid UTF-8 text', hint: 'save the file as UTF-8' },
  SP0006: { severity: 'error', title: 'import cycle', message: 'import cycle: {cycle}', hint: 'move the shared part into a file that both import' },
  SP0008: { severity: 'error', title: 'malformed YAML', message: 'malformed YAML: {reason}', hint: 'fix the YAML; secpol reads manifests as Kubernetes does (YAML 1.1 as sigs.k8s.io/yaml resolves it)' },
  SP0009: { severity: 'error', title: 'invalid test suite', message: '{detail}', hint: '{hint}' },
  SP0010: { severity: 'error', title: 'no policy found', message: 'no policy found in {path}: {reason}', hint: 'give a .secpol file with a `policy` or `network` block, or a directory with such files below it (a wrong path must not pass as "nothing to report")' },
  SP0011: { severity: 'error', title: 'file outside the project root', message: '{detail}', hint: '{hint}' },
  SP0012: { severity: 'error', title: 'cannot write output', message: 'cannot write {path}: {reason}', hint: 'give --out a directory you can write to (created if missing; no file may stand in its path)' },
  SP0030: { severity: 'error', title: 'artifact does not load', message: '{detail}', hint: '{hint}' },
  SP0031: { severity: 'warning', title: 'YAML read as Go reads it', message: '{reason}', hint: 'indent the continuation lines deeper than the key, or use a block scalar (>-), so that every YAML reader agrees' },
  SP0032: { severity: 'warning', title: 'part of an input ignored', message: '{detail}', hint: '{hint}' },
  SP0007: { severity: 'error', title: 'input too large', message: '{what} exceeds the limit of {limit}', hint: 'split the input into smaller files, or a deep condition into several rules' },

  SP1001: { severity: 'error', title: 'duplicate name', message: '{what} "{name}" is defined twice', hint: 'rename one of them; names must be unique {where}' },
  SP1002: { severity: 'error', title: 'unknown field', message: 'unknown field "{field}" in {owner}', hint: '{hint}' },
  SP1003: { severity: 'error', title: 'type mismatch', message: '{detail}', hint: '{hint}' },
  SP1004: { severity: 'error', title: 'invalid value', message: 'invalid {what} {value}: {reason}', hint: '{hint}' },
  SP1005: { severity: 'error', title: 'rule without a single assertion', message: 'rule "{name}" {problem}', hint: 'give each rule exactly one `require …` or `forbid …`' },
  SP1006: { severity: 'error', title: 'expired exception', message: 'exception "{name}" expired on {date}', hint: 'remove the exception, or extend `expires` after a fresh review' },
  SP1007: { severity: 'error', title: 'contradictory rules', message: 'rules "{a}" and "{b}" contradict each other: {detail}', hint: 'no object can satisfy both; remove or change one of them' },
  SP1008: { severity: 'error', title: 'unreachable scope', message: '{detail}', hint: '{hint}' },
  SP1009: { severity: 'error', title: 'misplaced construct', message: '{detail}', hint: '{hint}' },
  SP1010: { severity: 'error', title: 'unknown reference', message: 'unknown {what} "{name}"', hint: '{hint}' },
  SP1011: { severity: 'error', title: 'missing setting', message: '{what} is missing {setting}', hint: '{hint}' },
  SP1012: { severity: 'error', title: 'setting given twice', message: '{setting} is given twice in {owner}', hint: 'keep one of them' },
  SP1013: { severity: 'warning', title: 'exception expires soon', message: 'exception "{name}" expires on {date}, in {days} days', hint: 'plan the review before it lapses' },
  SP1014: { severity: 'warning', title: 'network intent matches nothing', message: '{detail}', hint: '{hint}' },
  SP1015: { severity: 'warning', title: 'egress without DNS', message: '{detail}', hint: 'add `allow dns` for these namespaces, or pods cannot resolve names' },
  SP1017: { severity: 'warning', title: 'allow without effect', message: '{detail}', hint: '{hint}' },
  SP1020: { severity: 'warning', title: 'loose image glob', message: 'image glob "{pattern}" is looser than it looks: {detail}', hint: '{hint}' },
  SP1021: { severity: 'warning', title: 'exception trusts unjudged objects', message: '{detail}', hint: '{hint}' },
  SP1016: { severity: 'error', title: 'CIDR except outside its block', message: 'except {except} is not inside {cidr}', hint: 'an except block must be a subnet of the cidr it narrows' },

  SP2001: { severity: 'error', title: 'construct not expressible by backend', message: '{backend} cannot express {what}', hint: '{hint}' },
  SP2002: { severity: 'error', title: 'emitted object fails its schema', message: 'emitted {kind} "{name}" does not satisfy its schema: {detail}', hint: 'this is a secpol bug; please report it with the policy file' },
  SP2003: { severity: 'warning', title: 'exception expiry not enforced by backend', message: '{backend} does not enforce the expiry of exception "{name}": {why}, so it keeps applying after {date} until the output is recompiled without it', hint: 'recompile and redeploy once the date passes (`secpol check` fails from then on), enforce with kyverno or gatekeeper, or remove the exception' },
  SP3001: { severity: 'error', title: 'not imported', message: 'not imported: {what}: {reason}', hint: 'write it by hand in secpol; docs/import.md lists the shapes secpol import translates (the rest of the policy is imported)' },
  SP3002: { severity: 'error', title: 'imported rule not proven equivalent', message: '{what} is not imported: {detail}', hint: 'the translation and the original disagree on the object shown (or were never both exercised); write the rule by hand, or run the original alongside' },
} as const satisfies Record<string, { severity: 'error' | 'warning'; title: string; message: string; hint: string }>;

export type DiagnosticCode = keyof typeof diagnosticCodes;
