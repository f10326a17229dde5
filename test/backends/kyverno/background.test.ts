/**
 * Kyverno's background scan (the analogue of Gatekeeper's audit review, issue 14): the report controller evaluates
 * existing objects with operation CREATE and no admission information (kyverno pkg/controllers/report/utils/
 * scanner.go validateResource → pkg/engine/policycontext NewPolicyContext), so `request.userInfo`, `request.name`,
 * `request.kind` and `request.oldObject` are unknown keys there. secpol's Kyverno output sets `background: true`
 * and must report in a scan exactly what it decides for a CREATE: it reads none of those keys (and
 * `request."oldObject"` only through a multi-select that absorbs the missing key), and its `match.operations`
 * include CREATE.
 */
import { readdirSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../../src/cli/io.js';
import { compileTo, frontEnd } from '../../../src/compile.js';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import type { ReadFile } from '../../../src/load.js';
import { loadSuite } from '../../../src/suite/index.js';
import { projectRoot } from '../../helpers/corpora.js';

const read: ReadFile = (p) => readPolicyFile(join(projectRoot, p));

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? policyFiles(p) : e.name === 'policy.secpol' ? [p] : [];
  });
}

const library = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p).split('\\').join('/'));

describe('library policies in a Kyverno background scan', () => {
  for (const policyPath of library) {
    it(`${policyPath}: every suite sample gets the statuses of a CREATE`, async () => {
      const front = frontEnd([policyPath], read, { today: '2026-11-23' });
      const emitted = (await compileTo(front.value!.set, ['kyverno'])).value ?? [];
      const documents = emitted.filter((f) => f.path.startsWith('kyverno/')).flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown));
      const loaded = loadKyvernoDocuments(documents.filter((d) => d !== null));
      const suite = loadSuite(posix.join(posix.dirname(policyPath), 'suite.yaml'), read).value;
      let compared = 0;
      for (const c of suite?.admission ?? []) {
        if (c.operation !== 'CREATE') continue;
        const statuses = (background: boolean) =>
          evaluateResource(loaded.policies, c.object, { exceptions: loaded.exceptions, namespaceLabels: c.namespaceLabels, ...(background ? { background } : { operation: 'CREATE' as const }) }).map(
            (r) => `${r.rule}=${r.status}`,
          );
        expect(statuses(true), c.name).toEqual(statuses(false));
        compared++;
      }
      if (loaded.policies.length > 0 && (suite?.admission.length ?? 0) > 0) expect(compared).toBeGreaterThan(0);
    });
  }
});
