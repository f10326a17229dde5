import {
  pssControls,
  walkPredicate,
  type BackendId,
  type Exception,
  type MessageTemplate,
  type Mode,
  type Omission,
  type Operation,
  type Policy,
  type PodSecurity,
  type PssControl,
  type PssLevel,
  type Rule,
  type Scope,
  type Severity,
  type Subject,
  type WorkloadRef,
} from '../ir/index.js';
import type { Span } from '../source/index.js';
import type { ExceptionAst, KindTargetAst, LabelTestAst, OmitAst, PolicyAst, PodSecurityAst, RuleAst, StringAst, TextSettingAst, VerifyImagesAst } from '../syntax/index.js';
import { acceptedKind, builtInGroup, closestName, findKnownKind, podSchema, resolvePath, type FieldSchema } from './fields/index.js';
import { checkNamespaceName, isCalendarDate, lowerLabelTests, lowerWord, Once, spanOfAll } from './lower-common.js';
import { defaultMessage } from './default-message.js';
import { lowerVerifyImages } from './lower-images.js';
import { lowerDomain, lowerPredicate, typedPart, type PredicateScope } from './lower-predicate.js';
import { Reporter, type CheckOptions } from './report.js';

const severities: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const modes: readonly Mode[] = ['enforce', 'audit', 'warn'];
const levels: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];
const backends: readonly BackendId[] = ['kyverno', 'gatekeeper', 'psa', 'netpol', 'vap', 'kyverno-cel'];
const operationWords = ['create', 'update', 'delete', 'connect'] as const;
const workloadKinds = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

export function lowerOmission(r: Reporter, o: OmitAst): Omission {
  const ids = o.backends.map((b) => lowerWord(r, b, 'backend', backends)).filter((b): b is BackendId => b !== undefined);
  if (!o.reason.value.trim()) r.report('SP1011', o.reason.span, { what: '`omit from`', setting: 'a reason', hint: 'say why and where the rule is enforced instead' });
  return { backends: [...new Set(ids)].sort(), reason: o.reason.value, span: o.span };
}

function lowerKindTarget(r: Reporter, t: KindTargetAst): Subject[] {
  if (t.kind === 'pods') return [{ kind: 'pods', span: t.span }];
  const apiVersion = t.apiVersion.value;
  const m = /^(?:([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/)?(v\d+(?:(?:alpha|beta)\d+)?)$/.exec(apiVersion);
  if (!m) {
    r.report('SP1004', t.apiVersion.span, { what: 'apiVersion', value: JSON.stringify(apiVersion), reason: 'expected "group/version" or "version"', hint: 'e.g. "v1", "apps/v1", "rbac.authorization.k8s.io/v1"' });
    return [];
  }
  const group = m[1] ?? '';
  const version = m[3] ?? 'v1';
  const out: Subject[] = [];
  for (const k of t.kinds) {
    // A version the API server no longer serves is named on purpose (rules against outdated manifests): fields/deprecated.ts.
    if (!acceptedKind(group, version, k.text)) {
      const known = builtinKindsOf(group);
      const near = closestName(k.text, known);
      const served = known.includes(k.text) ? `${k.text} is served as ${group ? `${group}/` : ''}v1` : undefined;
      r.report('SP1010', k.span, { what: `kind in ${apiVersion}`, name: k.text, hint: served ?? (near[0] ? `did you mean "${near[0]}"?` : `known kinds: ${known.join(', ')}`) });
      continue;
    }
    out.push({ kind: 'resource', group, version, resourceKind: k.text, span: k.span });
  }
  return out;
}

function builtinKindsOf(group: string): string[] {
  const kinds = ['Pod', 'Namespace', 'Service', 'ServiceAccount', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'ReplicationController', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'Ingress', 'NetworkPolicy'];
  return kinds.filter((k) => findKnownKind(group, 'v1', k));
}

/** The scope predicates of a rule start in: Pod-shaped for `pods`, the kind's schema otherwise. */
export function objectScope(subjects: readonly Subject[]): PredicateScope {
  const schemas: { owner: string; schema: FieldSchema }[] = [];
  const kinds: string[] = [];
  for (const s of subjects) {
    if (s.kind === 'pods') {
      schemas.push({ owner: 'Pod', schema: podSchema });
      kinds.push('Pod');
    } else {
      schemas.push({ owner: s.resourceKind, schema: findKnownKind(s.group, s.version, s.resourceKind)?.schema ?? { type: 'any' } });
      kinds.push(s.resourceKind);
    }
  }
  // Pods and their controllers, and the built-in kinds the table knows, reach admission validated against their schema.
  const apiTyped = subjects.length > 0 && subjects.every((s) => s.kind === 'pods' || (builtInGroup(s.group) && findKnownKind(s.group, s.version, s.resourceKind) !== undefined));
  return { schemas, podObject: kinds.length > 0 && kinds.every((k) => k === 'Pod'), container: false, objectKinds: kinds, atObject: true, apiTyped, place: [] };
}

function lowerScope(r: Reporter, p: PolicyAst, needsSubjects: boolean): Scope {
  const subjects: Subject[] = [];
  const namespaces: StringAst[] = [];
  const excluded: StringAst[] = [];
  const objectTests: LabelTestAst[] = [];
  const namespaceTests: LabelTestAst[] = [];
  const operations: Operation[] = [];
  let operationSpan: Span | undefined;
  for (const item of p.items) {
    if (item.kind === 'applies') subjects.push(...lowerKindTarget(r, item.target));
    else if (item.kind === 'namespaces') (item.include ? namespaces : excluded).push(...item.names);
    else if (item.kind === 'labels') (item.ofNamespace ? namespaceTests : objectTests).push(...item.tests);
    else if (item.kind === 'operations') {
      operationSpan = item.span;
      for (const o of item.operations) {
        const word = lowerWord(r, o, 'operation', operationWords);
        if (word) operations.push(word.toUpperCase() as Operation);
      }
    }
  }
  for (const n of [...namespaces, ...excluded]) checkNamespaceName(r, n);
  const excludedSet = new Set(excluded.map((n) => n.value));
  for (const n of namespaces) {
    if (excludedSet.has(n.value)) {
      const other = excluded.find((e) => e.value === n.value);
      r.report('SP1008', n.span, { detail: `namespace "${n.value}" is both included and excluded, so the policy never applies there`, hint: 'remove it from one of the lists' }, other ? [{ span: other.span, note: 'excluded here' }] : []);
    }
  }
  if (needsSubjects && subjects.length === 0) {
    r.report('SP1011', p.name.span, { what: `policy "${p.name.text}"`, setting: 'an `applies to` clause', hint: 'say what the rules check: `applies to pods` or `applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole`' });
  }
  const unique = (xs: readonly StringAst[]) => [...new Set(xs.map((x) => x.value))].sort();
  const scope: Scope = {
    subjects: dedupeSubjects(subjects),
    namespaces: unique(namespaces),
    excludedNamespaces: unique(excluded),
    operations: operations.length ? [...new Set(operations)].sort() : ['CREATE', 'UPDATE'],
    span: operationSpan ?? p.name.span,
    ...(objectTests.length ? { objectSelector: lowerLabelTests(r, objectTests, spanOfAll(objectTests, p.span)) } : {}),
    ...(namespaceTests.length ? { namespaceSelector: lowerLabelTests(r, namespaceTests, spanOfAll(namespaceTests, p.span)) } : {}),
  };
  return scope;
}

function dedupeSubjects(subjects: readonly Subject[]): Subject[] {
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const key = s.kind === 'pods' ? 'pods' : `${s.group}/${s.version}/${s.resourceKind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `{path}` placeholders, resolved against the element of the rule's outermost quantifier (or the object). */
function lowerMessage(r: Reporter, s: StringAst, scope: PredicateScope): MessageTemplate | undefined {
  const parts: MessageTemplate['parts'][number][] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  let ok = true;
  for (let m = re.exec(s.value); m; m = re.exec(s.value)) {
    if (m.index > last) parts.push({ kind: 'text', text: s.value.slice(last, m.index) });
    const path = (m[1] ?? '').split('.');
    const resolved = scope.schemas.every(({ schema }) => resolvePath(schema, path).ok);
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(m[1] ?? '') || !resolved) {
      r.report('SP1004', s.span, { what: 'message placeholder', value: `{${m[1] ?? ''}}`, reason: 'not a field of the offending element', hint: 'placeholders name fields of the element the rule is about, e.g. {name} or {image} for a container' });
      ok = false;
    } else parts.push(typedPart(scope, path));
    last = m.index + m[0].length;
  }
  if (last < s.value.length) parts.push({ kind: 'text', text: s.value.slice(last) });
  return ok ? { parts, span: s.span } : undefined;
}

function lowerRule(r: Reporter, rule: RuleAst, policySubjects: readonly Subject[]): Rule | undefined {
  const once = new Once(r, `rule "${rule.name.text}"`);
  const ruleSubjects: Subject[] = [];
  let hasApplies = false;
  for (const item of rule.items) if (item.kind === 'applies') {
    hasApplies = true;
    ruleSubjects.push(...lowerKindTarget(r, item.target));
  }
  const subjects = hasApplies ? dedupeSubjects(ruleSubjects) : policySubjects;
  const scope = objectScope(subjects);
  const assertions = rule.items.filter((i) => i.kind === 'assertion' && i.verb !== 'when');
  const whens = rule.items.filter((i) => i.kind === 'assertion' && i.verb === 'when');
  if (assertions.length !== 1) {
    const related = assertions.slice(1).map((a) => ({ span: a.span, note: 'another assertion' }));
    r.report('SP1005', rule.name.span, { name: rule.name.text, problem: assertions.length === 0 ? 'has no `require` or `forbid`' : 'has more than one `require`/`forbid`' }, related);
  }
  for (const w of whens) once.take('when', w.span);
  const settings: Partial<Record<TextSettingAst['key'], string>> = {};
  let messageAst: StringAst | undefined;
  const omissions: Omission[] = [];
  for (const item of rule.items) {
    if (item.kind === 'text-setting' && once.take(item.key, item.span)) {
      settings[item.key] = item.value.value;
      if (item.key === 'message') messageAst = item.value;
    }
    if (item.kind === 'omit') omissions.push(lowerOmission(r, item));
  }
  const assertion = assertions[0];
  const when = whens[0];
  const predicate = assertion && assertion.kind === 'assertion' ? lowerPredicate(r, assertion.predicate, scope) : undefined;
  const whenPredicate = when && when.kind === 'assertion' ? lowerPredicate(r, when.predicate, scope) : undefined;
  let message: MessageTemplate | undefined;
  const top = assertion?.kind === 'assertion' ? assertion.predicate : undefined;
  // The domain was already checked with the predicate; a scratch reporter avoids reporting it twice.
  const elementScope = top?.kind === 'quantified' ? lowerDomain(new Reporter(), top.domain, scope)?.scope : undefined;
  if (messageAst && top) message = lowerMessage(r, messageAst, elementScope ?? scope);
  if (!predicate || !assertion || assertion.kind !== 'assertion' || (when && !whenPredicate)) return undefined;
  if (!messageAst) message = defaultMessage(rule.name.text, assertion, predicate, elementScope);
  return {
    name: rule.name.text,
    span: rule.span,
    effect: assertion.verb === 'forbid' ? 'forbid' : 'require',
    predicate,
    predicateSpan: assertion.predicate.span,
    omissions,
    ...(settings.title !== undefined ? { title: settings.title } : {}),
    ...(settings.description !== undefined ? { description: settings.description } : {}),
    ...(message ? { message } : {}),
    ...(whenPredicate ? { when: whenPredicate } : {}),
    ...(hasApplies ? { subjects } : {}),
  };
}

export function lowerPodSecurity(r: Reporter, ps: PodSecurityAst): PodSecurity | undefined {
  const mode = lowerWord(r, ps.mode, 'pod-security mode', modes);
  const level = lowerWord(r, ps.level, 'pod-security level', levels);
  let version: PodSecurity['version'] = 'latest';
  if (ps.version && ps.version.text !== 'latest') {
    const m = /^v1\.(\d+)$/.exec(ps.version.text);
    if (!m) {
      r.report('SP1004', ps.version.span, { what: 'Kubernetes version', value: ps.version.text, reason: 'Pod Security versions are v1.N', hint: 'write e.g. version v1.30, or version latest' });
      return undefined;
    }
    version = { minor: Number(m[1]) };
  }
  return mode && level ? { mode, level, version, span: ps.span } : undefined;
}

function lowerException(r: Reporter, e: ExceptionAst, rules: readonly RuleAst[], loweredRules: readonly Rule[], hasPodSecurity: boolean, opts: CheckOptions): Exception | undefined {
  const once = new Once(r, `exception "${e.name.text}"`);
  const namespaces: string[] = [];
  const images: string[] = [];
  const workloads: WorkloadRef[] = [];
  const controls: PssControl[] = [];
  const ruleNames: string[] = [];
  let reason: string | undefined;
  let expires: { date: string; span: Span } | undefined;
  for (const item of e.items) {
    switch (item.kind) {
      case 'namespaces':
        for (const n of item.values) if (checkNamespaceName(r, n)) namespaces.push(n.value);
        break;
      case 'images':
        images.push(...item.values.map((v) => v.value));
        break;
      case 'workloads':
        for (const w of item.workloads) {
          const kind = lowerWord(r, w.workloadKind, 'workload kind', workloadKinds);
          const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(w.ref.value);
          if (!m) r.report('SP1004', w.ref.span, { what: 'workload', value: JSON.stringify(w.ref.value), reason: 'expected "namespace/name"', hint: 'e.g. workloads Deployment "payments/ledger"' });
          else if (kind) workloads.push({ kind, namespace: m[1] ?? '', name: m[3] ?? '', span: w.span });
        }
        break;
      case 'controls':
        if (!hasPodSecurity) r.report('SP1009', item.span, { detail: '`controls` exempts Pod Security controls, but this policy has no pod-security level', hint: 'add `enforce pod-security …`, or exempt rules with `rules …`' });
        for (const c of item.names) {
          const control = lowerWord(r, c, 'Pod Security control', pssControls);
          if (control) controls.push(control);
        }
        break;
      case 'rules':
        for (const n of item.names) {
          if (rules.some((x) => x.name.text === n.text)) ruleNames.push(n.text);
          else {
            const near = closestName(n.text, rules.map((x) => x.name.text));
            r.report('SP1010', n.span, { what: 'rule', name: n.text, hint: near[0] ? `did you mean "${near[0]}"?` : 'exceptions name rules of their own policy' });
          }
        }
        break;
      case 'reason':
        if (once.take('reason', item.span)) reason = item.value.value;
        break;
      case 'expires':
        if (!once.take('expires', item.span)) break;
        if (!isCalendarDate(item.date.text)) r.report('SP1004', item.date.span, { what: 'date', value: item.date.text, reason: 'not a calendar date', hint: 'write YYYY-MM-DD' });
        else {
          expires = { date: item.date.text, span: item.date.span };
          if (expires.date < opts.today) r.report('SP1006', item.date.span, { name: e.name.text, date: expires.date });
          else {
            const days = Math.round((Date.parse(expires.date) - Date.parse(opts.today)) / 86_400_000);
            if (days <= 14) r.report('SP1013', item.date.span, { name: e.name.text, date: expires.date, days });
          }
        }
        break;
    }
  }
  if (reason === undefined || !reason.trim()) r.report('SP1011', e.name.span, { what: `exception "${e.name.text}"`, setting: 'a reason', hint: 'add `reason "…"`: reviewers need to know why it is safe' });
  if (!namespaces.length && !images.length && !workloads.length && !controls.length) {
    r.report('SP1011', e.name.span, { what: `exception "${e.name.text}"`, setting: 'a filter (namespaces, workloads, images or controls)', hint: 'an exception without a filter would switch the rules off everywhere; remove the rules instead' });
  }
  if (images.length) {
    const targeted = loweredRules.filter((x) => ruleNames.length === 0 || ruleNames.includes(x.name));
    for (const rule of targeted) {
      const hasContainers = [...walkPredicate(rule.predicate)].some(({ node }) => node.kind === 'quantified' && node.domain.kind === 'container');
      if (!hasContainers) {
        r.report('SP1009', e.name.span, { detail: `exception "${e.name.text}" exempts images, but rule "${rule.name}" does not look at containers`, hint: 'list the container rules it applies to with `rules …`' }, [{ span: rule.span, note: 'this rule' }]);
      }
    }
  }
  if (reason === undefined) return undefined;
  return {
    name: e.name.text,
    span: e.span,
    reason,
    rules: [...new Set(ruleNames)].sort(),
    namespaces: [...new Set(namespaces)].sort(),
    workloads: [...workloads].sort((a, b) => `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`)),
    images: [...new Set(images)].sort(),
    controls: [...new Set(controls)].sort(),
    ...(expires ? { expires: expires.date, expiresSpan: expires.span } : {}),
  };
}

export function lowerPolicy(r: Reporter, p: PolicyAst, opts: CheckOptions): Policy | undefined {
  const once = new Once(r, `policy "${p.name.text}"`);
  const text: Partial<Record<string, string>> = {};
  let severity: Severity = 'medium';
  let mode: Mode = 'enforce';
  const omissions: Omission[] = [];
  for (const item of p.items) {
    if (item.kind === 'text-setting' && once.take(item.key, item.span)) text[item.key] = item.value.value;
    if (item.kind === 'word-setting' && once.take(item.key, item.span)) {
      if (item.key === 'severity') severity = lowerWord(r, item.value, 'severity', severities) ?? severity;
      else mode = lowerWord(r, item.value, 'mode', modes) ?? mode;
    }
    if (item.kind === 'omit') omissions.push(lowerOmission(r, item));
  }
  const ruleAsts = p.items.filter((i): i is RuleAst => i.kind === 'rule');
  const psAsts = p.items.filter((i): i is PodSecurityAst => i.kind === 'pod-security');
  const scope = lowerScope(r, p, ruleAsts.some((rule) => !rule.items.some((i) => i.kind === 'applies')));
  const podSecurity: PodSecurity[] = [];
  const psOnce = new Once(r, `policy "${p.name.text}"`);
  for (const ps of psAsts) {
    const lowered = lowerPodSecurity(r, ps);
    if (lowered && psOnce.take(`${lowered.mode} pod-security`, ps.span)) podSecurity.push(lowered);
  }
  const verifyAsts = p.items.filter((i): i is VerifyImagesAst => i.kind === 'verify-images');
  const subjects = scope.subjects.length === 0 && (psAsts.length > 0 || verifyAsts.length > 0) ? [{ kind: 'pods' as const, span: p.name.span }] : scope.subjects;
  const images = lowerImageVerifications(r, verifyAsts, ruleAsts, subjects);
  const rules = ruleAsts.map((rule) => lowerRule(r, rule, subjects)).filter((x): x is Rule => x !== undefined);
  const exceptions = p.items
    .filter((i): i is ExceptionAst => i.kind === 'exception')
    .map((e) => lowerException(r, e, ruleAsts, rules, psAsts.length > 0, opts))
    .filter((x): x is Exception => x !== undefined);
  if (verifyAsts.length > 0) checkVerificationExceptions(r, p);
  if (ruleAsts.length === 0 && psAsts.length === 0 && verifyAsts.length === 0) {
    r.report('SP1011', p.name.span, { what: `policy "${p.name.text}"`, setting: 'rules', hint: 'add a `rule NAME { require … }` or an `enforce pod-security …` line' });
  }
  return {
    name: p.name.text,
    span: p.span,
    severity,
    mode,
    scope: { ...scope, subjects },
    // Canonical order, so declaration order never changes the IR or the output (issue 7, determinism).
    rules: [...rules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    podSecurity: podSecurity.sort((a, b) => modes.indexOf(a.mode) - modes.indexOf(b.mode)),
    exceptions: [...exceptions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    omissions,
    ...(images.length ? { images } : {}),
    ...(text['title'] !== undefined ? { title: text['title'] } : {}),
    ...(text['description'] !== undefined ? { description: text['description'] } : {}),
    ...(text['category'] !== undefined ? { category: text['category'] } : {}),
  };
}


/** `verify images` blocks: names unique among the policy's rules and blocks, pods as the only subject. */
function lowerImageVerifications(r: Reporter, blocks: readonly VerifyImagesAst[], rules: readonly RuleAst[], subjects: readonly Subject[]) {
  const names = new Map<string, Span>(rules.map((x) => [x.name.text, x.name.span]));
  const nonPod = subjects.find((s) => s.kind !== 'pods');
  const out = [];
  for (const b of blocks) {
    const first = names.get(b.name.text);
    if (first) r.report('SP1001', b.name.span, { what: 'rule', name: b.name.text, where: 'among the rules and `verify images` blocks of a policy' }, [{ span: first, note: 'first use' }]);
    names.set(b.name.text, b.name.span);
    if (nonPod) r.report('SP1009', b.span, { detail: '`verify images` checks the containers of pods and pod controllers, but the policy applies to other kinds', hint: 'put the block in a policy that `applies to pods`' }, [{ span: nonPod.span, note: 'applies to' }]);
    const lowered = lowerVerifyImages(r, b);
    if (lowered && !first && !nonPod) out.push(lowered);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Exceptions do not reach `verify images` blocks yet (semantics §6): one that would apply to every rule of such a
 * policy is refused rather than silently not exempting the images.
 */
function checkVerificationExceptions(r: Reporter, p: PolicyAst): void {
  for (const e of p.items) {
    if (e.kind !== 'exception') continue;
    const namesRules = e.items.some((i) => i.kind === 'rules');
    const namesControls = e.items.some((i) => i.kind === 'controls');
    if (!namesRules && !namesControls) {
      r.report('SP1009', e.name.span, { detail: `exception "${e.name.text}" names no rules, but exceptions do not apply to \`verify images\` blocks`, hint: 'list the rules it exempts with `rules …`, or narrow the block\'s `matching` patterns instead' });
    }
  }
}
