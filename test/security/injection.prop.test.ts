import fc from 'fast-check';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { targetIds } from '../../src/backends/registry.js';
import { compileTo } from '../../src/compile.js';
import { parseModule } from '../../src/engines/rego/index.js';
import { printFile } from '../../src/syntax/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource } from '../../src/syntax/index.js';
import { irOf } from '../helpers/dsl.js';

/**
 * Issue 3/7: text from a policy file can never inject code into Rego or structure into YAML. Hostile strings go
 * into every free-text position (title, description, category, message, exception reason, omission reason, glob,
 * regex-free string constants) of a policy compiled to every target; every emitted file must parse, contain only
 * the expected object kinds, carry the strings back exactly, and its Rego must parse with the strings as literals.
 */
const hostileAtoms = ['"', "'", '\\', '\n', '\r\n', '\t', '#', '{', '}', '{{', '}}', '${', '$(', '`', '"; allow { true }', 'violation[{"msg": m}] { true }', '&a', '*a', '!!python/object', '|', '>', '%', '@', ':', '- ', '---', '...', 'package x', 'import data', '\u2028', '\u0085', '☃', '\u{1F600}', 'null', 'true', '0x1F'];
const hostile = fc.array(fc.oneof(fc.constantFrom(...hostileAtoms), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')).filter((x) => x.trim() !== '');

function policyText(s: Record<'title' | 'description' | 'category' | 'message' | 'reason' | 'omit' | 'value', string>): string {
  const q = (x: string) => JSON.stringify(x);
  return [
    'policy hostile {',
    `  title ${q(s.title)}`,
    `  description ${q(s.description)}`,
    `  category ${q(s.category)}`,
    '  applies to pods',
    '  in namespaces "apps"',
    '  rule r {',
    `    forbid any container has image matches ${q(s.value)} or metadata.annotations["note"] = ${q(s.value)}`,
    `    message ${q(s.message)}`,
    '  }',
    '  rule s {',
    '    forbid spec.hostPID = true',
    `    omit from psa because ${q(s.omit)}`,
    '  }',
    '  exception e {',
    '    namespaces "legacy"',
    '    rules s',
    `    reason ${q(s.reason)}`,
    '  }',
    `  omit from psa because ${q(s.omit)}`,
    '}',
    '',
  ].join('\n');
}

const allowedKinds = new Set(['ClusterPolicy', 'PolicyException', 'ConstraintTemplate', 'SecpolHostile', 'Namespace', 'NetworkPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingPolicy']);

function collectStrings(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => collectStrings(x, out));
}

describe('hostile policy text stays data in every backend', () => {
  it('YAML parses to the intended values and Rego keeps them as literals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ title: hostile, description: hostile, category: hostile, message: hostile.map((m) => m.replace(/[{}]/g, '')), reason: hostile, omit: hostile, value: hostile }), async (s) => {
        const text = policyText(s);
        const set = irOf(text);
        const out = await compileTo(set, [...targetIds]);
        expect(out.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
        const strings = new Set<string>();
        for (const file of out.value ?? []) {
          const docs = YAML.parseAllDocuments(file.content, { version: '1.2' });
          for (const d of docs) {
            expect(d.errors.map((e) => e.message), file.path).toEqual([]);
            const value = d.toJS() as { kind?: string; spec?: { targets?: { rego?: string }[] } } | null;
            if (value === null) continue;
            expect(allowedKinds.has(value.kind ?? ''), `${file.path}: unexpected kind ${value.kind}`).toBe(true);
            collectStrings(value, strings);
            for (const target of value.spec?.targets ?? []) {
              if (target.rego === undefined) continue;
              const module = parseModule(target.rego, file.path);
              // The module is secpol's own: its package, and only rule names secpol chose (identifiers, never user text).
              expect(module.packagePath.join('.')).toBe('secpolhostile');
              for (const rule of module.rules) expect(JSON.stringify((rule as { name?: unknown }).name ?? '')).not.toContain('allow');
            }
          }
        }
        // The strings come back exactly, as values (title and description as annotations).
        expect(strings.has(s.title), 'title round-trips').toBe(true);
        expect(strings.has(s.description), 'description round-trips').toBe(true);
        // Formatting the policy keeps every string intact (print/parse of the hostile text).
        expect(printFile(irAst(text))).toBe(printFile(irAst(printFile(irAst(text)))));
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});

function irAst(text: string) {
  const r = parseSource(new SourceFile('hostile.secpol', text));
  if (!r.value) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}
