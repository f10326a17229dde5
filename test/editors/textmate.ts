import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';
import { projectRoot } from '../helpers/corpora.js';

export const grammarPath = join(projectRoot, 'editors/vscode/syntaxes/secpol.tmLanguage.json');

export interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

/** The TextMate grammar loaded by VS Code's own tokeniser (vscode-textmate on the Oniguruma WebAssembly build). */
export async function loadGrammar(): Promise<(text: string) => Token[][]> {
  const wasm = readFileSync(join(createRequire(import.meta.url).resolve('vscode-oniguruma'), '..', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope: string) => (scope === 'source.secpol' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null),
  });
  const grammar = await registry.loadGrammar('source.secpol');
  if (!grammar) throw new Error('the grammar did not load');
  return (text) => {
    let stack = textmate.INITIAL;
    return text.split('\n').map((line) => {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
    });
  };
}
