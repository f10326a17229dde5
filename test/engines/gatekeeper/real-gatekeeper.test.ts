/**
 * What a REAL gator (Gatekeeper v3.19.3, OPA v1.5.1) reported for secpol's own emitted ConstraintTemplates on
 * every library sample (shared/corpora/real-gatekeeper, 4,250 (template, object) pairs; see its README). The
 * offline engine must reproduce every report exactly: the number of violations and their messages.
 *
 * The templates there are frozen copies of an older secpol output: they test the ENGINE (review shape of
 * gator's audit-style review, Rego semantics), not today's backend. gator reviews each object the way
 * Gatekeeper's audit does (operation ""), with every object of the batch synced (Namespaces for
 * namespaceSelector).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { evaluateConstraint, isGatekeeperError, loadTemplate, type Template } from '../../../src/engines/gatekeeper/index.js';
import { corpusPath, hasCorpus } from '../../helpers/corpora.js';

interface RealCase {
  readonly template: string;
  readonly constraint: string;
  readonly objectFile: string;
  readonly kind: string;
  readonly name: string;
  readonly sample: string;
  readonly real_violations: readonly string[];
}

const docs = (path: string): Record<string, unknown>[] =>
  parseAllDocuments(readFileSync(corpusPath('real-gatekeeper', path), 'utf8'))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null && d !== undefined);

describe.skipIf(!hasCorpus('real-gatekeeper'))('real gator verdicts on secpol templates (shared/corpora/real-gatekeeper)', () => {
  it('reproduces every report: violation count and messages', () => {
    const cases = readFileSync(corpusPath('real-gatekeeper', 'cases.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as RealCase);
    const templates = new Map<string, Template>();
    const batches = new Map<string, Record<string, unknown>[]>();
    const constraints = new Map<string, unknown>();
    const disagreements: string[] = [];
    for (const c of cases) {
      let template = templates.get(c.template);
      if (!template) {
        const loaded = loadTemplate(docs(c.template)[0]);
        if (isGatekeeperError(loaded)) throw new Error(`${c.template} does not load: ${loaded.message}`);
        template = loaded;
        templates.set(c.template, template);
      }
      const constraint = constraints.get(c.constraint) ?? docs(c.constraint)[0];
      constraints.set(c.constraint, constraint);
      const objects = batches.get(c.objectFile) ?? docs(c.objectFile);
      batches.set(c.objectFile, objects);
      const object = objects.find((o) => o['kind'] === c.kind && (o['metadata'] as { name?: unknown } | undefined)?.name === c.name);
      if (!object) throw new Error(`${c.objectFile} has no ${c.kind} ${c.name}`);
      const result = evaluateConstraint({ template, constraint, object, inventory: objects });
      const got = result.error ? [`error: ${result.error.message}`] : result.violations.map((v) => v.msg).sort();
      const want = [...c.real_violations].sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`${c.template} on ${c.kind} ${c.name} (${c.sample}): gator ${JSON.stringify(want)}, engine ${JSON.stringify(got)}`);
    }
    expect(cases.length).toBeGreaterThanOrEqual(4250);
    expect(disagreements.slice(0, 10), `${disagreements.length} of ${cases.length} cases disagree`).toEqual([]);
  });
});
