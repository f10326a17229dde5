import { describe, expect, it } from 'vitest';
import { latestPssMinor } from '../../src/eval/pod-security.js';
import { itemSnippets, newestPssMinor, pssVersions } from '../../src/lsp/vocabulary.js';
import { completionsAt } from '../../src/lsp/completion.js';

describe('completion vocabulary', () => {
  it('offers Pod Security versions up to the newest the Pod Security tables know', () => {
    expect(newestPssMinor).toBe(latestPssMinor);
    expect(pssVersions.slice(0, 2)).toEqual(['latest', `v1.${latestPssMinor}`]);
    expect(pssVersions.at(-1)).toBe('v1.25');
  });

  it('every block kind offers its items, and nothing is offered inside strings and comments', () => {
    for (const [kind, text] of [['file', ''], ['policy', 'policy p {\n  '], ['rule', 'policy p {\n  rule r {\n    '], ['exception', 'policy p {\n  exception e {\n    '], ['network', 'network n {\n  ']] as const) {
      expect(completionsAt(text, text.length).map((i) => i.label), kind).toEqual(itemSnippets[kind]!.map((s) => s.label));
    }
    expect(completionsAt('policy p {\n  title "app', 'policy p {\n  title "app'.length)).toEqual([]);
    expect(completionsAt('policy p {\n  # rule ', 'policy p {\n  # rule '.length)).toEqual([]);
  });
});
