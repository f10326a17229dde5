import { describe, expect, it } from 'vitest';
import { loadPolicyFiles, maxPolicyFileBytes, type ReadFile } from '../src/load.js';
import { compact } from './helpers/dsl.js';

const enc = new TextEncoder();

function memoryFs(files: Record<string, string | Uint8Array>): ReadFile {
  return (path) => {
    const f = files[path];
    if (f === undefined) return { error: 'no such file' };
    return { bytes: typeof f === 'string' ? enc.encode(f) : f };
  };
}

describe('loading policy files', () => {
  it('follows imports relative to the importing file, once per file, sorted by path', () => {
    const fs = memoryFs({
      'team/a.secpol': 'import "../base/common.secpol"\nimport "./b.secpol"\n',
      'team/b.secpol': 'import "../base/common.secpol"\n',
      'base/common.secpol': 'policy base { applies to pods rule r { forbid spec.hostPID = true } }\n',
    });
    const r = loadPolicyFiles([{ path: 'team/a.secpol', files: ['team/a.secpol'], root: '.' }], fs);
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.map((f) => f.span.file.path)).toEqual(['base/common.secpol', 'team/a.secpol', 'team/b.secpol']);
  });

  it('SP0006: reports an import cycle at the import that closes it', () => {
    const fs = memoryFs({ 'a.secpol': 'import "b.secpol"\n', 'b.secpol': 'import "a.secpol"\npolicy p { applies to pods rule r { forbid spec.hostPID = true } }\n' });
    const r = loadPolicyFiles(['a.secpol'], fs);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['SP0006', 'import cycle: a.secpol -> b.secpol -> a.secpol']]);
    expect(compact(r.diagnostics[0]!)).toMatchObject({ at: '1:8' });
  });

  it('SP0004: an unreadable argument or import', () => {
    const r = loadPolicyFiles(['missing.secpol', 'a.secpol'], memoryFs({ 'a.secpol': 'import "gone.secpol"\n' }));
    expect(r.diagnostics.map((d) => [d.code, d.path ?? d.span?.file.path])).toEqual([
      ['SP0004', 'a.secpol'],
      ['SP0004', 'missing.secpol'],
    ]);
  });

  it('SP0005: invalid UTF-8', () => {
    const r = loadPolicyFiles(['bad.secpol'], memoryFs({ 'bad.secpol': new Uint8Array([0x70, 0xff, 0xfe, 0x0a]) }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SP0005']);
  });

  it('SP0007: a file over the size limit is refused before parsing', () => {
    const r = loadPolicyFiles(['huge.secpol'], memoryFs({ 'huge.secpol': new Uint8Array(maxPolicyFileBytes + 1) }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SP0007']);
  });

  it('gives the same files whatever the argument order', () => {
    const fs = memoryFs({ 'x.secpol': '', 'y.secpol': '' });
    const a = loadPolicyFiles(['x.secpol', 'y.secpol'], fs).value?.map((f) => f.span.file.path);
    const b = loadPolicyFiles(['y.secpol', 'x.secpol'], fs).value?.map((f) => f.span.file.path);
    expect(a).toEqual(b);
  });
});
