import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../../src/cli/io.js';
import { frontEnd } from '../../../src/compile.js';
import { loadVapDocuments } from '../../../src/engines/vap/index.js';
import { projectRoot } from '../../helpers/corpora.js';
import { testToday } from '../../helpers/dsl.js';
import { emitVap } from './adapter.js';

/**
 * Every ValidatingAdmissionPolicy the library compiles to passes the engine's type check, which rejects what the
 * Kubernetes CEL environment rejects when the policy is written (issue 23: mixed-type literals such as
 * `[null_type, bool, …]` made every expression of the workload policies fail to compile in the API server).
 */
function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

const library = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();

describe('the library compiles to VAP expressions the Kubernetes CEL environment accepts', () => {
  it.each(library)('%s', (path) => {
    const front = frontEnd([path], (p) => readPolicyFile(join(projectRoot, p)), { today: testToday });
    expect(front.value).toBeDefined();
    // What vap cannot express the library omits from it (`omit from vap`: policies that read other objects, defaults
    // blocks): the backend writes a comments-only file for those, and any SP2001 left fails here.
    const files = emitVap(front.value!.set);
    const docs = files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown).filter((d) => d !== null));
    const loaded = loadVapDocuments(docs);
    expect(loaded.errors).toEqual([]);
    const expressions = loaded.policies.flatMap((p) => [...p.variables, ...p.matchConditions, ...p.validations]).length;
    if (files.some((f) => f.objects.length > 0)) expect(expressions).toBeGreaterThan(0);
  });
});
