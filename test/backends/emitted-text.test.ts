import { Ajv, type ValidateFunction } from 'ajv';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { targetJson } from '../../src/backends/common/targets.js';
import { kyvernoBackend } from '../../src/backends/kyverno/index.js';
import { vapBackend } from '../../src/backends/vap/index.js';
import { readPolicyFile } from '../../src/cli/io.js';
import { frontEnd } from '../../src/compile.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * The Kyverno and VAP backends validate the objects they render instead of parsing their own (large) output back
 * (see their emit.ts). Checked here on every library policy: the text reads back, as YAML 1.1 (like Kubernetes)
 * and as YAML 1.2 alike, to schema-valid objects of exactly the kinds and names the file declares. Schemas are
 * compiled here with Ajv from targets/, independently of the generated validators the backends use.
 */
function libraryPolicies(dir = join(projectRoot, 'policies')): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? libraryPolicies(join(dir, e.name)) : e.name === 'policy.secpol' ? [relative(projectRoot, join(dir, e.name))] : []))
    .sort();
}

const ajv = new Ajv({ allErrors: true, strict: false });
const schemas: Record<string, ValidateFunction> = {
  ClusterPolicy: ajv.compile(targetJson<object>('kyverno', 'clusterpolicy.schema.json')),
  PolicyException: ajv.compile(targetJson<object>('kyverno', 'policyexception.schema.json')),
  ValidatingAdmissionPolicy: ajv.compile(targetJson<object>('vap', 'validatingadmissionpolicy.schema.json')),
  ValidatingAdmissionPolicyBinding: ajv.compile(targetJson<object>('vap', 'validatingadmissionpolicybinding.schema.json')),
};

type Doc = { apiVersion: string; kind: string; metadata: { name: string } };

describe.each([
  ['kyverno', kyvernoBackend],
  ['vap', vapBackend],
] as const)('%s: the emitted text is the validated objects', (_, backend) => {
  for (const path of libraryPolicies()) {
    it(path, () => {
      const front = frontEnd([path], (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' });
      const out = backend.emit(front.value!.set, {});
      for (const file of out.value ?? []) {
        const read = (version: '1.1' | '1.2') =>
          YAML.parseAllDocuments(file.content, { version })
            .map((d) => {
              expect(d.errors).toEqual([]);
              return d.toJSON() as Doc | null;
            })
            .filter((d): d is Doc => d !== null);
        const docs = read('1.1');
        expect(read('1.2')).toEqual(docs);
        expect(docs.map((d) => ({ apiVersion: d.apiVersion, kind: d.kind, name: d.metadata.name }))).toEqual(file.objects);
        for (const d of docs) expect(schemas[d.kind]!(d), JSON.stringify(schemas[d.kind]!.errors)).toBe(true);
      }
    });
  }
});
