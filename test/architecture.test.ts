import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/corpora.js';

/**
 * The stage boundaries of STYLE.md §1, checked on every relative import (the same job as eslint
 * import/no-restricted-paths, without the dependency). An engine that could read the IR could not disagree with it.
 */
const src = join(projectRoot, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(projectRoot, resolve(dirname(file), s)).replace(/\.js$/, ''));
}

function area(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'grammar') return 'grammar';
  if (parts[1] === 'engines') return `engines/${parts[2]}`;
  if (parts[1] === 'backends') return parts.length > 3 ? `backends/${parts[2]}` : 'backends';
  return parts[1]?.replace(/\.ts$/, '') ?? '';
}

/** For each area, the areas it may import besides itself (prefix match). */
const allowed: Record<string, readonly string[]> = {
  source: [],
  diagnostics: ['source'],
  ir: ['source'],
  grammar: [],
  syntax: ['grammar', 'source', 'diagnostics'],
  check: ['syntax', 'ir', 'source', 'diagnostics'],
  eval: ['ir'],
  backends: ['ir', 'diagnostics', 'source'],
  'backends/common': ['ir', 'diagnostics', 'source'],
  engines: [],
};

describe('architecture', () => {
  const all = files(src);

  it('engines import nothing of the compiler, and no other engine (Gatekeeper runs on the Rego engine, as it runs on OPA; Kyverno ValidatingPolicy on the VAP engine, as it extends ValidatingAdmissionPolicy)', () => {
    for (const f of all.filter((x) => area(relative(projectRoot, x)).startsWith('engines/'))) {
      const own = area(relative(projectRoot, f));
      for (const imp of importsOf(f)) {
        const target = area(imp);
        const ok = target === own || (own === 'engines/gatekeeper' && target === 'engines/rego') || (own === 'engines/kyverno-cel' && imp === 'src/engines/vap/index');
        expect(ok, `${relative(projectRoot, f)} imports ${imp}`).toBe(true);
      }
    }
  });

  it('backends depend on the IR only (and their shared helpers), never on each other (but kyverno-cel on the VAP barrel: the same CEL), the syntax or the engines', () => {
    // The registry is the one place that names every backend (it loads them on demand).
    for (const f of all.filter((x) => area(relative(projectRoot, x)).startsWith('backends') && !x.endsWith('registry.ts'))) {
      const own = area(relative(projectRoot, f));
      for (const imp of importsOf(f)) {
        const target = area(imp);
        const ok = target === own || target === 'backends' || target === 'backends/common' || allowed['backends']!.includes(target) || (own === 'backends/kyverno-cel' && imp === 'src/backends/vap/index');
        expect(ok, `${relative(projectRoot, f)} imports ${imp}`).toBe(true);
      }
    }
  });

  it('the lower stages import only the stages below them', () => {
    for (const f of all) {
      const own = area(relative(projectRoot, f));
      const rule = allowed[own];
      if (!rule || own.startsWith('backends') || own.startsWith('engines')) continue;
      for (const imp of importsOf(f)) {
        const target = area(imp);
        expect(target === own || rule.includes(target), `${relative(projectRoot, f)} (${own}) imports ${imp} (${target})`).toBe(true);
      }
    }
  });
});
