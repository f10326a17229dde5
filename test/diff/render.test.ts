import { describe, expect, it } from 'vitest';
import { markdownLimit, renderDiff, type PolicyDiff } from '../../src/diff/index.js';

const empty: PolicyDiff = {
  old: 'old.secpol',
  new: 'new.secpol',
  summary: { rules: { stricter: 0, looser: 0, both: 0, neither: 0 }, directions: [], requests: { judged: 0, rejected: 0, newlyDenied: 0, newlyAllowed: 0 } },
  changes: [],
  verdicts: { runs: 0, seed: 42, requests: [], rules: [] },
  artifacts: [],
};

/** A unified diff of `lines` changed lines. */
const bigDiff = (tag: string, lines: number) => ['--- a/f', '+++ b/f', '@@ -1,1 +1,1 @@', ...Array.from({ length: lines }, (_, i) => `+${tag} line ${i} ${'x'.repeat(60)}`)].join('\n');

describe('markdown output fits a GitHub comment', () => {
  it('a diff under the limit is not touched', () => {
    const md = renderDiff(empty, 'markdown');
    expect(md).not.toContain('Truncated');
    expect(md.length).toBeLessThan(markdownLimit);
  });

  it('a longer one is cut at a line, its code fence and <details> closed, with a note', () => {
    const d: PolicyDiff = { ...empty, artifacts: [{ backend: 'kyverno', files: [{ path: 'kyverno/p.yaml', change: 'changed', diff: bigDiff('k', 2000) }] }, { backend: 'gatekeeper', files: [{ path: 'gatekeeper/p.yaml', change: 'changed', diff: bigDiff('g', 10) }] }] };
    const full = JSON.stringify(d).length;
    expect(full).toBeGreaterThan(markdownLimit);
    const md = renderDiff(d, 'markdown');
    expect(md.length).toBeLessThanOrEqual(markdownLimit);
    expect(md.length).toBeGreaterThan(markdownLimit - 200);
    expect(md).toMatch(/\n```\n\n<\/details>\n\n> \*\*Truncated\*\*: this diff is [\d,]+ characters, over GitHub's 65,536-character comment limit; the last [\d,]+ are left out\./);
    expect(md.match(/^```/gm)!.length % 2).toBe(0);
    expect(md.match(/<details>/g)!.length).toBe(md.match(/<\/details>/g)!.length);
    expect(md).toContain('### Rendered artifacts');
    expect(md).not.toContain('gatekeeper/p.yaml');
  });
});
