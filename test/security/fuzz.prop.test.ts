import { mkdtempSync, cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { rawDiagnosticsOf } from '../helpers/dsl.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * Issue 7: random bytes, truncated and mutated valid files and deep nesting through the parser and the checker:
 * every input ends in a value or diagnostics with a position, never an exception, within bounded time.
 */
const valid = readFileSync(join(projectRoot, 'policies', 'workload', 'capabilities', 'policy.secpol'), 'utf8') + readFileSync(join(projectRoot, 'policies', 'network', 'three-tier', 'policy.secpol'), 'utf8');

const mutated = fc
  .array(fc.tuple(fc.nat(valid.length), fc.nat(12), fc.string({ unit: 'binary', maxLength: 8 })), { minLength: 1, maxLength: 4 })
  .map((edits) => edits.reduce((text, [at, del, ins]) => text.slice(0, at % (text.length + 1)) + ins + text.slice((at % (text.length + 1)) + del), valid));
const truncated = fc.nat(valid.length).map((n) => valid.slice(0, n));
const nested = fc.nat(3000).map((depth) => `policy p {\n  applies to pods\n  rule r {\n    require ${'('.repeat(depth)}spec.hostPID = true${')'.repeat(depth)}\n  }\n}\n`);

describe('fuzzing the front end', () => {
  it('10,000 random, truncated and mutated inputs end in diagnostics with positions, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), mutated, truncated), (text) => {
        const diagnostics = rawDiagnosticsOf(text);
        for (const d of diagnostics) expect(d.span ?? d.path).toBeDefined();
      }),
      { seed: 10_000, numRuns: 10_000 },
    );
  });

  it('deep nesting is a diagnostic or a value, not a stack overflow', () => {
    fc.assert(
      fc.property(nested, (text) => {
        const diagnostics = rawDiagnosticsOf(text);
        if (text.split('(').length - 1 > 64) expect(diagnostics.map((d) => d.code)).toEqual(['SP0007']);
      }),
      { seed: 3, numRuns: 20 },
    );
  });
});

describe('determinism', () => {
  it('compiling the same files from different working copies gives byte-identical output', async () => {
    const outputs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), `secpol-det-${i}-`));
      cpSync(join(projectRoot, 'policies'), join(dir, 'policies'), { recursive: true });
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const files = i === 0 ? ['policies/workload', 'policies/network'] : ['policies/network', 'policies/workload'];
        const r = await runCli('compile', ...files, '--target', 'kyverno,gatekeeper,netpol', '--today', '2026-11-23');
        expect(r.code, r.stderr).toBe(0);
        outputs.push(r.stdout);
      } finally {
        process.chdir(cwd);
      }
    }
    expect(outputs[0]).toBe(outputs[1]);
    expect(outputs[0]?.length).toBeGreaterThan(1000);
  });
});

describe('garbage input', () => {
  it('stops after 100 syntax errors with SP0007, instead of reporting (and spending time on) every one', () => {
    const diagnostics = rawDiagnosticsOf('policy p { ! }\n'.repeat(5000));
    expect(diagnostics.length).toBe(101);
    expect(diagnostics[100]?.code).toBe('SP0007');
  });

  it('deep braces are capped like parentheses', () => {
    expect(rawDiagnosticsOf(`policy p ${'{'.repeat(5000)}`).map((d) => d.code)).toContain('SP0007');
  });
});
