import { describe, expect, it } from 'vitest';
import { completionsAt } from '../../src/lsp/completion.js';
import { explainField } from '../../src/lsp/hover.js';

/** Hover and completion on the other field of a field-relative comparison: a field of the same scope. */
describe('lsp on field-relative comparisons', () => {
  const text = `policy p {\n  applies to pods\n  rule r {\n    require every container has resources.limits.cpu <= 2 * resources.requests.cpu\n  }\n}\n`;

  it('hovers the other field with its type, in the element scope', () => {
    const hover = explainField(text, text.indexOf('requests.cpu') + 'requests.'.length + 1);
    expect(hover).toContain('**resources.requests.cpu**: quantity');
    expect(hover).toContain('container');
  });

  it('completes the other field after `*`', () => {
    const partial = `policy p {\n  applies to pods\n  rule r {\n    require every container has resources.limits.cpu <= 2 * resources.\n  }\n}\n`;
    const labels = completionsAt(partial, partial.indexOf('2 * resources.') + '2 * resources.'.length).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['requests', 'limits']));
  });
});
