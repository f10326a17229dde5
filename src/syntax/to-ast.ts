import type { CstNode, IToken } from 'chevrotain';
import type * as C from '../../grammar/cst.generated.js';
import { joinSpans, spanOf, type SourceFile, type Span } from '../source/index.js';
import type * as A from './ast.js';

/**
 * Turns the concrete syntax tree into the AST. Runs only on a CST without syntax errors, so every
 * mandatory child is present; `first()` still guards, turning a broken assumption into an exception.
 */
export function toAst(file: SourceFile, cst: C.FileCstNode, comments: readonly IToken[]): A.FileAst {
  const b = new AstBuilder(file);
  const c = cst.children;
  const decls: (A.PolicyAst | A.NetworkAst | A.DefaultsAst)[] = [
    ...(c.policyDecl ?? []).map((p) => b.policy(p)),
    ...(c.networkDecl ?? []).map((n) => b.network(n)),
    ...(c.defaultsDecl ?? []).map((d) => b.defaults(d)),
  ].sort((x, y) => x.span.start - y.span.start);
  return {
    kind: 'file',
    span: spanOf(file, 0, file.text.length),
    imports: (c.importDecl ?? []).map((i) => ({ kind: 'import', span: b.nodeSpan(i), path: b.string(first(i.children.StringLiteral)) })),
    decls,
    comments: comments.map((t) => ({ span: b.tokenSpan(t), text: t.image })),
  };
}

function first<T>(items: readonly T[] | undefined): T {
  const item = items?.[0];
  if (item === undefined) throw new Error('invariant: the parser guarantees this child');
  return item;
}

/** Decodes a string literal with JSON's escapes (\" \\ \/ \b \f \n \r \t \uXXXX); the lexer stage rejected others. */
export function decodeString(image: string): string {
  return JSON.parse(image) as string;
}

class AstBuilder {
  constructor(private readonly file: SourceFile) {}

  tokenSpan(t: IToken): Span {
    return spanOf(this.file, t.startOffset, (t.endOffset ?? t.startOffset) + 1);
  }

  nodeSpan(n: CstNode): Span {
    const loc = n.location;
    return spanOf(this.file, loc?.startOffset ?? 0, (loc?.endOffset ?? loc?.startOffset ?? 0) + 1);
  }

  string(t: IToken): A.StringAst {
    return { span: this.tokenSpan(t), value: decodeString(t.image) };
  }

  tokenName(t: IToken): A.NameAst {
    return { span: this.tokenSpan(t), text: t.image };
  }

  name(n: C.NameCstNode): A.NameAst {
    return this.tokenName(first(n.children.Word));
  }

  policy(n: C.PolicyDeclCstNode): A.PolicyAst {
    const items = (n.children.policyItem ?? []).map((i) => this.policyItem(i));
    return { kind: 'policy', span: this.nodeSpan(n), name: this.name(first(n.children.name)), items };
  }

  policyItem(n: C.PolicyItemCstNode): A.PolicyItemAst {
    const c = n.children;
    if (c.metaItem) return this.metaItem(first(c.metaItem));
    if (c.scopeItem) return this.scopeItem(first(c.scopeItem));
    if (c.omitItem) return this.omit(first(c.omitItem));
    if (c.ruleDecl) return this.rule(first(c.ruleDecl));
    if (c.podSecurityDecl) return this.podSecurity(first(c.podSecurityDecl));
    if (c.verifyImagesDecl) return this.verifyImages(first(c.verifyImagesDecl));
    return this.exception(first(c.exceptionDecl));
  }

  verifyImages(n: C.VerifyImagesDeclCstNode): A.VerifyImagesAst {
    const c = n.children;
    const items = (c.verifyItem ?? []).map((i) => this.verifyItem(i));
    return { kind: 'verify-images', span: this.nodeSpan(n), name: this.name(first(c.name)), images: this.stringList(first(c.stringList)), items };
  }

  verifyItem(n: C.VerifyItemCstNode): A.VerifyItemAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    const strings = (c.StringLiteral ?? []).map((t) => this.string(t));
    if (c.KwKey) return { kind: 'key', span, key: first(strings) };
    if (c.KwKeyless) return { kind: 'keyless', span, issuer: first(strings), subject: first(strings.slice(1)) };
    if (c.KwAttestation) return { kind: 'attestation', span, type: first(strings), conditions: (c.comparison ?? []).map((x) => this.comparison(x)) };
    return { kind: c.KwMutate ? 'mutate-digest' : 'require-digest', span };
  }

  metaItem(n: C.MetaItemCstNode): A.TextSettingAst | A.WordSettingAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.StringLiteral) {
      const key = c.KwTitle ? 'title' : c.KwDescription ? 'description' : 'category';
      return { kind: 'text-setting', span, key, value: this.string(first(c.StringLiteral)) };
    }
    return { kind: 'word-setting', span, key: c.KwSeverity ? 'severity' : 'mode', value: this.name(first(c.name)) };
  }

  scopeItem(n: C.ScopeItemCstNode): A.AppliesAst | A.NamespacesAst | A.LabelsAst | A.OperationsAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.kindTarget) return { kind: 'applies', span, target: this.kindTarget(first(c.kindTarget)) };
    if (c.stringList) return { kind: 'namespaces', span, include: c.KwIn !== undefined, names: this.stringList(first(c.stringList)) };
    if (c.labelTests) return { kind: 'labels', span, ofNamespace: c.KwNamespace !== undefined, tests: this.labelTests(first(c.labelTests)) };
    return { kind: 'operations', span, operations: (c.name ?? []).map((x) => this.name(x)) };
  }

  kindTarget(n: C.KindTargetCstNode): A.KindTargetAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.KwPods) return { kind: 'pods', span };
    return { kind: 'kinds', span, apiVersion: this.string(first(c.StringLiteral)), kinds: (c.name ?? []).map((x) => this.name(x)) };
  }

  omit(n: C.OmitItemCstNode): A.OmitAst {
    const c = n.children;
    return { kind: 'omit', span: this.nodeSpan(n), backends: (c.name ?? []).map((x) => this.name(x)), reason: this.string(first(c.StringLiteral)) };
  }

  stringList(n: C.StringListCstNode): A.StringAst[] {
    return (n.children.StringLiteral ?? []).map((t) => this.string(t));
  }

  labelTests(n: C.LabelTestsCstNode): A.LabelTestAst[] {
    return (n.children.labelTest ?? []).map((t) => this.labelTest(t));
  }

  labelTest(n: C.LabelTestCstNode): A.LabelTestAst {
    const c = n.children;
    const strings = c.StringLiteral ?? [];
    // The key is the first token: either a quoted string or a bare word.
    const keyToken = c.Word ? first(c.Word) : first(strings);
    const key: A.StringAst = c.Word ? { span: this.tokenSpan(keyToken), value: keyToken.image } : this.string(keyToken);
    const span = this.nodeSpan(n);
    if (c.Equals || c.NotEquals) {
      const valueToken = c.Word ? first(strings) : strings[1];
      if (!valueToken) throw new Error('invariant: label value present');
      const v = this.string(valueToken);
      return { span, key, op: c.Equals ? '=' : '!=', values: [{ kind: 'string', span: v.span, value: v.value }] };
    }
    if (c.KwIn) return { span, key, op: c.KwNot ? 'not in' : 'in', values: this.valueList(first(c.valueList)) };
    return { span, key, op: c.KwExists ? 'exists' : 'is absent', values: [] };
  }

  rule(n: C.RuleDeclCstNode): A.RuleAst {
    const items = (n.children.ruleItem ?? []).map((i) => this.ruleItem(i));
    return { kind: 'rule', span: this.nodeSpan(n), name: this.name(first(n.children.name)), items };
  }

  ruleItem(n: C.RuleItemCstNode): A.RuleItemAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.predicate) {
      const verb = c.KwRequire ? 'require' : c.KwForbid ? 'forbid' : 'when';
      return { kind: 'assertion', span, verb, predicate: this.predicate(first(c.predicate)) };
    }
    if (c.StringLiteral) {
      const key = c.KwTitle ? 'title' : c.KwDescription ? 'description' : 'message';
      return { kind: 'text-setting', span, key, value: this.string(first(c.StringLiteral)) };
    }
    if (c.kindTarget) return { kind: 'applies', span, target: this.kindTarget(first(c.kindTarget)) };
    return this.omit(first(c.omitItem));
  }

  predicate(n: C.PredicateCstNode): A.PredicateAst {
    const operands = (n.children.conjunction ?? []).map((x) => this.conjunction(x));
    return operands.length === 1 ? first(operands) : { kind: 'or', span: this.nodeSpan(n), operands };
  }

  conjunction(n: C.ConjunctionCstNode): A.PredicateAst {
    const operands = (n.children.negation ?? []).map((x) => this.negation(x));
    return operands.length === 1 ? first(operands) : { kind: 'and', span: this.nodeSpan(n), operands };
  }

  negation(n: C.NegationCstNode): A.PredicateAst {
    const c = n.children;
    if (c.negation) return { kind: 'not', span: this.nodeSpan(n), operand: this.negation(first(c.negation)) };
    return this.primary(first(c.primary));
  }

  primary(n: C.PrimaryCstNode): A.PredicateAst {
    const c = n.children;
    if (c.predicate) return this.predicate(first(c.predicate));
    if (c.quantified) return this.quantified(first(c.quantified));
    return this.comparison(first(c.comparison));
  }

  quantified(n: C.QuantifiedCstNode): A.QuantifiedAst {
    const c = n.children;
    const quantifier = c.KwAny ? 'any' : c.KwEvery ? 'every' : 'no';
    return { kind: 'quantified', span: this.nodeSpan(n), quantifier, domain: this.domain(first(c.domain)), body: this.primary(first(c.primary)) };
  }

  domain(n: C.DomainCstNode): A.DomainAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.KwContainer) {
      const which = c.KwApp ? 'app' : c.KwInit ? 'init' : c.KwEphemeral ? 'ephemeral' : 'all';
      return { kind: 'container', span, which };
    }
    if (c.KwVolume) return { kind: 'volume', span };
    if (c.KwPort) return { kind: 'port', span };
    if (c.KwEnv) return { kind: 'env', span };
    if (c.KwRbac) return { kind: 'rbac-rule', span };
    if (c.KwSubject) return { kind: 'subject', span };
    if (c.reference) return this.reference(first(c.reference), span);
    if (c.kindList) return { kind: 'cluster', span, among: this.kindList(first(c.kindList)) };
    return { kind: 'item', span, path: this.path(first(c.path)) };
  }

  reference(n: C.ReferenceCstNode, span: Span): A.DomainAst {
    const c = n.children;
    // One or two words (`role`, `storage class`), read as one name.
    const words = c.Identifier;
    const head = words[0]!;
    const last = words[words.length - 1]!;
    const target = { span: joinSpans(this.tokenSpan(head), this.tokenSpan(last)), text: words.map((w) => w.image).join(' ') };
    return { kind: 'reference', span, target, path: this.path(first(c.path)) };
  }

  comparison(n: C.ComparisonCstNode): A.ComparisonAst {
    const c = n.children;
    return { kind: 'comparison', span: this.nodeSpan(n), effective: c.KwEffective !== undefined, path: this.path(first(c.path)), test: this.test(first(c.test)) };
  }

  test(n: C.TestCstNode): A.TestAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    const compare: [IToken[] | undefined, A.CompareOp][] = [
      [c.Equals, '='], [c.NotEquals, '!='], [c.LessEquals, '<='], [c.GreaterEquals, '>='], [c.Less, '<'], [c.Greater, '>'],
    ];
    for (const [tokens, op] of compare) {
      if (!tokens) continue;
      const operand = first(c.operand).children;
      return operand.relative ? { kind: 'relative', span, op, operand: this.relative(first(operand.relative)) } : { kind: 'compare', span, op, value: this.value(first(operand.value)) };
    }
    if (c.kindList) return { kind: 'unique', span, among: this.kindList(first(c.kindList)) };
    if (c.KwUnchanged) return { kind: 'unchanged', span };
    if (c.KwIn) return { kind: 'list', span, op: c.KwNot ? 'not in' : 'in', values: this.valueList(first(c.valueList)) };
    if (c.KwMatches) return { kind: 'match', span, negated: c.KwNot !== undefined, regex: c.KwRegex !== undefined, pattern: this.string(first(c.StringLiteral)) };
    if (c.KwExists) return { kind: 'state', span, op: 'exists' };
    if (c.KwIs) {
      const negated = c.KwNot !== undefined;
      const op = c.KwAbsent ? (negated ? 'is not absent' : 'is absent') : negated ? 'is not empty' : 'is empty';
      return { kind: 'state', span, op };
    }
    if (c.KwOnly) return { kind: 'list', span, op: 'contains only', values: this.valueList(first(c.valueList)) };
    if (c.KwNone) return { kind: 'list', span, op: 'contains none of', values: this.valueList(first(c.valueList)) };
    if (c.KwAny) return { kind: 'list', span, op: 'contains any of', values: this.valueList(first(c.valueList)) };
    return { kind: 'contains', span, value: this.value(first(c.value)) };
  }

  relative(n: C.RelativeCstNode): A.RelativeAst {
    const c = n.children;
    const numbers = (c.NumberLiteral ?? []).map((t) => ({ t, span: this.tokenSpan(t) }));
    const factorToken = c.Star ? numbers[0] : undefined;
    const offsetToken = c.Plus || c.Minus ? numbers[numbers.length - 1] : undefined;
    const sign = c.Plus || c.Minus ? first((c.Plus ?? c.Minus)!) : undefined;
    return {
      span: this.nodeSpan(n),
      ...(factorToken ? { factor: { kind: 'number' as const, span: factorToken.span, text: factorToken.t.image } } : {}),
      path: this.path(first(c.path)),
      ...(offsetToken ? { offset: { kind: 'number' as const, span: sign ? joinSpans(this.tokenSpan(sign), offsetToken.span) : offsetToken.span, text: c.Minus ? negate(offsetToken.t.image) : offsetToken.t.image } } : {}),
    };
  }

  /** `"v1" A, B, "apps/v1" C`: each name belongs to the apiVersion written last before it (source order by offset). */
  kindList(n: C.KindListCstNode): Extract<A.KindTargetAst, { kind: 'kinds' }>[] {
    const c = n.children;
    const items = [
      ...c.StringLiteral.map((t) => ({ at: t.startOffset, version: this.string(t) })),
      ...c.name.map((x) => ({ at: this.nodeSpan(x).start, name: this.name(x) })),
    ].sort((a, b) => a.at - b.at);
    const out: { kind: 'kinds'; span: Span; apiVersion: A.StringAst; kinds: A.NameAst[] }[] = [];
    for (const item of items) {
      if ('version' in item) out.push({ kind: 'kinds', span: item.version.span, apiVersion: item.version, kinds: [] });
      else {
        const group = out[out.length - 1]!;
        group.kinds.push(item.name);
        group.span = joinSpans(group.span, item.name.span);
      }
    }
    return out;
  }

  path(n: C.PathCstNode): A.PathAst {
    const c = n.children;
    const segments: A.PathSegmentAst[] = [];
    const head = first(c.PathStart);
    segments.push({ span: this.tokenSpan(head), name: head.image, bracketed: false });
    // Dotted words and bracketed strings interleave; restore source order by offset.
    const rest: A.PathSegmentAst[] = [
      ...(c.Word ?? []).map((t) => ({ span: this.tokenSpan(t), name: t.image, bracketed: false })),
      ...(c.StringLiteral ?? []).map((t) => ({ span: this.tokenSpan(t), name: decodeString(t.image), bracketed: true })),
    ].sort((a, b) => a.span.start - b.span.start);
    segments.push(...rest);
    return { span: this.nodeSpan(n), segments };
  }

  value(n: C.ValueCstNode): A.ValueAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.StringLiteral) return { kind: 'string', span, value: decodeString(first(c.StringLiteral).image) };
    if (c.NumberLiteral) return { kind: 'number', span, text: first(c.NumberLiteral).image };
    if (c.QuantityLiteral) return { kind: 'quantity', span, text: first(c.QuantityLiteral).image };
    return { kind: 'boolean', span, value: c.KwTrue !== undefined };
  }

  valueList(n: C.ValueListCstNode): A.ValueAst[] {
    return (n.children.value ?? []).map((v) => this.value(v));
  }

  podSecurity(n: C.PodSecurityDeclCstNode): A.PodSecurityAst {
    const c = n.children;
    const versionToken = c.VersionLiteral?.[0] ?? c.KwLatest?.[0];
    const base = { kind: 'pod-security' as const, span: this.nodeSpan(n), mode: this.tokenName(first(c.Identifier)), level: this.name(first(c.name)) };
    return versionToken ? { ...base, version: this.tokenName(versionToken) } : base;
  }

  exception(n: C.ExceptionDeclCstNode): A.ExceptionAst {
    const items = (n.children.exceptionItem ?? []).map((i) => this.exceptionItem(i));
    return { kind: 'exception', span: this.nodeSpan(n), name: this.name(first(n.children.name)), items };
  }

  exceptionItem(n: C.ExceptionItemCstNode): A.ExceptionItemAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.stringList) return { kind: c.KwNamespaces ? 'namespaces' : 'images', span, values: this.stringList(first(c.stringList)) };
    if (c.workloadRef) {
      const workloads = c.workloadRef.map((w) => ({ span: this.nodeSpan(w), workloadKind: this.name(first(w.children.name)), ref: this.string(first(w.children.StringLiteral)) }));
      return { kind: 'workloads', span, workloads };
    }
    if (c.name) return { kind: c.KwControls ? 'controls' : 'rules', span, names: c.name.map((x) => this.name(x)) };
    if (c.KwReason) return { kind: 'reason', span, value: this.string(first(c.StringLiteral)) };
    return { kind: 'expires', span, date: this.tokenName(first(c.DateLiteral)) };
  }

  network(n: C.NetworkDeclCstNode): A.NetworkAst {
    const items = (n.children.networkItem ?? []).map((i) => this.networkItem(i));
    return { kind: 'network', span: this.nodeSpan(n), name: this.name(first(n.children.name)), items };
  }

  defaults(n: C.DefaultsDeclCstNode): A.DefaultsAst {
    const items = (n.children.defaultsItem ?? []).map((i) => this.defaultsItem(i));
    return { kind: 'defaults', span: this.nodeSpan(n), name: this.name(first(n.children.name)), items };
  }

  defaultsItem(n: C.DefaultsItemCstNode): A.DefaultsItemAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.metaItem) return this.metaItem(first(c.metaItem));
    if (c.scopeItem) return this.scopeItem(first(c.scopeItem));
    if (c.podSecurityDecl) return this.podSecurity(first(c.podSecurityDecl));
    if (c.omitItem) return this.omit(first(c.omitItem));
    if (c.KwDefault) return { kind: 'default-deny', span, directions: (c.direction ?? []).map((x) => this.tokenName(first(x.children.KwIngress ?? x.children.KwEgress))), namespaces: [] };
    return { kind: 'allow-dns', span, namespaces: [] };
  }

  networkItem(n: C.NetworkItemCstNode): A.NetworkItemAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.KwTitle || c.KwDescription) return { kind: 'text-setting', span, key: c.KwTitle ? 'title' : 'description', value: this.string(first(c.StringLiteral)) };
    if (c.KwNamespace) return { kind: 'default-namespace', span, namespace: this.string(first(c.StringLiteral)) };
    if (c.workloadDecl) return this.workloadDecl(first(c.workloadDecl));
    if (c.defaultDeny) {
      const d = first(c.defaultDeny).children;
      const directions = (d.direction ?? []).map((x) => this.tokenName(first(x.children.KwIngress ?? x.children.KwEgress)));
      return { kind: 'default-deny', span, directions, namespaces: this.stringList(first(d.stringList)) };
    }
    if (c.allowDns) return { kind: 'allow-dns', span, namespaces: this.stringList(first(first(c.allowDns).children.stringList)) };
    if (c.quarantine) {
      const q = first(c.quarantine).children;
      const namespaces = q.stringList ? this.stringList(first(q.stringList)) : [];
      const labels = this.labelTests(first(q.labelTests));
      return q.StringLiteral ? { kind: 'quarantine', span, labels, namespaces, forensics: this.string(first(q.StringLiteral)) } : { kind: 'quarantine', span, labels, namespaces };
    }
    const f = first(c.allowFlow).children;
    const peers = f.peer ?? [];
    return { kind: 'allow', span, from: this.peer(first(peers)), to: this.peer(first(peers.slice(1))), ports: (f.portSpec ?? []).map((p) => this.portSpec(p)) };
  }

  workloadDecl(n: C.WorkloadDeclCstNode): A.WorkloadDeclAst {
    const c = n.children;
    const ports = (c.namedPort ?? []).map((p) => ({ span: this.nodeSpan(p), name: this.name(first(p.children.name)), port: this.portSpec(first(p.children.portSpec)) }));
    return { kind: 'workload', span: this.nodeSpan(n), name: this.name(first(c.name)), namespace: this.string(first(c.StringLiteral)), labels: this.labelTests(first(c.labelTests)), ports };
  }

  portSpec(n: C.PortSpecCstNode): A.PortSpecAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    const protocol = this.name(first(c.name));
    if (c.NumberLiteral) {
      const t = first(c.NumberLiteral);
      return { span, protocol, port: { kind: 'number', span: this.tokenSpan(t), text: t.image } };
    }
    if (c.RangeLiteral) {
      const t = first(c.RangeLiteral);
      return { span, protocol, port: { kind: 'range', span: this.tokenSpan(t), text: t.image } };
    }
    const s = this.string(first(c.StringLiteral));
    return { span, protocol, port: { kind: 'named', span: s.span, name: s.value } };
  }

  peer(n: C.PeerCstNode): A.PeerAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.KwWorkload) return { kind: 'workload', span, name: this.name(first(c.name)) };
    if (c.KwPods) {
      const labels = c.labelTests ? this.labelTests(first(c.labelTests)) : [];
      const ns = c.peerNamespace?.[0];
      return ns ? { kind: 'pods', span, labels, namespace: this.peerNamespace(ns) } : { kind: 'pods', span, labels };
    }
    if (c.KwNamespace) return { kind: 'namespace', span, namespace: this.string(first(c.StringLiteral)) };
    if (c.KwNamespaces) return { kind: 'namespaces', span, labels: this.labelTests(first(c.labelTests)) };
    return { kind: 'cidr', span, cidr: this.string(first(c.StringLiteral)), except: c.stringList ? this.stringList(first(c.stringList)) : [] };
  }

  peerNamespace(n: C.PeerNamespaceCstNode): A.PeerNamespaceAst {
    const c = n.children;
    const span = this.nodeSpan(n);
    if (c.KwNamespace) return { kind: 'named', span, namespace: this.string(first(c.StringLiteral)) };
    return { kind: 'selected', span, labels: this.labelTests(first(c.labelTests)) };
  }
}

/** `- 2` is the offset -2, and `- -2` the offset 2. */
function negate(number: string): string {
  return number.startsWith('-') ? number.slice(1) : `-${number}`;
}
