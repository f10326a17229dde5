/**
 * Runs every case of the Gatekeeper library corpus (shared/corpora/gatekeeper/manifest.jsonl, checked
 * upstream by `gator verify` with the real OPA) through the offline engine and compares with the
 * suite assertions (gator's semantics: "yes" = at least one, "no" = none, n = exactly n, counting only
 * violations whose msg matches `message` when given).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { evaluateConstraint, isGatekeeperError, loadTemplate, type Template } from '../../../src/engines/gatekeeper/index.js';
import { corpusPath, hasCorpus } from '../../helpers/corpora.js';

interface Assertion {
  readonly violations: 'yes' | 'no' | number;
  readonly message: string | null;
}

interface Case {
  readonly suite: string;
  readonly test: string;
  readonly case: string;
  readonly template: string;
  readonly constraint: string;
  readonly object: string;
  readonly operation: string | null;
  readonly inventory: readonly string[];
  readonly assertions: readonly Assertion[];
  readonly skip: boolean;
}

/**
 * Cases the engine is known not to reproduce, each with the reason. Empty: all 130 cases agree.
 * A case listed here must still run; the test fails if a listed case starts agreeing (stale entry).
 */
const KNOWN_GAPS: ReadonlyMap<string, string> = new Map<string, string>([]);

const id = (c: Case) => `${c.suite.split('/')[3]}/${c.test}/${c.case}`;

function loadCases(): Case[] {
  return readFileSync(corpusPath('gatekeeper', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Case);
}

/**
 * YAML 1.2 core schema (the `yaml` default), so `yes`/`no` stay strings. httpsonly/template.yaml has a
 * double-quoted description whose continuation line is under-indented: Go's YAML reader accepts it, the
 * `yaml` package reports it and recovers the rest of the document, which is what we use.
 */
function readDocs(path: string): unknown[] {
  return parseAllDocuments(readFileSync(corpusPath(path), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null && d !== undefined);
}

function readDoc(path: string): unknown {
  const docs = readDocs(path);
  if (docs.length !== 1) throw new Error(`${path}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

const templates = new Map<string, Template>();

function template(path: string): Template {
  let t = templates.get(path);
  if (!t) {
    const loaded = loadTemplate(readDoc(path));
    if (isGatekeeperError(loaded)) throw new Error(`${path}: ${loaded.message}`);
    t = loaded;
    templates.set(path, t);
  }
  return t;
}

function check(c: Case): string | undefined {
  const objects = readDocs(c.object);
  if (objects.length !== 1) return `object file defines ${objects.length} objects`;
  const inventory = c.inventory.flatMap(readDocs);
  const result = evaluateConstraint({
    template: template(c.template),
    constraint: readDoc(c.constraint),
    object: objects[0],
    inventory,
  });
  if (result.error) return `error: ${result.error.message}`;
  const msgs = result.violations.map((v) => v.msg);
  for (const a of c.assertions) {
    const re = a.message === null ? undefined : new RegExp(a.message, 'u');
    const n = msgs.filter((m) => !re || re.test(m)).length;
    const ok = a.violations === 'yes' ? n > 0 : a.violations === 'no' ? n === 0 : n === a.violations;
    if (!ok) return `assertion ${JSON.stringify(a)} failed: ${n} matching of ${JSON.stringify(msgs)}`;
  }
  return undefined;
}

describe.skipIf(!hasCorpus('gatekeeper'))('gatekeeper library corpus', () => {
  const cases = hasCorpus('gatekeeper') ? loadCases() : [];
  let agreed = 0;
  let ran = 0;

  afterAll(() => {
    console.log(`gatekeeper corpus: ${agreed}/${ran} cases agree with gator (${cases.length} in manifest, ${KNOWN_GAPS.size} known gaps)`);
  });

  it('has the 130 cases the README announces', () => {
    expect(cases.length).toBe(130);
  });

  for (const c of cases) {
    it.skipIf(c.skip)(id(c), () => {
      ran++;
      const failure = check(c);
      if (failure === undefined) agreed++;
      const gap = KNOWN_GAPS.get(id(c));
      if (gap !== undefined) {
        expect(failure, `known gap no longer fails (remove it): ${gap}`).toBeDefined();
        return;
      }
      expect(failure).toBeUndefined();
    });
  }
});
