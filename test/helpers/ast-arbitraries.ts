import fc from 'fast-check';
import { SourceFile, type Span } from '../../src/source/index.js';
import type * as A from '../../src/syntax/ast.js';

/**
 * fast-check arbitraries of syntax trees in canonical form (what the parser produces: flattened
 * and/or of two or more operands, bracketed path segments only where needed), with a dummy span.
 */
const span: Span = { file: new SourceFile('generated.secpol', ''), start: 0, end: 0 };
const reserved = new Set(['not', 'any', 'every', 'no', 'effective']);

const ident = fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,8}[a-zA-Z0-9_]$/);
const name: fc.Arbitrary<A.NameAst> = ident.map((text) => ({ span, text }));
const str: fc.Arbitrary<A.StringAst> = fc.string({ unit: 'binary', maxLength: 12 }).map((value) => ({ span, value }));

const value: fc.Arbitrary<A.ValueAst> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }).map((v) => ({ kind: 'string' as const, span, value: v })),
  fc.oneof(fc.integer({ min: -5000, max: 100000 }).map(String), fc.tuple(fc.nat(999), fc.nat(99)).map(([a, b]) => `${a}.${b}`)).map((text) => ({ kind: 'number' as const, span, text })),
  fc.tuple(fc.nat(4096), fc.constantFrom('Ki', 'Mi', 'Gi', 'm', 'k', 'M', 'G')).map(([n, s]) => ({ kind: 'quantity' as const, span, text: `${n}${s}` })),
  fc.boolean().map((v) => ({ kind: 'boolean' as const, span, value: v })),
);

const segment = (first: boolean): fc.Arbitrary<A.PathSegmentAst> =>
  first
    ? ident.filter((s) => !reserved.has(s)).map((n) => ({ span, name: n, bracketed: false }))
    : fc.oneof(
        ident.map((n) => ({ span, name: n, bracketed: false })),
        fc.stringMatching(/^[a-z0-9.\/-]{1,12}$/).filter((s) => !/^[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(s)).map((n) => ({ span, name: n, bracketed: true })),
      );

const path: fc.Arbitrary<A.PathAst> = fc.tuple(segment(true), fc.array(segment(false), { maxLength: 3 })).map(([h, t]) => ({ span, segments: [h, ...t] }));

/** `"v1" A, B, "apps/v1" C`: kind lists of `is unique among` and `… in the cluster`. */
const kindGroups = fc
  .array(fc.tuple(str, fc.array(name, { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 2 })
  .map((groups) => groups.map(([apiVersion, kinds]) => ({ kind: 'kinds' as const, span, apiVersion, kinds })));

/** `[FACTOR *] PATH [+|- OFFSET]`; a one-segment path `true`/`false` would read back as a boolean. */
const numberText = fc.oneof(fc.integer({ min: -50, max: 5000 }).map(String), fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `${a}.${b}`));
const relative: fc.Arbitrary<A.RelativeAst> = fc
  .record({ factor: fc.option(numberText, { nil: undefined }), path: path.filter((p) => p.segments.length > 1 || !['true', 'false'].includes(p.segments[0]!.name)), offset: fc.option(numberText, { nil: undefined }) })
  .map(({ factor, path: p, offset }) => ({
    span,
    ...(factor === undefined ? {} : { factor: { kind: 'number' as const, span, text: factor } }),
    path: p,
    ...(offset === undefined ? {} : { offset: { kind: 'number' as const, span, text: offset } }),
  }));

const test: fc.Arbitrary<A.TestAst> = fc.oneof(
  fc.tuple(fc.constantFrom<A.CompareOp>('=', '!=', '<', '<=', '>', '>='), value).map(([op, v]) => ({ kind: 'compare' as const, span, op, value: v })),
  fc.tuple(fc.constantFrom<A.ListOp>('in', 'not in', 'contains only', 'contains none of', 'contains any of'), fc.array(value, { maxLength: 3 })).map(([op, values]) => ({ kind: 'list' as const, span, op, values })),
  fc.tuple(fc.boolean(), fc.boolean(), str).map(([negated, regex, pattern]) => ({ kind: 'match' as const, span, negated, regex, pattern })),
  fc.constantFrom<A.StateOp>('exists', 'is absent', 'is not absent', 'is empty', 'is not empty').map((op) => ({ kind: 'state' as const, span, op })),
  value.map((v) => ({ kind: 'contains' as const, span, value: v })),
  kindGroups.map((among) => ({ kind: 'unique' as const, span, among })),
  fc.constant({ kind: 'unchanged' as const, span }),
  fc.tuple(fc.constantFrom<A.CompareOp>('=', '!=', '<', '<=', '>', '>='), relative).map(([op, operand]) => ({ kind: 'relative' as const, span, op, operand })),
);

const comparison: fc.Arbitrary<A.ComparisonAst> = fc.tuple(fc.boolean(), path, test).map(([effective, p, t]) => ({ kind: 'comparison' as const, span, effective, path: p, test: t }));

const domain: fc.Arbitrary<A.DomainAst> = fc.oneof(
  fc.constantFrom<'all' | 'app' | 'init' | 'ephemeral'>('all', 'app', 'init', 'ephemeral').map((which) => ({ kind: 'container' as const, span, which })),
  fc.constantFrom<'volume' | 'port' | 'env' | 'rbac-rule' | 'subject'>('volume', 'port', 'env', 'rbac-rule', 'subject').map((kind) => ({ kind, span })),
  path.map((p) => ({ kind: 'item' as const, span, path: p })),
  fc.tuple(fc.constantFrom('role', 'secret', 'owner-ref', 'storage class'), path).map(([target, p]) => ({ kind: 'reference' as const, span, target: { span, text: target }, path: p })),
  kindGroups.map((among) => ({ kind: 'cluster' as const, span, among })),
);

export const predicate: fc.Arbitrary<A.PredicateAst> = fc.letrec<{ p: A.PredicateAst }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc.array(tie('p'), { minLength: 2, maxLength: 3 }).map((operands) => ({ kind: 'or' as const, span, operands })),
    fc.array(tie('p'), { minLength: 2, maxLength: 3 }).map((operands) => ({ kind: 'and' as const, span, operands })),
    tie('p').map((operand) => ({ kind: 'not' as const, span, operand })),
    fc.tuple(fc.constantFrom<A.Quantifier>('any', 'every', 'no'), domain, tie('p')).map(([quantifier, d, body]) => ({ kind: 'quantified' as const, span, quantifier, domain: d, body })),
  ),
})).p;

const labelTest: fc.Arbitrary<A.LabelTestAst> = fc.oneof(
  fc.tuple(str, fc.constantFrom<'=' | '!='>('=', '!='), str).map(([key, op, v]) => ({ span, key, op, values: [{ kind: 'string' as const, span, value: v.value }] })),
  fc.tuple(str, fc.constantFrom<'in' | 'not in'>('in', 'not in'), fc.array(value, { maxLength: 3 })).map(([key, op, values]) => ({ span, key, op, values })),
  fc.tuple(str, fc.constantFrom<'exists' | 'is absent'>('exists', 'is absent')).map(([key, op]) => ({ span, key, op, values: [] })),
);

const kindTarget: fc.Arbitrary<A.KindTargetAst> = fc.oneof(
  fc.constant({ kind: 'pods' as const, span }),
  fc.tuple(str, fc.array(name, { minLength: 1, maxLength: 2 })).map(([apiVersion, kinds]) => ({ kind: 'kinds' as const, span, apiVersion, kinds })),
);

const omit: fc.Arbitrary<A.OmitAst> = fc.tuple(fc.array(name, { minLength: 1, maxLength: 2 }), str).map(([backends, reason]) => ({ kind: 'omit' as const, span, backends, reason }));

const ruleItem: fc.Arbitrary<A.RuleItemAst> = fc.oneof(
  fc.tuple(fc.constantFrom<'require' | 'forbid' | 'when'>('require', 'forbid', 'when'), predicate).map(([verb, p]) => ({ kind: 'assertion' as const, span, verb, predicate: p })),
  fc.tuple(fc.constantFrom<'title' | 'description' | 'message'>('title', 'description', 'message'), str).map(([key, v]) => ({ kind: 'text-setting' as const, span, key, value: v })),
  kindTarget.map((target) => ({ kind: 'applies' as const, span, target })),
  omit,
);

const date = fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

const exceptionItem: fc.Arbitrary<A.ExceptionItemAst> = fc.oneof(
  fc.tuple(fc.constantFrom<'namespaces' | 'images'>('namespaces', 'images'), fc.array(str, { minLength: 1, maxLength: 2 })).map(([kind, values]) => ({ kind, span, values })),
  fc.array(fc.tuple(name, str), { minLength: 1, maxLength: 2 }).map((ws) => ({ kind: 'workloads' as const, span, workloads: ws.map(([k, ref]) => ({ span, workloadKind: k, ref })) })),
  fc.tuple(fc.constantFrom<'controls' | 'rules'>('controls', 'rules'), fc.array(name, { minLength: 1, maxLength: 2 })).map(([kind, names]) => ({ kind, span, names })),
  str.map((v) => ({ kind: 'reason' as const, span, value: v })),
  date.map((text) => ({ kind: 'expires' as const, span, date: { span, text } })),
);

const verifyItem: fc.Arbitrary<A.VerifyItemAst> = fc.oneof(
  str.map((key) => ({ kind: 'key' as const, span, key })),
  fc.tuple(str, str).map(([issuer, subject]) => ({ kind: 'keyless' as const, span, issuer, subject })),
  fc.tuple(str, fc.array(comparison, { maxLength: 2 })).map(([type, conditions]) => ({ kind: 'attestation' as const, span, type, conditions })),
  fc.constantFrom('mutate-digest' as const, 'require-digest' as const).map((kind) => ({ kind, span })),
);

const policyItem: fc.Arbitrary<A.PolicyItemAst> = fc.oneof(
  fc.tuple(fc.constantFrom<'title' | 'description' | 'category'>('title', 'description', 'category'), str).map(([key, v]) => ({ kind: 'text-setting' as const, span, key, value: v })),
  fc.tuple(fc.constantFrom<'severity' | 'mode'>('severity', 'mode'), name).map(([key, v]) => ({ kind: 'word-setting' as const, span, key, value: v })),
  kindTarget.map((target) => ({ kind: 'applies' as const, span, target })),
  fc.tuple(fc.boolean(), fc.array(str, { minLength: 1, maxLength: 3 })).map(([include, names]) => ({ kind: 'namespaces' as const, span, include, names })),
  fc.tuple(fc.boolean(), fc.array(labelTest, { minLength: 1, maxLength: 3 })).map(([ofNamespace, tests]) => ({ kind: 'labels' as const, span, ofNamespace, tests })),
  fc.array(name, { minLength: 1, maxLength: 3 }).map((operations) => ({ kind: 'operations' as const, span, operations })),
  omit,
  fc.tuple(name, fc.array(ruleItem, { maxLength: 4 })).map(([n, items]) => ({ kind: 'rule' as const, span, name: n, items })),
  fc.tuple(fc.constantFrom('enforce', 'audit', 'warn'), name, fc.option(fc.oneof(fc.constant('latest'), fc.nat(40).map((n) => `v1.${n}`)), { nil: undefined })).map(([mode, level, version]) => {
    const base = { kind: 'pod-security' as const, span, mode: { span, text: mode }, level };
    return version ? { ...base, version: { span, text: version } } : base;
  }),
  fc.tuple(name, fc.array(exceptionItem, { maxLength: 4 })).map(([n, items]) => ({ kind: 'exception' as const, span, name: n, items })),
  fc.tuple(name, fc.array(str, { minLength: 1, maxLength: 2 }), fc.array(verifyItem, { maxLength: 4 })).map(([n, images, items]) => ({ kind: 'verify-images' as const, span, name: n, images, items })),
);

const portSpec: fc.Arbitrary<A.PortSpecAst> = fc.tuple(
  name,
  fc.oneof(
    fc.nat(65535).map((n) => ({ kind: 'number' as const, span, text: String(n) })),
    fc.tuple(fc.nat(9999), fc.nat(9999)).map(([a, b]) => ({ kind: 'range' as const, span, text: `${a}-${b}` })),
    str.map((s) => ({ kind: 'named' as const, span, name: s.value })),
  ),
).map(([protocol, port]) => ({ span, protocol, port }));

const labelTests = fc.array(labelTest, { minLength: 1, maxLength: 2 });
const peer: fc.Arbitrary<A.PeerAst> = fc.oneof(
  name.map((n) => ({ kind: 'workload' as const, span, name: n })),
  fc.tuple(fc.array(labelTest, { maxLength: 2 }), fc.option(fc.oneof(str.map((namespace) => ({ kind: 'named' as const, span, namespace })), labelTests.map((labels) => ({ kind: 'selected' as const, span, labels }))), { nil: undefined })).map(([labels, namespace]) =>
    namespace ? { kind: 'pods' as const, span, labels, namespace } : { kind: 'pods' as const, span, labels },
  ),
  str.map((namespace) => ({ kind: 'namespace' as const, span, namespace })),
  labelTests.map((labels) => ({ kind: 'namespaces' as const, span, labels })),
  fc.tuple(str, fc.array(str, { maxLength: 2 })).map(([cidr, except]) => ({ kind: 'cidr' as const, span, cidr, except })),
);

const networkItem: fc.Arbitrary<A.NetworkItemAst> = fc.oneof(
  fc.tuple(fc.constantFrom<'title' | 'description'>('title', 'description'), str).map(([key, v]) => ({ kind: 'text-setting' as const, span, key, value: v })),
  str.map((namespace) => ({ kind: 'default-namespace' as const, span, namespace })),
  fc.tuple(name, str, labelTests, fc.array(fc.tuple(name, portSpec), { maxLength: 2 })).map(([n, namespace, labels, ports]) => ({ kind: 'workload' as const, span, name: n, namespace, labels, ports: ports.map(([pn, port]) => ({ span, name: pn, port })) })),
  fc.tuple(fc.array(fc.constantFrom('ingress', 'egress'), { minLength: 1, maxLength: 2 }), fc.array(str, { minLength: 1, maxLength: 2 })).map(([dirs, namespaces]) => ({ kind: 'default-deny' as const, span, directions: dirs.map((text) => ({ span, text })), namespaces })),
  fc.array(str, { minLength: 1, maxLength: 2 }).map((namespaces) => ({ kind: 'allow-dns' as const, span, namespaces })),
  fc.tuple(peer, peer, fc.array(portSpec, { maxLength: 2 })).map(([from, to, ports]) => ({ kind: 'allow' as const, span, from, to, ports })),
  fc.tuple(labelTests, fc.array(str, { maxLength: 2 }), fc.option(str, { nil: undefined })).map(([labels, namespaces, forensics]) => ({ kind: 'quarantine' as const, span, labels, namespaces, ...(forensics !== undefined ? { forensics } : {}) })),
);

const defaultsKinds = new Set(['text-setting', 'word-setting', 'applies', 'namespaces', 'labels', 'operations', 'pod-security', 'omit']);
const defaultsItem: fc.Arbitrary<A.DefaultsItemAst> = fc.oneof(
  policyItem.filter((i): i is Extract<A.PolicyItemAst, A.DefaultsItemAst> => defaultsKinds.has(i.kind)),
  fc.array(fc.constantFrom('ingress', 'egress'), { minLength: 1, maxLength: 2 }).map((dirs) => ({ kind: 'default-deny' as const, span, directions: dirs.map((text) => ({ span, text })), namespaces: [] })),
  fc.constant({ kind: 'allow-dns' as const, span, namespaces: [] }),
);

export const fileAst: fc.Arbitrary<A.FileAst> = fc
  .tuple(
    fc.array(str.map((p) => ({ kind: 'import' as const, span, path: p })), { maxLength: 2 }),
    fc.array(
      fc.oneof(
        fc.tuple(name, fc.array(policyItem, { maxLength: 5 })).map(([n, items]) => ({ kind: 'policy' as const, span, name: n, items })),
        fc.tuple(name, fc.array(networkItem, { maxLength: 5 })).map(([n, items]) => ({ kind: 'network' as const, span, name: n, items })),
        fc.tuple(name, fc.array(defaultsItem, { maxLength: 5 })).map(([n, items]) => ({ kind: 'defaults' as const, span, name: n, items })),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([imports, decls]) => ({ kind: 'file' as const, span, imports, decls, comments: [] }));

/** Structural form without spans, comments or bracket flags (the printer decides bracketing). */
export function withoutSpans(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'span' || k === 'comments' || k === 'bracketed' ? undefined : v)));
}
