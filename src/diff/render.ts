import { assertNever } from '../ir/index.js';
import type { RequestOutcome, RuleChange } from './admission.js';
import { unifiedDiff } from './artifacts.js';
import type { PolicyDiff } from './diff.js';
import type { StructuralChange } from './structure.js';

const sign = { added: '+', removed: '-', changed: '~' } as const;
const badge = { added: 'added', removed: 'removed', changed: 'changed' } as const;

/** GitHub's limit on a pull-request comment, in characters; longer markdown is cut with a note. */
export const markdownLimit = 65536;

/** The changed lines of a construct's source, without diff headers. */
function sourceChange(c: StructuralChange): string[] {
  if (!c.old || !c.new) return [];
  return unifiedDiff(c.old.text, c.new.text, 'a', 'b')
    .split('\n')
    .filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

function where(c: StructuralChange): string {
  return c.change === 'changed' ? `${c.old?.at ?? ''} -> ${c.new?.at ?? ''}` : (c.new ?? c.old)?.at ?? '';
}

function state(outcome: RuleChange['old'], mode: RuleChange['oldMode']): string {
  return outcome === 'fail' && mode ? `fail (${mode})` : outcome;
}

/** `p/r pass -> fail (enforce)`, `p/r fail (audit) -> fail (enforce)`. */
function ruleChanges(changes: readonly RuleChange[]): string {
  return changes.map((c) => `${c.policy}/${c.rule} ${state(c.old, c.oldMode)} -> ${state(c.new, c.newMode)}`).join(', ');
}

/** `allowed`, `denied by p/r (enforce)`, `reported by p/r (audit)`, or both groups: who decides the request, in which mode. */
function outcome(o: RequestOutcome): string {
  if (!o.by.length) return o.verdict;
  const list = (cs: typeof o.by) => cs.map((c) => `${c.policy}/${c.rule} (${c.mode})`).join(', ');
  const deny = o.by.filter((c) => c.mode === 'enforce');
  const report = o.by.filter((c) => c.mode !== 'enforce');
  return [...(deny.length ? [`denied by ${list(deny)}`] : []), ...(report.length ? [`reported by ${list(report)}`] : [])].join('; ');
}

function transition(before: RequestOutcome, after: RequestOutcome): string {
  return `${outcome(before)} -> ${outcome(after)}`;
}

function indent(text: string, by: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => `${by}${l}`).join('\n');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary line: rules by direction, then requests, manifests and connections newly denied and allowed. */
function summary(d: PolicyDiff, b: (n: number) => string): string {
  const s = d.summary;
  const rules = `${b(s.rules.stricter)} ${s.rules.stricter === 1 ? 'rule' : 'rules'} stricter, ${b(s.rules.looser)} looser, ${b(s.rules.both)} both ways${s.rules.neither ? `, ${b(s.rules.neither)} between audit and warn` : ''}`;
  const parts = [rules, `generated requests: ${b(s.requests.newlyDenied)} newly denied, ${b(s.requests.newlyAllowed)} newly allowed (of ${s.requests.judged} judged)`];
  if (s.manifests) parts.push(`existing manifests: ${b(s.manifests.newlyDenied)} newly denied, ${b(s.manifests.newlyAllowed)} newly allowed${s.manifests.invalid ? `, ${b(s.manifests.invalid)} invalid` : ''}`);
  if (s.connections) parts.push(`connections: ${b(s.connections.newlyAllowed)} newly allowed, ${b(s.connections.newlyDenied)} newly denied`);
  return parts.join('; ');
}

/** Generated requests the API server would reject, summed over policies, with the 3 most frequent reasons. */
function rejected(d: PolicyDiff): string | undefined {
  const total = d.verdicts.requests.reduce((n, r) => n + r.rejected, 0);
  if (!total) return undefined;
  const kinds = new Map<string, number>();
  for (const r of d.verdicts.requests) for (const k of r.rejections) kinds.set(k.problem, (kinds.get(k.problem) ?? 0) + k.count);
  const top = [...kinds].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([k, n]) => `${k} (${n})`);
  const more = kinds.size > 3 ? `, and ${plural(kinds.size - 3, 'other kind')} of problem` : '';
  return `${plural(total, 'generated request')} the API server would reject ${total === 1 ? 'was' : 'were'} not judged: ${top.join(', ')}${more}`;
}

/** `500 requests judged per policy`, or per policy when some policy ran out of requests the API server accepts. */
function judged(d: PolicyDiff): string {
  const short = d.verdicts.requests.filter((r) => r.judged < d.verdicts.runs);
  if (!short.length) return `${d.verdicts.runs} requests judged per policy`;
  return `${d.verdicts.runs} requests judged per policy, except ${short.map((r) => `${r.policy} (${r.judged} of ${r.generated} generated)`).join(', ')}`;
}

function objectName(c: { kind: string; namespace: string | null; name: string }): string {
  return `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
}

function renderText(d: PolicyDiff): string {
  const out: string[] = [`secpol diff ${d.old} -> ${d.new}`, '', `Summary: ${summary(d, String)}`, ''];
  out.push(d.changes.length ? `Changes (${d.changes.length}):` : 'No rule, policy, exception or network intent changed.');
  for (const c of d.changes) {
    out.push(`  ${sign[c.change]} ${c.kind} ${c.owner === c.name ? c.name : `${c.owner}/${c.name}`}${c.fields ? ` (${c.fields.join(', ')})` : ''}   ${where(c)}`);
    const lines = sourceChange(c);
    if (c.settings) out.push(...c.settings.map((s) => `      ${s.field}: ${s.old} -> ${s.new}`));
    else if (lines.length) out.push(...lines.map((l) => `      ${l}`));
    else if (c.change !== 'changed' && c.kind !== 'flow') out.push(`      | ${firstLine((c.new ?? c.old)?.text ?? '')}`);
  }
  out.push('', `Admission verdicts (seed ${d.verdicts.seed}): ${judged(d)}`);
  const skipped = rejected(d);
  if (skipped) out.push(`  ${skipped}`);
  if (!d.verdicts.rules.length) out.push('  no judged request changes verdict');
  for (const r of d.verdicts.rules) {
    out.push(`  ${r.policy}/${r.rule} (${r.direction}): ${plural(r.hits, 'judged request')} ${r.hits === 1 ? 'changes' : 'change'} verdict`);
    r.examples.forEach((e, i) => out.push(`    example ${i + 1}${i < r.shrunk ? ' (shrunk)' : ''}: ${transition(e.old, e.new)}`, `      rules: ${ruleChanges(e.changes)}`, indent(e.yaml, '      ')));
  }
  if (d.manifests) {
    const m = d.manifests;
    out.push('', `Existing manifests (${plural(m.objects, 'object')}): ${m.newlyDenied} would now be denied, ${m.newlyAllowed} would now be allowed, ${m.changed.length} change a rule verdict${m.invalid.length ? `, ${m.invalid.length} invalid` : ''}`);
    for (const c of m.changed) out.push(`  ${objectName(c)} (${c.file}:${c.line}): ${transition(c.before, c.after)}`);
    for (const i of m.invalid) out.push(`  invalid manifest ${i.file}:${i.line}:${i.column}: ${i.reason}`);
  }
  if (d.network) {
    const n = d.network;
    out.push('', `Network (${n.connections} connections compared): ${n.newlyAllowed} newly allowed, ${n.newlyDenied} newly denied`);
    for (const c of n.changes) out.push(`  ${c.change}  ${c.from} -> ${c.to} ${c.protocol}/${c.port}`, `      before: ${c.old}`, `      after:  ${c.new}`);
  }
  out.push('', 'Rendered artifacts:');
  if (!d.artifacts.length) out.push('  unchanged');
  for (const a of d.artifacts) {
    if (a.oldError) out.push(`  ${a.backend}: the old version does not compile: ${a.oldError}`);
    if (a.newError) out.push(`  ${a.backend}: the new version does not compile: ${a.newError}`);
    for (const f of a.files) out.push(`  ${f.path} ${f.change}`, indent(f.diff, '    '));
  }
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(lang: string, text: string): string[] {
  const ticks = text.includes('```') ? '````' : '```';
  return [`${ticks}${lang}`, text.replace(/\n$/, ''), ticks];
}

function renderMarkdown(d: PolicyDiff): string {
  const out: string[] = ['## secpol policy diff', '', `\`${d.old}\` → \`${d.new}\``, ''];
  out.push(`**${d.changes.length}** change(s): ${summary(d, (n) => `**${n}**`)}.`, '');
  out.push('### Rules, policies, exceptions and network intents', '');
  if (!d.changes.length) out.push('No change.', '');
  else {
    out.push('| change | kind | name | where |', '|---|---|---|---|');
    for (const c of d.changes) {
      const fields = c.settings ? c.settings.map((s) => `${s.field}: ${s.old} → ${s.new}`).join('; ') : c.fields?.join(', ');
      out.push(`| ${badge[c.change]} | ${c.kind} | ${cell(c.owner === c.name ? c.name : `${c.owner}/${c.name}`)}${fields ? ` (${cell(fields)})` : ''} | \`${cell(where(c))}\` |`);
    }
    out.push('');
    for (const c of d.changes.filter((x) => x.change === 'changed' && !x.settings)) {
      const lines = sourceChange(c);
      if (lines.length) out.push(`**${c.kind} ${c.owner}/${c.name}**`, '', ...fence('diff', lines.join('\n')), '');
    }
  }
  out.push('### Admission verdict changes', '', `Seed ${d.verdicts.seed}: ${judged(d)}.`, '');
  const skipped = rejected(d);
  if (skipped) out.push(`${cell(skipped)}.`, '');
  if (!d.verdicts.rules.length) out.push('No judged request changes verdict.', '');
  else {
    out.push('| rule | direction | requests that change | first example |', '|---|---|---|---|');
    for (const r of d.verdicts.rules) out.push(`| ${cell(`${r.policy}/${r.rule}`)} | ${r.direction} | ${r.hits} | ${cell(r.examples[0] ? transition(r.examples[0].old, r.examples[0].new) : '')} |`);
    out.push('');
    for (const r of d.verdicts.rules) {
      out.push(`<details><summary>${r.policy}/${r.rule}: ${r.examples.length} example(s)</summary>`, '');
      r.examples.forEach((e, i) => out.push(`${i < r.shrunk ? 'Shrunk example' : 'Example'} ${i + 1}: ${transition(e.old, e.new)} (${ruleChanges(e.changes)})`, '', ...fence('yaml', e.yaml), ''));
      out.push('</details>', '');
    }
  }
  if (d.manifests) {
    const m = d.manifests;
    out.push('### Existing manifests', '', `Of ${m.objects} object(s), **${m.newlyDenied}** would now be denied and **${m.newlyAllowed}** would now be allowed.`, '');
    if (m.changed.length) {
      out.push('| object | file | before | after |', '|---|---|---|---|');
      for (const c of m.changed) out.push(`| ${cell(objectName(c))} | \`${cell(`${c.file}:${c.line}`)}\` | ${cell(outcome(c.before))} | ${cell(outcome(c.after))} |`);
      out.push('');
    }
    if (m.invalid.length) {
      out.push(`**${m.invalid.length}** invalid manifest(s), not judged:`, '', '| file | problem |', '|---|---|');
      for (const i of m.invalid) out.push(`| \`${cell(`${i.file}:${i.line}:${i.column}`)}\` | ${cell(i.reason)} |`);
      out.push('');
    }
  }
  if (d.network) {
    const n = d.network;
    out.push('### Network', '', `${n.connections} connections compared: **${n.newlyAllowed}** newly allowed, **${n.newlyDenied}** newly denied.`, '');
    if (n.changes.length) {
      out.push('| change | from | to | port | before | after |', '|---|---|---|---|---|---|');
      for (const c of n.changes) out.push(`| ${c.change} | ${cell(c.from)} | ${cell(c.to)} | ${c.protocol}/${c.port} | ${cell(c.old)} | ${cell(c.new)} |`);
      out.push('');
    }
  }
  out.push('### Rendered artifacts', '');
  if (!d.artifacts.length) out.push('Unchanged.', '');
  for (const a of d.artifacts) {
    if (a.oldError) out.push(`- **${a.backend}**: the old version does not compile: ${a.oldError}`);
    if (a.newError) out.push(`- **${a.backend}**: the new version does not compile: ${a.newError}`);
    if (a.oldError || a.newError) out.push('');
    if (!a.files.length) continue;
    out.push(`<details><summary>${a.backend}: ${a.files.length} file(s) changed</summary>`, '');
    for (const f of a.files) out.push(`\`${f.path}\` (${f.change})`, '', ...fence('diff', f.diff), '');
    out.push('</details>', '');
  }
  return truncate(out.join('\n'), markdownLimit);
}

/**
 * Markdown cut at a line boundary to at most `limit` characters, closing an open code fence and `<details>` and
 * ending with a note that says how much was left out. Sections come in order of importance (summary, changes,
 * verdicts, manifests, network, artifacts), so what is cut is the tail.
 */
function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note = (kept: number) => `\n\n> **Truncated**: this diff is ${text.length.toLocaleString('en-US')} characters, over GitHub's ${limit.toLocaleString('en-US')}-character comment limit; the last ${(text.length - kept).toLocaleString('en-US')} are left out. Run \`secpol diff\` locally, or with \`--format text\`, for all of it.\n`;
  const lines = text.split('\n');
  const kept: string[] = [];
  let size = 0;
  let fenceOpen: string | undefined;
  let details = 0;
  const closers = () => `${fenceOpen ? `\n${fenceOpen}` : ''}${'\n\n</details>'.repeat(details)}`;
  for (const line of lines) {
    const next = size + line.length + 1;
    let f = fenceOpen;
    let dd = details;
    const tick = /^(`{3,})/.exec(line)?.[1];
    if (tick && (!f || tick === f)) f = f ? undefined : tick;
    if (!f && line.startsWith('<details>')) dd++;
    if (!f && line === '</details>') dd--;
    const closing = `${f ? `\n${f}` : ''}${'\n\n</details>'.repeat(dd)}`;
    if (next + closing.length + note(next).length > limit) break;
    kept.push(line);
    size = next;
    fenceOpen = f;
    details = dd;
  }
  return `${kept.join('\n')}${closers()}${note(size)}`;
}

export function renderDiff(d: PolicyDiff, format: 'text' | 'markdown' | 'json'): string {
  switch (format) {
    case 'text':
      return renderText(d);
    case 'markdown':
      return renderMarkdown(d);
    case 'json':
      return `${JSON.stringify(d, null, 2)}\n`;
    default:
      return assertNever(format, 'format');
  }
}
