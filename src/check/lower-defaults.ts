import type { LabelSelector, Mode, NamespaceDefaults, Omission, PodSecurity } from '../ir/index.js';
import type { DefaultsAst, LabelTestAst, StringAst } from '../syntax/index.js';
import type { Span } from '../source/index.js';
import { checkNamespaceName, lowerLabelTests, Once } from './lower-common.js';
import { lowerOmission, lowerPodSecurity } from './lower-policy.js';
import type { Reporter } from './report.js';

const modes: readonly Mode[] = ['enforce', 'audit', 'warn'];
/** `<block>-default-deny` is the longest object name a block gets; NetworkPolicy names are DNS labels (≤ 63). */
const longestSuffix = '-default-deny'.length;

/**
 * Lowers `defaults NAME { … }` (docs/language/defaults.md). The block reuses the scope clauses a policy has for the
 * namespaces it selects (`in namespaces`, `except namespaces`, `where labels` on the namespace's own labels), the
 * network intents without their `in namespaces` (the block's scope replaces it) and the pod-security lines.
 */
export function lowerDefaults(r: Reporter, d: DefaultsAst): NamespaceDefaults | undefined {
  const owner = `defaults "${d.name.text}"`;
  const settings = new Once(r, owner);
  const once = (key: string, span: Span): boolean => settings.take(key, span);
  let ok = true;
  let title: string | undefined;
  let description: string | undefined;
  const included: StringAst[] = [];
  const excluded: StringAst[] = [];
  const labelTests: LabelTestAst[] = [];
  let labelSpan: Span | undefined;
  let defaultDeny: { ingress: boolean; egress: boolean; span: Span } | undefined;
  let dns: { span: Span } | undefined;
  const podSecurity: PodSecurity[] = [];
  const omissions: Omission[] = [];
  for (const item of d.items) {
    switch (item.kind) {
      case 'text-setting':
        if (item.key === 'title' || item.key === 'description') {
          if (once(item.key, item.span)) {
            if (item.key === 'title') title = item.value.value;
            else description = item.value.value;
          }
        } else misplaced(r, item.span, `\`${item.key}\``, 'a defaults block has a title and a description only');
        break;
      case 'word-setting':
        misplaced(r, item.span, `\`${item.key}\``, 'the mode of each pod-security line is its first word; defaults are generated, never denied');
        ok = false;
        break;
      case 'applies':
        misplaced(r, item.span, '`applies to`', 'a defaults block always applies to Namespace objects: select them with `in namespaces`, `except namespaces` and `where labels`');
        ok = false;
        break;
      case 'operations':
        misplaced(r, item.span, '`on …`', 'defaults are generated when a namespace is created or updated, and for existing namespaces');
        ok = false;
        break;
      case 'namespaces':
        for (const n of item.names) if (!checkNamespaceName(r, n)) ok = false;
        (item.include ? included : excluded).push(...item.names);
        break;
      case 'labels':
        if (item.ofNamespace) {
          misplaced(r, item.span, '`where namespace labels`', 'the objects selected here are namespaces: test their own labels with `where labels …`');
          ok = false;
        } else {
          labelTests.push(...item.tests);
          labelSpan ??= item.span;
        }
        break;
      case 'default-deny':
        if (!once('default deny', item.span)) break;
        defaultDeny = { ingress: item.directions.some((x) => x.text === 'ingress'), egress: item.directions.some((x) => x.text === 'egress'), span: item.span };
        break;
      case 'allow-dns':
        if (once('allow dns', item.span)) dns = { span: item.span };
        break;
      case 'pod-security': {
        const lowered = lowerPodSecurity(r, item);
        if (!lowered) ok = false;
        else if (once(`${lowered.mode} pod-security`, item.span)) podSecurity.push(lowered);
        break;
      }
      case 'omit': {
        // As in a policy, naming a backend that could express the block is allowed; naming one twice is SP1012.
        const lowered = lowerOmission(r, item);
        const backends = lowered.backends.filter((b) => once(`omit from ${b}`, item.backends.find((x) => x.text === b)?.span ?? item.span));
        if (backends.length) omissions.push({ ...lowered, backends });
        break;
      }
    }
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d.name.text)) {
    r.report('SP1004', d.name.span, {
      what: 'defaults name',
      value: JSON.stringify(d.name.text),
      reason: 'the generated objects are named after the block, and Kubernetes names are lowercase letters, digits and "-"',
      hint: 'e.g. defaults tenant-baseline',
    });
    ok = false;
  } else if (d.name.text.length + longestSuffix > 63) {
    r.report('SP1004', d.name.span, {
      what: 'defaults name',
      value: JSON.stringify(d.name.text),
      reason: `the NetworkPolicies are named "${d.name.text}-default-deny" and "…-allow-dns", and a name is at most 63 characters`,
      hint: `shorten the name to ${63 - longestSuffix} characters or fewer`,
    });
    ok = false;
  }
  // `allow dns` alone generates nothing (without `default deny egress` DNS is already allowed: SP1017 below).
  if (!defaultDeny && podSecurity.length === 0) {
    r.report('SP1011', d.name.span, { what: owner, setting: 'anything to generate', hint: 'add `default deny ingress and egress`, `allow dns` or an `enforce pod-security …` line' });
    ok = false;
  }
  if (defaultDeny?.egress && !dns) {
    r.report('SP1015', defaultDeny.span, { detail: `${owner} denies egress in every namespace it selects without \`allow dns\`` });
  }
  if (dns && !defaultDeny?.egress) {
    r.report('SP1017', dns.span, { detail: `\`allow dns\` in ${owner} changes nothing: the block does not deny egress, so DNS is already allowed`, hint: 'add `default deny egress`, or remove `allow dns`' });
  }
  const includedNames = new Set(included.map((n) => n.value));
  for (const n of excluded) {
    if (includedNames.has(n.value)) {
      r.report('SP1008', n.span, { detail: `namespace "${n.value}" is both selected and excepted by ${owner}`, hint: 'remove it from one of the lists' });
      ok = false;
    }
  }
  const selector: LabelSelector | undefined = labelTests.length > 0 ? lowerLabelTests(r, labelTests, labelSpan ?? d.span) : undefined;
  if (!ok) return undefined;
  const sorted = (xs: readonly StringAst[]) => [...new Set(xs.map((n) => n.value))].sort();
  return {
    name: d.name.text,
    span: d.span,
    namespaces: sorted(included),
    excludedNamespaces: sorted(excluded),
    podSecurity: podSecurity.sort((a, b) => modes.indexOf(a.mode) - modes.indexOf(b.mode)),
    omissions,
    ...(selector ? { selector } : {}),
    ...(defaultDeny ? { defaultDeny } : {}),
    ...(dns && defaultDeny?.egress ? { dns } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

function misplaced(r: Reporter, span: Span, what: string, hint: string): void {
  r.report('SP1009', span, { detail: `${what} cannot be used in a defaults block`, hint });
}
