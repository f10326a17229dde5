import { assertNever } from '../ir/index.js';
import type { RuleChange } from './admission.js';
import { unifiedDiff } from './artifacts.js';
import type { PolicyDiff } from './diff.js';
import type { StructuralChange } from './structure.js';

const sign = { added: '+', removed: '-', changed: '~' } as const;
const badge = { added: 'added', removed: 'removed', changed: 'changed' } as const;

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

function ruleChanges(changes: readonly RuleChange[]): string {
  return changes.map((c) => `${c.policy}/${c.rule} ${c.old} -> ${c.new}`).join(', ');
}

function indent(text: string, by: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => `${by}${l}`).join('\n');
}

function renderText(d: PolicyDiff): string {
  const out: string[] = [`secpol diff ${d.old} -> ${d.new}`, ''];
  out.push(d.changes.length ? `Changes (${d.changes.length}):` : 'No rule, policy, exception or network intent changed.');
  for (const c of d.changes) {
    out.push(`  ${sign[c.change]} ${c.kind} ${c.owner === c.name ? c.name : `${c.owner}/${c.name}`}${c.fields ? ` (${c.fields.join(', ')})` : ''}   ${where(c)}`);
    const lines = sourceChange(c);
    if (lines.length && c.kind !== 'policy-settings') out.push(...lines.map((l) => `      ${l}`));
    else if (c.change !== 'changed' && c.kind !== 'flow') out.push(`      | ${firstLine((c.new ?? c.old)?.text ?? '')}`);
  }
  out.push('', `Admission verdicts (${d.verdicts.runs} generated requests per policy, seed ${d.verdicts.seed}):`);
  if (!d.verdicts.rules.length) out.push('  no generated request changes verdict');
  for (const r of d.verdicts.rules) {
    out.push(`  ${r.policy}/${r.rule}: ${r.hits} generated request(s) change verdict`);
    r.examples.forEach((e, i) => out.push(`    example ${i + 1}${i < r.shrunk ? ' (shrunk)' : ''}: ${ruleChanges(e.changes)}`, indent(e.yaml, '      ')));
  }
  if (d.manifests) {
    const m = d.manifests;
    out.push('', `Existing manifests (${m.objects} objects): ${m.newlyDenied} would now be denied, ${m.newlyAllowed} would now be allowed, ${m.changed.length} change a rule verdict`);
    for (const c of m.changed) out.push(`  ${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name} (${c.file}:${c.line}): ${c.before} -> ${c.after}  [${ruleChanges(c.changes)}]`);
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
  const denied = d.manifests ? `, **${d.manifests.newlyDenied}** existing object(s) newly denied` : '';
  const net = d.network ? `, **${d.network.newlyAllowed}** connection(s) newly allowed, **${d.network.newlyDenied}** newly denied` : '';
  out.push(`**${d.changes.length}** change(s), **${d.verdicts.rules.length}** rule(s) with changed verdicts${denied}${net}.`, '');
  out.push('### Rules, policies, exceptions and network intents', '');
  if (!d.changes.length) out.push('No change.', '');
  else {
    out.push('| change | kind | name | where |', '|---|---|---|---|');
    for (const c of d.changes) out.push(`| ${badge[c.change]} | ${c.kind} | ${cell(c.owner === c.name ? c.name : `${c.owner}/${c.name}`)}${c.fields ? ` (${cell(c.fields.join(', '))})` : ''} | \`${cell(where(c))}\` |`);
    out.push('');
    for (const c of d.changes.filter((x) => x.change === 'changed' && x.kind !== 'policy-settings')) {
      const lines = sourceChange(c);
      if (lines.length) out.push(`**${c.kind} ${c.owner}/${c.name}**`, '', ...fence('diff', lines.join('\n')), '');
    }
  }
  out.push('### Admission verdict changes', '', `${d.verdicts.runs} generated requests per policy (seed ${d.verdicts.seed}).`, '');
  if (!d.verdicts.rules.length) out.push('No generated request changes verdict.', '');
  else {
    out.push('| rule | requests that change | first example |', '|---|---|---|');
    for (const r of d.verdicts.rules) out.push(`| ${cell(`${r.policy}/${r.rule}`)} | ${r.hits} | ${cell(r.examples[0] ? ruleChanges(r.examples[0].changes) : '')} |`);
    out.push('');
    for (const r of d.verdicts.rules) {
      out.push(`<details><summary>${r.policy}/${r.rule}: ${r.examples.length} example(s)</summary>`, '');
      r.examples.forEach((e, i) => out.push(`${i < r.shrunk ? 'Shrunk example' : 'Example'} ${i + 1}: ${ruleChanges(e.changes)}`, '', ...fence('yaml', e.yaml), ''));
      out.push('</details>', '');
    }
  }
  if (d.manifests) {
    const m = d.manifests;
    out.push('### Existing manifests', '', `Of ${m.objects} object(s), **${m.newlyDenied}** would now be denied and **${m.newlyAllowed}** would now be allowed.`, '');
    if (m.changed.length) {
      out.push('| object | file | before | after | rules |', '|---|---|---|---|---|');
      for (const c of m.changed) out.push(`| ${cell(`${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`)} | \`${cell(`${c.file}:${c.line}`)}\` | ${c.before} | ${c.after} | ${cell(ruleChanges(c.changes))} |`);
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
  return `${out.join('\n')}`;
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
