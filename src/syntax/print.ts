import type * as A from './ast.js';

/**
 * The canonical layout: two-space indents, one item per line, single spaces between tokens, one blank line
 * between top-level blocks, and at most one blank line where the source had some. Comments are put back by
 * position: before the item they precede, or at the end of the line they ended. print(parse(x)) is stable.
 */
export function printFile(file: A.FileAst): string {
  const p = new Printer(file);
  return p.print();
}

const bareWord = /^[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;
const reservedInPaths = new Set(['not', 'any', 'every', 'no', 'effective']);

export function quote(s: string): string {
  return JSON.stringify(s);
}

class Printer {
  private readonly out: string[] = [];
  private readonly comments: A.CommentAst[];
  private next = 0;

  constructor(private readonly file: A.FileAst) {
    this.comments = [...file.comments].sort((a, b) => a.span.start - b.span.start);
  }

  print(): string {
    const f = this.file;
    f.imports.forEach((imp, i) => this.item(imp, 0, `import ${quote(imp.path.value)}`, i > 0 && this.blankBefore(imp, f.imports[i - 1])));
    f.decls.forEach((d, i) => {
      const blank = i > 0 || f.imports.length > 0;
      if (d.kind === 'policy') this.block(d, 0, `policy ${d.name.text}`, d.items, (item, depth, b) => this.policyItem(item, depth, b), blank);
      else if (d.kind === 'defaults') this.block(d, 0, `defaults ${d.name.text}`, d.items, (item, depth, b) => this.item(item, depth, defaultsItemText(item), b), blank);
      else this.block(d, 0, `network ${d.name.text}`, d.items, (item, depth, b) => this.networkItem(item, depth, b), blank);
    });
    this.flushComments(Number.POSITIVE_INFINITY, 0);
    while (this.out.length && this.out[this.out.length - 1] === '') this.out.pop();
    return `${this.out.join('\n')}\n`;
  }

  private line(depth: number, text: string): void {
    this.out.push(`${'  '.repeat(depth)}${text}`);
  }

  private blankLine(): void {
    if (this.out.length && this.out[this.out.length - 1] !== '') this.out.push('');
  }

  /** Comments that start before `offset` are printed first, on their own lines. */
  private flushComments(offset: number, depth: number): void {
    while (this.next < this.comments.length && (this.comments[this.next]?.span.start ?? Infinity) < offset) {
      const c = this.comments[this.next++]!;
      if (this.hasSourceText() && this.next > 1) {
        const prev = this.comments[this.next - 2]!;
        if (/\n[ \t\r]*\n/.test(c.span.file.text.slice(prev.span.end, c.span.start)) && this.lastIsComment()) this.blankLine();
      }
      this.line(depth, c.text.trimEnd());
    }
  }

  private lastIsComment(): boolean {
    return /^\s*#/.test(this.out[this.out.length - 1] ?? '');
  }

  /** A comment on the same source line as the end of `node` is kept at the end of its printed line. */
  private trailingComment(node: A.Located): string {
    const c = this.comments[this.next];
    if (!c || !this.hasSourceText()) return '';
    const file = node.span.file;
    if (c.span.start < node.span.end) return '';
    if (file.lineColumn(c.span.start).line !== file.lineColumn(Math.max(node.span.start, node.span.end - 1)).line) return '';
    this.next++;
    return `  ${c.text.trimEnd()}`;
  }

  private hasSourceText(): boolean {
    return this.file.span.file.text.length > 0;
  }

  private blankBefore(node: A.Located, prev: A.Located | undefined): boolean {
    if (!prev || !this.hasSourceText()) return false;
    const between = node.span.file.text.slice(prev.span.end, node.span.start);
    const firstComment = this.comments.find((c) => c.span.start >= prev.span.end && c.span.start < node.span.start);
    const gap = firstComment ? node.span.file.text.slice(prev.span.end, firstComment.span.start) : between;
    return /\n[ \t\r]*\n/.test(gap);
  }

  private item(node: A.Located, depth: number, text: string, blank: boolean): void {
    if (blank) this.blankLine();
    this.flushComments(node.span.start, depth);
    this.line(depth, text + this.trailingComment(node));
  }

  private block<T extends A.Located>(node: A.Located, depth: number, header: string, items: readonly T[], print: (item: T, depth: number, blank: boolean) => void, blank: boolean): void {
    if (blank) this.blankLine();
    this.flushComments(node.span.start, depth);
    this.line(depth, `${header} {`);
    items.forEach((item, i) => {
      const prev = items[i - 1];
      const isBlock = (x: A.Located | undefined) => x !== undefined && ['rule', 'exception', 'verify-images'].includes((x as { kind?: string }).kind ?? '');
      const sep = i > 0 && (this.blankBefore(item, prev) || isBlock(item) || isBlock(prev));
      print(item, depth + 1, sep);
    });
    this.flushComments(node.span.end - 1, depth + 1);
    this.line(depth, '}');
  }

  private policyItem(item: A.PolicyItemAst, depth: number, blank = false): void {
    switch (item.kind) {
      case 'rule':
        return this.block(item, depth, `rule ${item.name.text}`, item.items, (x, d, b) => this.ruleItem(x, d, b), blank);
      case 'exception':
        return this.block(item, depth, `exception ${item.name.text}`, item.items, (x, d, b) => this.item(x, d, exceptionItemText(x), b), blank);
      case 'verify-images':
        return this.block(item, depth, `verify images ${item.name.text} matching ${item.images.map((v) => quote(v.value)).join(', ')}`, item.items, (x, d, b) => this.item(x, d, verifyItemText(x), b), blank);
      default:
        return this.item(item, depth, policyItemText(item), blank);
    }
  }

  private ruleItem(item: A.RuleItemAst, depth: number, blank: boolean): void {
    this.item(item, depth, ruleItemText(item), blank);
  }

  private networkItem(item: A.NetworkItemAst, depth: number, blank = false): void {
    this.item(item, depth, networkItemText(item), blank);
  }
}

function policyItemText(item: Exclude<A.PolicyItemAst, A.RuleAst | A.ExceptionAst | A.VerifyImagesAst>): string {
  switch (item.kind) {
    case 'text-setting':
      return `${item.key} ${quote(item.value.value)}`;
    case 'word-setting':
      return `${item.key} ${item.value.text}`;
    case 'applies':
      return `applies to ${kindTargetText(item.target)}`;
    case 'namespaces':
      return `${item.include ? 'in' : 'except'} namespaces ${item.names.map((n) => quote(n.value)).join(', ')}`;
    case 'labels':
      return `where ${item.ofNamespace ? 'namespace ' : ''}labels ${labelTestsText(item.tests)}`;
    case 'operations':
      return `on ${item.operations.map((o) => o.text).join(', ')}`;
    case 'omit':
      return omitText(item);
    case 'pod-security':
      return `${item.mode.text} pod-security ${item.level.text}${item.version ? ` version ${item.version.text}` : ''}`;
  }
}

function defaultsItemText(item: A.DefaultsItemAst): string {
  switch (item.kind) {
    case 'default-deny':
      return `default deny ${item.directions.map((d) => d.text).join(' and ')}`;
    case 'allow-dns':
      return 'allow dns';
    default:
      return policyItemText(item);
  }
}

function omitText(o: A.OmitAst): string {
  return `omit from ${o.backends.map((b) => b.text).join(', ')} because ${quote(o.reason.value)}`;
}

function kindTargetText(t: A.KindTargetAst): string {
  return t.kind === 'pods' ? 'pods' : `${quote(t.apiVersion.value)} ${t.kinds.map((k) => k.text).join(', ')}`;
}

export function labelTestsText(tests: readonly A.LabelTestAst[]): string {
  return tests.map(labelTestText).join(' and ');
}

function labelTestText(t: A.LabelTestAst): string {
  const key = bareWord.test(t.key.value) ? t.key.value : quote(t.key.value);
  switch (t.op) {
    case '=':
    case '!=':
      return `${key} ${t.op} ${t.values.map(valueText).join('')}`;
    case 'in':
    case 'not in':
      return `${key} ${t.op} ${valueListText(t.values)}`;
    default:
      return `${key} ${t.op}`;
  }
}

function ruleItemText(item: A.RuleItemAst): string {
  switch (item.kind) {
    case 'assertion':
      return `${item.verb} ${predicateText(item.predicate)}`;
    case 'text-setting':
      return `${item.key} ${quote(item.value.value)}`;
    case 'applies':
      return `applies to ${kindTargetText(item.target)}`;
    case 'omit':
      return omitText(item);
  }
}

type Level = 'or' | 'and' | 'not' | 'primary';

function wrap(p: A.PredicateAst, level: Level): string {
  const text = predicateText(p);
  const needs =
    (level === 'and' && p.kind === 'or') ||
    (level === 'or' && p.kind === 'or') ||
    (level === 'and' && p.kind === 'and') ||
    (level === 'not' && (p.kind === 'or' || p.kind === 'and')) ||
    (level === 'primary' && (p.kind === 'or' || p.kind === 'and' || p.kind === 'not'));
  return needs ? `(${text})` : text;
}

export function predicateText(p: A.PredicateAst): string {
  switch (p.kind) {
    case 'or':
      return p.operands.map((o) => wrap(o, 'or')).join(' or ');
    case 'and':
      return p.operands.map((o) => wrap(o, 'and')).join(' and ');
    case 'not':
      return `not ${wrap(p.operand, 'not')}`;
    case 'quantified':
      return `${p.quantifier} ${domainText(p.domain)} has ${wrap(p.body, 'primary')}`;
    case 'comparison':
      return `${p.effective ? 'effective ' : ''}${pathText(p.path)} ${testText(p.test)}`;
  }
}

function domainText(d: A.DomainAst): string {
  switch (d.kind) {
    case 'container':
      return d.which === 'all' ? 'container' : `${d.which} container`;
    case 'rbac-rule':
      return 'rbac rule';
    case 'item':
      return `item in ${pathText(d.path)}`;
    case 'reference':
      return `${d.target.text} referenced by ${pathText(d.path)}`;
    case 'cluster':
      return `${d.among.map(kindTargetText).join(', ')} in the cluster`;
    default:
      return d.kind;
  }
}

export function pathText(path: A.PathAst): string {
  return path.segments
    .map((s, i) => {
      const bare = bareWord.test(s.name) && !(i === 0 && reservedInPaths.has(s.name));
      if (i === 0) return bare ? s.name : `${quote(s.name)}`;
      return bare ? `.${s.name}` : `[${quote(s.name)}]`;
    })
    .join('');
}

function testText(t: A.TestAst): string {
  switch (t.kind) {
    case 'compare':
      return `${t.op} ${valueText(t.value)}`;
    case 'list':
      return `${t.op} ${valueListText(t.values)}`;
    case 'match':
      return `${t.negated ? 'not ' : ''}matches ${t.regex ? 'regex ' : ''}${quote(t.pattern.value)}`;
    case 'state':
      return t.op;
    case 'contains':
      return `contains ${valueText(t.value)}`;
    case 'unique':
      return `is unique among ${t.among.map(kindTargetText).join(', ')} in the cluster`;
    case 'unchanged':
      return 'is unchanged';
    case 'relative': {
      const { factor, path, offset } = t.operand;
      const bound = offset ? (offset.text.startsWith('-') ? ` - ${offset.text.slice(1)}` : ` + ${offset.text}`) : '';
      return `${t.op} ${factor ? `${factor.text} * ` : ''}${pathText(path)}${bound}`;
    }
  }
}

function valueText(v: A.ValueAst): string {
  switch (v.kind) {
    case 'string':
      return quote(v.value);
    case 'boolean':
      return String(v.value);
    default:
      return v.text;
  }
}

function valueListText(values: readonly A.ValueAst[]): string {
  return `[${values.map(valueText).join(', ')}]`;
}

function verifyItemText(item: A.VerifyItemAst): string {
  switch (item.kind) {
    case 'key':
      return `key ${quote(item.key.value)}`;
    case 'keyless':
      return `keyless issuer ${quote(item.issuer.value)} subject ${quote(item.subject.value)}`;
    case 'attestation':
      return `attestation ${quote(item.type.value)}${item.conditions.length ? ` where ${item.conditions.map(predicateText).join(' and ')}` : ''}`;
    case 'mutate-digest':
      return 'mutate digest';
    case 'require-digest':
      return 'require digest';
  }
}

function exceptionItemText(item: A.ExceptionItemAst): string {
  switch (item.kind) {
    case 'namespaces':
    case 'images':
      return `${item.kind} ${item.values.map((v) => quote(v.value)).join(', ')}`;
    case 'workloads':
      return `workloads ${item.workloads.map((w) => `${w.workloadKind.text} ${quote(w.ref.value)}`).join(', ')}`;
    case 'controls':
    case 'rules':
      return `${item.kind} ${item.names.map((n) => n.text).join(', ')}`;
    case 'reason':
      return `reason ${quote(item.value.value)}`;
    case 'expires':
      return `expires ${item.date.text}`;
  }
}

function peerText(p: A.PeerAst): string {
  switch (p.kind) {
    case 'workload':
      return `workload ${p.name.text}`;
    case 'pods': {
      const labels = p.labels.length ? ` where ${labelTestsText(p.labels)}` : '';
      const ns = p.namespace ? (p.namespace.kind === 'named' ? ` in namespace ${quote(p.namespace.namespace.value)}` : ` in namespaces where ${labelTestsText(p.namespace.labels)}`) : '';
      return `pods${labels}${ns}`;
    }
    case 'namespace':
      return `namespace ${quote(p.namespace.value)}`;
    case 'namespaces':
      return `namespaces where ${labelTestsText(p.labels)}`;
    case 'cidr':
      return `cidr ${quote(p.cidr.value)}${p.except.length ? ` except ${p.except.map((e) => quote(e.value)).join(', ')}` : ''}`;
  }
}

function portText(p: A.PortSpecAst): string {
  return `${p.protocol.text} ${p.port.kind === 'named' ? quote(p.port.name) : p.port.text}`;
}

function networkItemText(item: A.NetworkItemAst): string {
  switch (item.kind) {
    case 'text-setting':
      return `${item.key} ${quote(item.value.value)}`;
    case 'default-namespace':
      return `namespace ${quote(item.namespace.value)}`;
    case 'workload':
      return `workload ${item.name.text} in namespace ${quote(item.namespace.value)} with labels ${labelTestsText(item.labels)}${item.ports.length ? ` ports ${item.ports.map((p) => `${p.name.text} = ${portText(p.port)}`).join(', ')}` : ''}`;
    case 'default-deny':
      return `default deny ${item.directions.map((d) => d.text).join(' and ')} in namespaces ${item.namespaces.map((n) => quote(n.value)).join(', ')}`;
    case 'allow-dns':
      return `allow dns in namespaces ${item.namespaces.map((n) => quote(n.value)).join(', ')}`;
    case 'quarantine':
      return `quarantine pods where ${labelTestsText(item.labels)}${item.namespaces.length ? ` in namespaces ${item.namespaces.map((n) => quote(n.value)).join(', ')}` : ''}${item.forensics ? ` except namespace ${quote(item.forensics.value)}` : ''}`;
    case 'allow':
      return `allow from ${peerText(item.from)} to ${peerText(item.to)}${item.ports.length ? ` on ${item.ports.map(portText).join(', ')}` : ''}`;
  }
}
