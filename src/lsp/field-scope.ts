import { containerPortSchema, containerSchema, envVarSchema, findKnownKind, podSchema, policyRuleSchema, rbacSubjectSchema, resolvePath, volumeSchema, type FieldSchema } from '../check/fields/index.js';
import { referenceTargets } from '../ir/index.js';
import { blocksAt, ownText, scanBlocks } from './blocks.js';

/** Where a field path stands: the schemas it is looked up in (one per kind the rule applies to). */
export interface FieldScope {
  readonly schemas: readonly { readonly owner: string; readonly schema: FieldSchema }[];
  /** Inside a container quantifier, where `effective` applies. */
  readonly container: boolean;
  /** The path follows `effective`. */
  readonly effective: boolean;
}

/** A path as typed: `spec.securityContext.runAs` or `metadata.labels["app.kubernetes.io/name"]`. */
const pathChars = /(?:(?:[A-Za-z_][\w-]*|\["[^"\n]*"\])\.)*(?:[A-Za-z_][\w-]*)?$/;
const quantifier = /\b(?:any|every|no)\s+(?:(app|init|ephemeral)\s+)?(container|volume|port|env|rbac\s+rule|subject|item\s+in\s+([^\s()]+)|([a-z]+(?:\s+[a-z]+)?)\s+referenced\s+by\s+[^\s()]+)\s+has\b/g;
/** The words after which a field path may start; after `<`, `<=`, `>`, `>=` or `*` the other field of a comparison. */
const pathStarters = /(?:^|[\s(])(?:require|forbid|when|has|and|or|not|\(|item\s+in)\s*(?:effective\s+)?$|\($|\s(?:<=?|>=?|\*)\s+$/;

/** The segments of a typed path (brackets unquoted); the last may be partial. */
export function pathSegments(path: string): string[] {
  return [...path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)|(?<=\.)$/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** The schemas a rule's predicates start in: its own `applies to`, else its policy's; pods when neither says. */
function objectSchemas(text: string, offset: number): FieldScope['schemas'] {
  const blocks = scanBlocks(text);
  const open = blocksAt(blocks, offset).filter((b) => b.kind === 'rule' || b.kind === 'policy').reverse();
  for (const block of open) {
    const m = /\bapplies\s+to\s+(?:(pods)\b|"([^"\n]*)"\s+([A-Za-z]\w*(?:\s*,\s*[A-Za-z]\w*)*))/.exec(ownText(text, block, blocks));
    if (!m) continue;
    if (m[1]) return [{ owner: 'Pod', schema: podSchema }];
    const [group, version] = (m[2] ?? '').includes('/') ? (m[2] ?? '').split('/') : ['', m[2] ?? ''];
    return (m[3] ?? '').split(/\s*,\s*/).map((kind) => ({ owner: kind, schema: findKnownKind(group ?? '', version ?? '', kind)?.schema ?? { type: 'any' } }));
  }
  return [{ owner: 'Pod', schema: podSchema }];
}

function stepInto(scope: FieldScope, m: RegExpExecArray): FieldScope {
  const element = (owner: string, schema: FieldSchema, container = false): FieldScope => ({ schemas: [{ owner, schema }], container, effective: false });
  const domain = m[2] ?? '';
  if (domain === 'container') return element('container', containerSchema, true);
  if (domain === 'volume') return element('volume', volumeSchema);
  if (domain === 'port') return element('container port', containerPortSchema);
  if (domain === 'env') return element('env var', envVarSchema);
  if (domain === 'subject') return element('subject', rbacSubjectSchema);
  if (domain.startsWith('rbac')) return element('RBAC rule', policyRuleSchema);
  if (m[4] !== undefined) {
    // `KIND referenced by PATH has`: the body reads the referenced object, one of the reference's targets.
    const spec = Object.values(referenceTargets).find((r) => r.name === m[4]!.replace(/\s+/g, ' '));
    const targets = (spec?.targets ?? []).map((t) => {
      const [group, version] = t.apiVersion.includes('/') ? t.apiVersion.split('/') : ['', t.apiVersion];
      return { owner: t.kind, schema: findKnownKind(group ?? '', version ?? '', t.kind)?.schema ?? ({ type: 'any' } as FieldSchema) };
    });
    return { schemas: targets.length ? targets : [{ owner: 'referenced object', schema: { type: 'any' } }], container: false, effective: false };
  }
  const path = pathSegments(m[3] ?? '');
  for (const { schema } of scope.schemas) {
    const r = resolvePath(schema, path);
    if (r.ok) return element('list item', r.schema.element ?? { type: 'any' });
  }
  return element('list item', { type: 'any' });
}

/**
 * The scope of a field path starting at `pathStart`, or undefined when no path can start there. Read from the text
 * of the assertion (from its require/forbid/when) and the quantifiers before the path; parentheses that close a
 * quantifier are not followed, which only widens what completion offers.
 */
export function fieldScopeAt(text: string, pathStart: number): FieldScope | undefined {
  const lineStart = text.lastIndexOf('\n', pathStart - 1) + 1;
  const line = text.slice(lineStart, pathStart);
  const verb = /\b(?:require|forbid|when)\b/.exec(line);
  if (!verb) return undefined;
  const before = line.slice(verb.index);
  if (!pathStarters.test(before)) return undefined;
  let scope: FieldScope = { schemas: objectSchemas(text, pathStart), container: false, effective: false };
  for (const m of before.matchAll(quantifier)) scope = stepInto(scope, m);
  return { ...scope, effective: /\beffective\s+$/.test(before) };
}

/** The typed path that ends at `offset` and where it starts. */
export function pathBefore(text: string, offset: number): { start: number; path: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = pathChars.exec(text.slice(lineStart, offset));
  const path = m?.[0] ?? '';
  return { start: offset - path.length, path };
}

/** The whole path around `offset` (for hover) and the number of its segments up to the one under the cursor. */
export function pathAround(text: string, offset: number): { start: number; segments: string[]; upTo: number } | undefined {
  const lineEnd = text.indexOf('\n', offset);
  const rest = /^(?:[\w-]*)(?:(?:\.[A-Za-z_][\w-]*|\["[^"\n]*"\]))*/.exec(text.slice(offset, lineEnd < 0 ? text.length : lineEnd))?.[0] ?? '';
  const { start, path } = pathBefore(text, offset);
  const whole = path + rest;
  if (!/^(?:[A-Za-z_]|\[")/.test(whole)) return undefined;
  const segments = pathSegments(whole).filter((s) => s !== '');
  const upTo = pathSegments(path).length;
  return { start, segments, upTo: Math.max(1, Math.min(upTo, segments.length)) };
}

/** The schema a path resolves to in the first schema of the scope that knows it. */
export function resolveIn(scope: FieldScope, segments: readonly string[]): FieldSchema | undefined {
  for (const { schema } of scope.schemas) {
    const r = resolvePath(schema, segments);
    if (r.ok) return r.schema;
  }
  return undefined;
}
