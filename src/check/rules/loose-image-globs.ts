import { fieldTests, type Policy } from '../../ir/index.js';
import type { Span } from '../../source/index.js';
import type { Reporter } from '../report.js';

/**
 * SP1020 (warning): an image glob whose `*` can cross a registry or repository boundary. secpol's `*` matches
 * any sequence, `/` included (as Kyverno's wildcards, Gatekeeper's `glob.match` with no delimiters and the CEL
 * the VAP backend emits do), so `ghcr.io/org*` admits `ghcr.io/organisation-evil/x`, and `*.example.com/*` admits
 * `evil.io/x.example.com/y`: in an allow-list that is a bypass (issue 22 item 4). Write `ghcr.io/org/*`.
 */
export function checkLooseImageGlobs(r: Reporter, policy: Policy): void {
  const seen = new Set<string>();
  const check = (pattern: string, span: Span) => {
    const problem = loosePattern(pattern);
    if (!problem || seen.has(`${span.start}:${pattern}`)) return;
    seen.add(`${span.start}:${pattern}`);
    r.report('SP1020', span, { pattern, detail: problem.detail, hint: problem.hint });
  };
  for (const rule of policy.rules) {
    for (const p of [rule.predicate, ...(rule.when ? [rule.when] : [])]) {
      for (const t of fieldTests(p)) {
        if (t.test.op !== 'glob' && t.test.op !== 'not-glob') continue;
        if (t.subject.kind !== 'field' || t.subject.path.at(-1) !== 'image') continue;
        check(t.test.pattern, t.span);
      }
    }
  }
  for (const e of policy.exceptions) for (const image of e.images) check(image, e.span);
}

/** What is loose about an image glob, if anything: a wildcard in the registry, or one glued to a name. */
export function loosePattern(pattern: string): { detail: string; hint: string } | undefined {
  const slash = pattern.indexOf('/');
  const host = slash < 0 ? pattern : pattern.slice(0, slash);
  if (/[*?]/.test(host)) {
    return {
      detail: `a wildcard in the registry part "${host}" also matches other registries (a * matches "/" too)`,
      hint: 'name each registry exactly, e.g. "registry.example.com/*"',
    };
  }
  // Only the repository path can be crossed: a wildcard in the tag or digest (`app:1.*`) stays in it.
  const rest = pattern.slice(slash);
  const tag = rest.search(/[:@]/);
  const name = tag < 0 ? pattern : pattern.slice(0, slash + tag);
  const glued = /[^/:@*]\*/.exec(name);
  if (glued) {
    const stem = pattern.slice(0, glued.index + 1);
    return {
      detail: `"${stem}*" also matches "${stem}-evil/…" and other repositories that merely start with "${stem.slice(stem.lastIndexOf('/') + 1)}" (a * matches "/" too)`,
      hint: `end the prefix at a boundary: "${stem}/*" for everything under it, or "${stem}:*" for the tags of one image`,
    };
  }
  return undefined;
}
