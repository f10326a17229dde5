import { describe, expect, it } from 'vitest';
import { completionsAt } from '../../src/lsp/completion.js';
import { documentSymbols } from '../../src/lsp/symbols.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource } from '../../src/syntax/index.js';
import { diagnosticsOf } from '../helpers/dsl.js';

/** Editor support for defaults blocks: snippets at file level and inside the block, and the outline. */
describe('LSP: defaults blocks', () => {
  it('offers a defaults snippet at file level that checks cleanly once its placeholders are filled', () => {
    const item = completionsAt('', 0).find((i) => i.label === 'defaults');
    expect(item).toBeDefined();
    const text = String(item!.insertText).replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1');
    expect(diagnosticsOf(`${text}\n`)).toEqual([]);
  });

  it('offers the block\'s own items inside it', () => {
    const text = 'defaults d {\n  \n}\n';
    const labels = completionsAt(text, text.indexOf('\n  ') + 3).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['in namespaces', 'default deny', 'allow dns', 'enforce pod-security']));
    expect(labels).not.toContain('rule');
  });

  it('lists the block in the outline', () => {
    const file = parseSource(new SourceFile('t.secpol', 'defaults d {\n  default deny ingress\n}\n')).value!;
    expect(documentSymbols(file).map((s) => [s.name, s.detail])).toEqual([['d', 'defaults']]);
  });
});
