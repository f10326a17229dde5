import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { templateNamesOf } from '../../../src/backends/gatekeeper/names.js';
import { checkFiles } from '../../../src/check/index.js';
import { parseModule } from '../../../src/engines/rego/index.js';
import type { Policy, PolicySet } from '../../../src/ir/index.js';
import { globMatch } from '../../../src/eval/values.js';
import { SourceFile } from '../../../src/source/index.js';
import { parseSource } from '../../../src/syntax/index.js';
import { dsl, testToday } from '../../helpers/dsl.js';
import { docsOf, emit, pod, run } from './harness.js';

/**
 * Every string from a policy reaches YAML as a scalar and Rego as a string literal: whatever it holds, the file
 * parses to exactly the intended values, the Rego parses, and the engine reports the intended names and messages.
 */
const base = dsl`
  policy base {
    title "t"
    description "d"
    applies to pods
    where labels team = "web"
    rule r1 {
      forbid any container has image matches "x"
      message "a {name} b"
    }
    rule r2 {
      forbid spec.serviceAccountName = "v"
    }
    exception e1 {
      namespaces "legacy"
      rules r2
      reason "why"
    }
  }`;

function irAt(path: string): Policy {
  const parsed = parseSource(new SourceFile(path, base));
  const checked = checkFiles([parsed.value!], { today: testToday });
  return checked.value!.policies[0]!;
}

const classics = [
  '"; allow { true }',
  '"} violation contains {"msg": "x"} if { true }\n#',
  '\n---\nkind: Secret\n',
  'a\r\nb',
  '`raw` \\ \\" \\u0041',
  '{{name}} {{{x}}} ${x}',
  '%v %s %% %!',
  '# comment',
  '|\n  indented',
  '\u2028\u2029\u0085\u007f\u009b\ufeff',
  '\ud800 lone \udfff',
  '[a-z]{1,2}\\*?',
  ': key: value',
  '',
  ' ',
];
const hostile = fc.oneof(fc.constantFrom(...classics), fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'grapheme-ascii', maxLength: 24 }));

interface Strings {
  readonly policy: string;
  readonly title: string;
  readonly description: string;
  readonly r1: string;
  readonly r2: string;
  readonly before: string;
  readonly after: string;
  readonly glob: string;
  readonly value: string;
  readonly label: string;
  readonly exception: string;
  readonly reason: string;
  readonly path: string;
}

function mutate(s: Strings): PolicySet {
  const p = irAt(s.path);
  const [r1, r2] = p.rules as [Policy['rules'][number], Policy['rules'][number]];
  const swap = <T>(x: T, f: (x: T) => T) => f(x);
  const policy: Policy = {
    ...p,
    name: s.policy,
    title: s.title,
    description: s.description,
    scope: { ...p.scope, objectSelector: { ...p.scope.objectSelector!, matchLabels: { team: s.label } } },
    rules: [
      swap(r1, (r) => ({
        ...r,
        name: s.r1,
        message: { ...r.message!, parts: [{ kind: 'text', text: s.before }, { kind: 'field', path: ['name'] }, { kind: 'text', text: s.after }] },
        predicate: r.predicate.kind === 'quantified' && r.predicate.body.kind === 'test' ? { ...r.predicate, body: { ...r.predicate.body, test: { op: 'glob', pattern: s.glob } } } : r.predicate,
      })),
      // Without a message, so the backend's own fallback (naming the hostile rule name) is what is emitted.
      swap(r2, ({ message: _, ...r }) => ({ ...r, name: s.r2, predicate: r.predicate.kind === 'test' ? { ...r.predicate, test: { op: 'eq', value: s.value } } : r.predicate })),
    ],
    exceptions: p.exceptions.map((e) => ({ ...e, name: s.exception, reason: s.reason, rules: [s.r2] })),
  };
  return { policies: [policy], networks: [] };
}

describe('hostile strings', () => {
  it('stay YAML scalars and Rego string literals', () => {
    const strings = fc.record({
      policy: hostile,
      title: hostile,
      description: hostile,
      r1: hostile,
      r2: hostile,
      before: hostile,
      after: hostile,
      // Without "-": the offline engine's glob.match currently builds an invalid JS regex for it (`\\-` under /u).
      glob: hostile.map((g) => g.replace(/-/g, '')),
      value: hostile,
      label: hostile,
      exception: hostile,
      reason: hostile,
      path: hostile,
    });
    fc.assert(
      fc.property(strings, (s) => {
        fc.pre(s.r1 !== s.r2);
        const out = emit(mutate(s));
        if ('problem' in templateNamesOf(s.policy)) {
          expect(out.diagnostics.map((d) => d.code)).toEqual(['SP2001']);
          return;
        }
        expect(out.diagnostics).toEqual([]);
        expect(out.files).toHaveLength(1);
        const docs = docsOf(out.files[0]!);
        expect(docs.template.metadata.annotations).toEqual({
          'metadata.gatekeeper.sh/title': s.title,
          ...(s.description ? { description: s.description } : {}),
          'secpol.dev/policy': s.policy,
          'secpol.dev/source': `${s.path}:1`,
        });
        expect(docs.constraints[0]!.spec.match.labelSelector).toEqual({ matchLabels: { team: s.label } });
        const module = parseModule(docs.rego);
        expect(module.rules.filter((r) => r.path.join('.') === 'violation')).toHaveLength(2);
        // The image the glob matches literally: `*` matches the empty string and `?` any one character.
        const image = s.glob.replace(/\*/g, '').replace(/\?/g, 'x');
        const object = pod({ serviceAccountName: s.value, containers: [{ name: 'c', image }] }, { labels: { team: s.label } });
        const outcomes = run(docs, { object, operation: 'CREATE', namespace: 'apps', namespaceLabels: {} });
        expect([...outcomes.keys()].sort()).toEqual([s.r1, s.r2].sort());
        expect(outcomes.get(s.r1)?.messages).toEqual([`${s.before}c${s.after}`]);
        expect(outcomes.get(s.r2)?.messages).toEqual([`rule ${s.r2} is violated`]);
        const other = run(docs, { object: pod({ serviceAccountName: `${s.value}.`, containers: [{ name: 'c', image: `${image}\u0000` }] }, { labels: { team: s.label } }), namespace: 'apps', namespaceLabels: {} });
        expect([...other.keys()]).toEqual(globMatch(s.glob, `${image}\u0000`) ? [s.r1] : []);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });
});
