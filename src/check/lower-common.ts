import type { LabelExpression, LabelSelector, Scalar } from '../ir/index.js';
import { joinSpans, type Span } from '../source/index.js';
import type { LabelTestAst, NameAst, StringAst, ValueAst } from '../syntax/index.js';
import { closestName } from './fields/index.js';
import type { Reporter } from './report.js';

/** RFC 1123 label: a namespace name. https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ */
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A label key: optional DNS-subdomain prefix and "/", then a name of ≤63 alphanumerics, -, _ or . */
const labelName = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkNamespaceName(r: Reporter, s: StringAst): boolean {
  if (s.value.length <= 63 && dnsLabel.test(s.value)) return true;
  r.report('SP1004', s.span, { what: 'namespace name', value: JSON.stringify(s.value), reason: 'not a DNS label', hint: 'namespace names are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit' });
  return false;
}

export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !dnsSubdomain.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && labelName.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && labelName.test(value));
}

function labelValue(r: Reporter, v: ValueAst): string | undefined {
  const text = v.kind === 'string' ? v.value : v.kind === 'boolean' ? String(v.value) : v.text;
  if (v.kind !== 'string') {
    r.report('SP1003', v.span, { detail: 'label values are strings', hint: `write "${text}"` });
    return undefined;
  }
  if (!isValidLabelValue(text)) {
    r.report('SP1004', v.span, { what: 'label value', value: JSON.stringify(text), reason: 'not a valid label value', hint: 'label values are at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit' });
    return undefined;
  }
  return text;
}

/**
 * Label tests joined by `and` become one selector: `k = v` goes to matchLabels, the rest to matchExpressions
 * (`!=` is NotIn [v], `is absent` is DoesNotExist). Contradictions (k = a and k = b) are reported as unreachable.
 */
export function lowerLabelTests(r: Reporter, tests: readonly LabelTestAst[], span: Span): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const exprs: LabelExpression[] = [];
  const seenEquals = new Map<string, LabelTestAst>();
  for (const t of tests) {
    const key = t.key.value;
    if (!isValidLabelKey(key)) {
      r.report('SP1004', t.key.span, { what: 'label key', value: JSON.stringify(key), reason: 'not a valid label key', hint: 'a label key is an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "."' });
      continue;
    }
    const values = t.values.map((v) => labelValue(r, v)).filter((v): v is string => v !== undefined);
    switch (t.op) {
      case '=': {
        const previous = seenEquals.get(key);
        const value = values[0];
        if (value === undefined) break;
        if (previous && matchLabels[key] !== value) {
          r.report('SP1008', t.span, { detail: `label "${key}" cannot equal both "${matchLabels[key]}" and "${value}"`, hint: 'use `in [...]` to accept either value' }, [{ span: previous.span, note: 'first test' }]);
        }
        matchLabels[key] = value;
        seenEquals.set(key, t);
        break;
      }
      case '!=':
        exprs.push({ key, operator: 'NotIn', values });
        break;
      case 'in':
      case 'not in':
        if (values.length === 0) r.report('SP1008', t.span, { detail: `\`${t.op} []\` on label "${key}" ${t.op === 'in' ? 'matches nothing' : 'matches everything'}`, hint: 'list at least one value' });
        exprs.push({ key, operator: t.op === 'in' ? 'In' : 'NotIn', values: [...new Set(values)].sort() });
        break;
      case 'exists':
        exprs.push({ key, operator: 'Exists', values: [] });
        break;
      case 'is absent':
        exprs.push({ key, operator: 'DoesNotExist', values: [] });
        break;
    }
  }
  const sortedLabels = Object.fromEntries(Object.entries(matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  exprs.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.operator < b.operator ? -1 : a.operator > b.operator ? 1 : 0));
  return { matchLabels: sortedLabels, matchExpressions: exprs, span };
}

export function spanOfAll(items: readonly { span: Span }[], fallback: Span): Span {
  const first = items[0];
  const last = items[items.length - 1];
  return first && last ? joinSpans(first.span, last.span) : fallback;
}

/** A closed word choice (severity, mode, level…): reports the allowed words and a near miss. */
export function lowerWord<T extends string>(r: Reporter, n: NameAst, what: string, allowed: readonly T[]): T | undefined {
  if ((allowed as readonly string[]).includes(n.text)) return n.text as T;
  const near = closestName(n.text, allowed);
  const hint = `${what} is one of ${allowed.join(', ')}${near[0] ? `; did you mean "${near[0]}"?` : ''}`;
  r.report('SP1004', n.span, { what, value: JSON.stringify(n.text), reason: 'not a known word here', hint });
  return undefined;
}

export function scalarOf(v: ValueAst): Scalar {
  switch (v.kind) {
    case 'string':
    case 'boolean':
      return v.value;
    case 'number':
      return Number(v.text);
    case 'quantity':
      return v.text;
  }
}

/** Parses YYYY-MM-DD into a real calendar date (rejects 2027-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Single-valued settings: the second occurrence is an error pointing at the first. */
export class Once {
  private readonly seen = new Map<string, Span>();
  constructor(private readonly r: Reporter, private readonly owner: string) {}
  take(key: string, span: Span): boolean {
    const first = this.seen.get(key);
    if (first) {
      this.r.report('SP1012', span, { setting: key, owner: this.owner }, [{ span: first, note: 'first given here' }]);
      return false;
    }
    this.seen.set(key, span);
    return true;
  }
}
