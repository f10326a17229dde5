import { checkFiles } from '../check/index.js';
import { diagnostic, type Diagnostic, type Staged } from '../diagnostics/index.js';
import type { PolicySet } from '../ir/index.js';
import { formatLine, SourceFile, type Span } from '../source/index.js';
import { parseSource, printFile } from '../syntax/index.js';
import { importConstraint, isConstraint, isConstraintTemplate, templateKind } from './gatekeeper.js';
import { importKyverno, isKyvernoPolicy } from './kyverno.js';
import { exceptionLines, exceptionPolicies, isPolicyException } from './kyverno-exceptions.js';
import type { ImportedPolicy, ImportSource, MissingRule } from './model.js';
import { importNetworkPolicies, isNetworkPolicy } from './netpol.js';
import { importPsa, isPsaNamespace } from './psa.js';
import { readYamlDocuments, spanAt, type YamlDoc } from './yaml-source.js';

export interface ImportInput {
  readonly path: string;
  readonly text: string;
}

export interface ImportOptions {
  /** Only artifacts of this engine; all by default. */
  readonly from?: ImportSource;
  /** For the checker (exception expiry); YYYY-MM-DD. */
  readonly today: string;
}

/** One imported policy: its formatted secpol text and the checked IR (absent when no rule could be imported). */
export interface ImportedFile {
  readonly policy: ImportedPolicy;
  /** `<name>.secpol` */
  readonly path: string;
  readonly text: string;
  readonly set?: PolicySet;
}

export interface ImportResult {
  readonly files: readonly ImportedFile[];
}

/** One line of comment text: no line breaks or control characters can end the comment early. */
const commentText = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');

/** Reads foreign artifacts and translates every policy found; what is not translated is SP3001 at its source. */
export function importArtifacts(inputs: readonly ImportInput[], options: ImportOptions): Staged<ImportResult> {
  const diagnostics: Diagnostic[] = [];
  const docs: YamlDoc[] = [];
  for (const input of inputs) {
    const read = readYamlDocuments(new SourceFile(input.path, input.text));
    diagnostics.push(...read.diagnostics);
    docs.push(...(read.value ?? []));
  }
  const wants = (s: ImportSource) => options.from === undefined || options.from === s;
  const templates = new Map<string, { value: unknown; doc: YamlDoc }>();
  for (const d of docs) if (isConstraintTemplate(d.value)) templates.set(templateKind(d.value) ?? '', { value: d.value, doc: d });
  const policies: ImportedPolicy[] = [];
  const networkPolicies: YamlDoc[] = [];
  const exceptions = docs.filter((d) => isPolicyException(d.value));
  const kyvernoNames = new Set<string>();
  for (const d of docs) {
    const v = d.value as { kind?: unknown; apiVersion?: unknown };
    if (isKyvernoPolicy(v)) {
      if (!wants('kyverno')) continue;
      const p = importKyverno(d, exceptions);
      kyvernoNames.add(p.kyvernoName ?? '');
      policies.push(p);
    } else if (isConstraint(v)) {
      if (wants('gatekeeper')) policies.push(importConstraint(d, templates.get(String(v.kind))));
    } else if (isPsaNamespace(v)) {
      if (wants('psa')) policies.push(importPsa(d));
    } else if (isNetworkPolicy(v)) {
      if (wants('netpol')) networkPolicies.push(d);
    }
  }
  if (wants('kyverno')) {
    for (const d of exceptions) {
      const unknown = exceptionPolicies(d).filter((n) => !kyvernoNames.has(n));
      if (unknown.length) diagnostics.push(diagnostic('SP3001', spanAt(d, ['spec', 'exceptions']), { what: 'PolicyException', reason: `it names ${unknown.join(', ')}, which the input does not hold (give the ClusterPolicy with its exceptions)` }));
    }
  }
  const network = importNetworkPolicies(networkPolicies);
  if (network) policies.push(network);
  const names = new Map<string, number>();
  const files: ImportedFile[] = [];
  for (const p of policies) {
    const n = names.get(p.name) ?? 0;
    names.set(p.name, n + 1);
    const unique = n === 0 ? p : { ...p, name: `${p.name}-${n + 1}` };
    const built = buildChecked(unique, options);
    files.push(built);
    for (const m of [...built.policy.missing, ...(built.policy.exceptionsMissing ?? [])]) diagnostics.push(missingDiagnostic(m));
  }
  return { value: { files }, diagnostics };
}

export function missingDiagnostic(m: MissingRule): Diagnostic {
  return diagnostic('SP3001', m.origin, { what: m.original.startsWith('PolicyException ') ? m.original : `rule ${m.original}`, reason: m.reason });
}

/** Renders, parses, formats and checks; a rule the checker rejects is moved to the missing rules with its reason. */
export function buildChecked(policy: ImportedPolicy, options: { today: string }): ImportedFile {
  let p = policy;
  for (;;) {
    const text = renderPolicy(p);
    const path = `${p.name}.secpol`;
    if (p.rules.length === 0) return { policy: p, path, text };
    const parsed = parseSource(new SourceFile(path, text));
    if (!parsed.value) {
      // A translation the parser refuses is an importer bug; report it on every rule rather than write it.
      const reason = `the translation does not parse (${parsed.diagnostics[0]?.message ?? 'unknown'}); this is a secpol bug`;
      return buildChecked({ ...p, rules: [], missing: [...p.missing, ...p.rules.map((r) => ({ original: r.original, origin: r.origin, reason }))] }, options);
    }
    const formatted = printFile(parsed.value);
    const file = parseSource(new SourceFile(path, formatted));
    const checked = checkFiles(file.value ? [file.value] : [], options);
    const errors = checked.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0 && checked.value) return { policy: p, path, text: formatted, set: checked.value };
    // An error in a rule's message (a placeholder the checker rejects) costs the message, not the rule.
    const lines = formatted.split('\n');
    const inMessage = errors.filter((e) => e.span && /^\s*message /.test(lines[e.span.file.lineColumn(e.span.start).line - 1] ?? ''));
    const keys = blame(formatted, p, inMessage);
    if (p.rules.some((r) => keys.has(r.key) && r.lines.some((l) => l.startsWith('message ')))) {
      p = { ...p, rules: p.rules.map((r) => (keys.has(r.key) ? { ...r, lines: r.lines.filter((l) => !l.startsWith('message ')) } : r)) };
      continue;
    }
    // Blame the rule each error falls in (by the `# from` comment order); an error outside every rule blames all.
    const blamed = blame(formatted, p, errors);
    p = { ...p, rules: p.rules.filter((r) => !blamed.has(r.key)), missing: [...p.missing, ...p.rules.filter((r) => blamed.has(r.key)).map((r) => ({ original: r.original, origin: r.origin, reason: `secpol's checker rejects the translation: ${blamed.get(r.key)}` }))] };
  }
}

function blame(text: string, p: ImportedPolicy, errors: readonly Diagnostic[]): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  const starts: { key: string; line: number }[] = [];
  lines.forEach((l, i) => {
    const m = /^\s*# from .* \(rule (.*)\)$/.exec(l);
    if (m) starts.push({ key: p.rules[starts.length]?.key ?? '', line: i + 1 });
  });
  for (const e of errors) {
    const line = e.span ? e.span.file.lineColumn(e.span.start).line : 0;
    const owner = [...starts].reverse().find((s) => s.line <= line);
    const targets = owner ? [owner.key] : p.rules.map((r) => r.key);
    for (const t of targets) if (!out.has(t)) out.set(t, `${e.code} ${e.message}`);
  }
  return out;
}

const where = (span: Span) => formatLine(span);

/** The policy as secpol text, with the source of each rule and the rules left out in comments. */
export function renderPolicy(p: ImportedPolicy): string {
  const out: string[] = [`# Imported by secpol import from ${commentText(where(p.origin))} (${commentText(p.describe)}).`];
  for (const m of p.missing) out.push(`# Not imported: rule ${commentText(m.original)} (${commentText(where(m.origin))}): ${commentText(m.reason)}`);
  for (const m of p.exceptionsMissing ?? []) out.push(`# Not imported: ${commentText(m.original)} (${commentText(where(m.origin))}): ${commentText(m.reason)}`);
  if (p.rules.length === 0) return `${out.join('\n')}\n`;
  out.push(`${p.block === 'network' ? 'network' : 'policy'} ${p.name} {`);
  for (const h of p.head) out.push(`  ${h}`);
  for (const r of p.rules) {
    out.push('', `  # from ${commentText(where(r.origin))} (rule ${commentText(r.original)})`);
    if (p.block === 'network') out.push(...r.lines.map((l) => `  ${l}`));
    else if (r.key.startsWith('pod-security-') && r.lines.length === 1 && /^(enforce|audit|warn) pod-security /.test(r.lines[0]!)) out.push(`  ${r.lines[0]}`);
    else out.push(`  rule ${r.key} {`, ...r.lines.map((l) => `    ${l}`), '  }');
  }
  if (p.tail?.length) out.push('', ...p.tail.map((l) => `  ${l}`));
  const keys = new Set(p.rules.map((r) => r.key));
  for (const e of p.exceptions ?? []) {
    const lines = exceptionLines(e, keys);
    if (lines.length) out.push('', ...lines.map((l) => `  ${l}`));
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
