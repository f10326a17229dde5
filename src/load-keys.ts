import { posix } from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics/index.js';
import type { ReadFile } from './load.js';
import type { FileAst, PolicyItemAst, VerifyItemAst } from './syntax/index.js';

/** Key files are small; anything larger is not a Cosign public key. */
const maxKeyBytes = 16 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `key "keys/cosign.pub"` in a `verify images` block: the file, relative to the policy file, is read here (the load
 * stage, the only one that reads files) with the same confinement as imports: inside the project root, symbolic
 * links included, no absolute paths, and only `.pub`/`.pem` files, so a key path can never pull another file's
 * contents into a policy. Its text replaces nothing in the syntax tree; it rides along as `resolved` and the checker
 * validates it as PEM like an inline key. A key written as PEM text is left alone.
 */
export function resolveKeyFiles(file: FileAst, path: string, root: string, read: ReadFile, insideRoot: (root: string, path: string) => boolean, diagnostics: Diagnostic[]): FileAst {
  const resolveItem = (item: VerifyItemAst): VerifyItemAst => {
    if (item.kind !== 'key' || item.key.value.startsWith('-----BEGIN')) return item;
    const value = item.key.value;
    const hint = 'a key file is a .pub or .pem file given relative to the policy file, inside the project root (or --root DIR); or paste the PEM text';
    const quoted = JSON.stringify(value);
    if (/[\u0000-\u001f\u007f]/.test(value) || posix.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value) || !/\.(pub|pem)$/.test(value)) {
      diagnostics.push(diagnostic('SP0011', item.key.span, { detail: `key file ${quoted} is refused: not a relative path to a .pub or .pem file`, hint }));
      return item;
    }
    const target = posix.normalize(posix.join(posix.dirname(path), value));
    if (!insideRoot(root, target)) {
      diagnostics.push(diagnostic('SP0011', item.key.span, { detail: `key file ${quoted} leaves the project root ${root}`, hint }));
      return item;
    }
    const result = read(target, root);
    if ('error' in result) {
      diagnostics.push(result.refused ? diagnostic('SP0011', item.key.span, { detail: `key file ${quoted} is refused: ${result.error}`, hint }) : diagnostic('SP0004', item.key.span, { path: target, reason: result.error }));
      return item;
    }
    let text: string;
    try {
      if (result.bytes.length > maxKeyBytes) throw new Error('too large');
      text = utf8.decode(result.bytes);
    } catch {
      diagnostics.push(diagnostic('SP0004', item.key.span, { path: target, reason: `not a UTF-8 text file of at most ${maxKeyBytes} bytes` }));
      return item;
    }
    return { ...item, resolved: { path: target, text } };
  };
  const resolvePolicyItem = (item: PolicyItemAst): PolicyItemAst => (item.kind === 'verify-images' ? { ...item, items: item.items.map(resolveItem) } : item);
  const needs = file.decls.some((d) => d.kind === 'policy' && d.items.some((i) => i.kind === 'verify-images' && i.items.some((v) => v.kind === 'key' && !v.key.value.startsWith('-----BEGIN'))));
  if (!needs) return file;
  return { ...file, decls: file.decls.map((d) => (d.kind === 'policy' ? { ...d, items: d.items.map(resolvePolicyItem) } : d)) };
}
