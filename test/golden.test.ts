import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetIds } from '../src/backends/registry.js';
import { compileTo, frontEnd } from '../src/compile.js';
import { renderDiagnostic } from '../src/diagnostics/index.js';
import { readPolicyFile } from '../src/cli/io.js';
import { projectRoot } from './helpers/corpora.js';

/**
 * Golden files (R10): every policy in policies/ compiled to every target, under test/golden/<target>/.
 * A target that cannot express a policy has a `.diagnostics.txt` golden instead, so what each backend
 * rejects is reviewed like its output. CI runs without -u: a changed output fails until the golden is updated.
 */
const today = '2026-11-23';
const goldenRoot = join(projectRoot, 'test', 'golden');

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return policyFiles(p);
    return e.name.endsWith('.secpol') ? [p] : [];
  });
}

function goldenName(policyPath: string): string {
  return relative(join(projectRoot, 'policies'), policyPath).replace(/\/policy\.secpol$/, '').replace(/\.secpol$/, '').replace(/\//g, '--');
}

function allGoldens(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? allGoldens(p) : [p];
    });
  } catch {
    return [];
  }
}

const policies = policyFiles(join(projectRoot, 'policies')).sort();
const produced = new Set<string>();

describe.each(policies.map((p) => [relative(projectRoot, p), p] as const))('golden %s', (_, path) => {
  const front = frontEnd([relative(projectRoot, path)], (p) => readPolicyFile(join(projectRoot, p)), { today });

  it('checks without errors', () => {
    expect(front.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic)).toEqual([]);
  });

  for (const target of targetIds) {
    it(`compiles to ${target} as its golden file`, async () => {
      if (!front.value) return;
      const out = await compileTo(front.value.set, [target]);
      const name = goldenName(path);
      if (out.value && out.value.length === 0) return; // nothing of this kind in the file (e.g. no network blocks)
      if (out.value) {
        const text = out.value.map((f) => `# ${f.path}\n${f.content}`).join('---\n');
        const golden = join(goldenRoot, target, `${name}.yaml`);
        produced.add(golden);
        await expect(text).toMatchFileSnapshot(golden);
      } else {
        const golden = join(goldenRoot, target, `${name}.diagnostics.txt`);
        produced.add(golden);
        await expect(`${out.diagnostics.map(renderDiagnostic).join('\n\n')}\n`).toMatchFileSnapshot(golden);
      }
    });
  }
});

describe('golden files', () => {
  it('has no orphans (every file under test/golden is produced by a policy and target)', () => {
    const orphans = allGoldens(goldenRoot).filter((f) => !produced.has(f));
    expect(orphans.map((f) => relative(projectRoot, f))).toEqual([]);
  });

  it('is byte-identical when compiled twice', async () => {
    for (const path of policies.slice(0, 5)) {
      const front = frontEnd([relative(projectRoot, path)], (p) => readPolicyFile(join(projectRoot, p)), { today });
      if (!front.value) continue;
      const a = await compileTo(front.value.set, [...targetIds]);
      const b = await compileTo(front.value.set, [...targetIds]);
      expect(JSON.stringify(a.value)).toBe(JSON.stringify(b.value));
    }
  });
});

export { readFileSync };
