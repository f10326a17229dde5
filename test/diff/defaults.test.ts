import { describe, expect, it } from 'vitest';
import { structuralChanges } from '../../src/diff/structure.js';
import { irOf } from '../helpers/dsl.js';

/** secpol diff sees defaults blocks: added, removed and changed as one statement each. */
describe('diff: defaults blocks', () => {
  const a = irOf('defaults d {\n  in namespaces "a"\n  default deny ingress\n}\ndefaults gone {\n  enforce pod-security baseline\n}\n');
  const b = irOf('defaults d {\n  in namespaces "a"\n  default deny ingress and egress\n  allow dns\n}\ndefaults fresh {\n  in namespaces "z"\n  warn pod-security restricted\n}\n');

  it('reports each block once, by name', () => {
    expect(structuralChanges(a, b).map((c) => [c.kind, c.change, c.name])).toEqual([
      ['defaults', 'changed', 'd'],
      ['defaults', 'added', 'fresh'],
      ['defaults', 'removed', 'gone'],
    ]);
    expect(structuralChanges(a, a)).toEqual([]);
  });
});
