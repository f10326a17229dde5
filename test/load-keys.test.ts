import { describe, expect, it } from 'vitest';
import { checkFiles } from '../src/check/index.js';
import { loadPolicyFiles, type ReadFile } from '../src/load.js';
import { compact, testToday } from './helpers/dsl.js';
import { KEY_A } from './helpers/images.js';

/** `key "keys/cosign.pub"`: key files are read by the load stage, confined like imports (issue 19 item 1). */
const enc = new TextEncoder();
function memoryFs(files: Record<string, string>, refused: readonly string[] = []): ReadFile {
  return (path) => {
    if (refused.includes(path)) return { error: 'its real path leaves the project root (a symbolic link)', refused: true };
    const f = files[path];
    return f === undefined ? { error: 'no such file' } : { bytes: enc.encode(f) };
  };
}
const policy = (key: string) => `policy p {\n  verify images v matching "ghcr.io/*" {\n    key ${JSON.stringify(key)}\n  }\n}\n`;

function load(key: string, files: Record<string, string> = {}, refused: readonly string[] = []) {
  const fs = memoryFs({ 'proj/team/p.secpol': policy(key), ...files }, refused);
  const loaded = loadPolicyFiles([{ path: 'proj/team/p.secpol', files: ['proj/team/p.secpol'], root: 'proj' }], fs);
  const checked = loaded.value ? checkFiles(loaded.value, { today: testToday }) : undefined;
  return { diagnostics: [...loaded.diagnostics, ...(checked?.diagnostics ?? [])].map(compact), set: checked?.value };
}

describe('key files of verify images', () => {
  it('reads a .pub file relative to the policy file, inside the root, and uses its PEM text', () => {
    const r = load('../keys/cosign.pub', { 'proj/keys/cosign.pub': KEY_A });
    expect(r.diagnostics).toEqual([]);
    expect(r.set?.policies[0]?.images?.[0]?.attestors).toEqual([{ kind: 'key', publicKey: KEY_A, span: expect.anything() }]);
  });

  it('refuses a path out of the root, an absolute path, a file that is not .pub/.pem, and a link leaving the root (SP0011 at the string)', () => {
    expect(load('../../outside.pub').diagnostics.map((d) => d.code)).toEqual(['SP0011', 'SP1004']);
    expect(load('/etc/cosign.pub').diagnostics.map((d) => d.code)).toEqual(['SP0011', 'SP1004']);
    expect(load('../.env', { 'proj/.env': 'SECRET=1' }).diagnostics.map((d) => d.code)).toEqual(['SP0011', 'SP1004']);
    expect(load('link.pub', {}, ['proj/team/link.pub']).diagnostics).toEqual([{ code: 'SP0011', at: '3:9' }, { code: 'SP1004', at: '3:9' }]);
  });

  it('a missing file is SP0004; a file that is not a PEM public key is SP1004, both at the string', () => {
    expect(load('missing.pub').diagnostics).toEqual([{ code: 'SP0004', at: '3:9' }, { code: 'SP1004', at: '3:9' }]);
    expect(load('bad.pem', { 'proj/team/bad.pem': 'not a key' }).diagnostics).toEqual([{ code: 'SP1004', at: '3:9' }]);
  });
});
