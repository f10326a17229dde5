/**
 * Rule auto-generation for Pod controllers (https://kyverno.io/docs/writing-policies/autogen/).
 * A validate rule matching `Pod` gains `autogen-<rule>` for DaemonSet, Deployment, Job, StatefulSet, ReplicaSet
 * and ReplicationController (pod template at `spec.template`) and `autogen-cronjob-<rule>` for CronJob
 * (`spec.jobTemplate.spec.template`): patterns are nested under the template and `request.object.spec|metadata`
 * in every string is redirected to the template. The policy annotation
 * `pod-policies.kyverno.io/autogen-controllers` narrows the controllers (`none` disables). Any rule that filters
 * by name(s), selector or annotations, or mixes Pod with other kinds, disables auto-generation for the policy.
 */
import { parseKindSelector } from './match.js';
import { asArray, asString, isObject, type JsonObject, stringList } from './types.js';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];
const AUTOGEN_KINDS = new Set(['Pod', ...POD_CONTROLLERS, 'CronJob']);

export interface RuleVariant {
  /** `autogen-…` for generated rules. */
  readonly name: string;
  /** The rule name written in the policy. */
  readonly reportName: string;
  readonly rule: JsonObject;
}

const POD_REPLACEMENTS: readonly [string, string][] = [
  ['request.object.spec', 'request.object.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
];
const CRONJOB_REPLACEMENTS: readonly [string, string][] = [
  ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata'],
];

/** The resource descriptions (`resources` objects) of a match or exclude block. */
function descriptions(block: unknown): JsonObject[] {
  if (!isObject(block)) return [];
  const out: JsonObject[] = [];
  if (isObject(block['resources'])) out.push(block['resources']);
  for (const filter of [...asArray(block['any']), ...asArray(block['all'])]) {
    if (isObject(filter) && isObject(filter['resources'])) out.push(filter['resources']);
  }
  return out;
}

const kindIs = (kinds: readonly string[], kind: string): boolean => kinds.some((k) => parseKindSelector(k).kind === kind);

/** Kyverno's CanAutoGen over all rules of the policy. */
function canAutoGen(rules: readonly JsonObject[]): boolean {
  let needed = false;
  for (const rule of rules) {
    if (rule['generate'] !== undefined) return false;
    const mutate = rule['mutate'];
    if (isObject(mutate)) {
      if (mutate['patchesJson6902'] !== undefined) return false;
      if (asArray(mutate['foreach']).some((f) => isObject(f) && f['patchesJson6902'] !== undefined)) return false;
    }
    for (const rd of [...descriptions(rule['match']), ...descriptions(rule['exclude'])]) {
      const kinds = stringList(rd['kinds']);
      const name = asString(rd['name']);
      if ((name !== undefined && name !== '') || stringList(rd['names']).length > 0) return false;
      if (rd['selector'] !== undefined && rd['selector'] !== null) return false;
      if (rd['annotations'] !== undefined && rd['annotations'] !== null) return false;
      if (kinds.length > 1 && kindIs(kinds, 'Pod')) return false;
      if (kinds.some((k) => AUTOGEN_KINDS.has(k))) needed = true;
    }
  }
  return needed;
}

function replaceKinds(filters: readonly unknown[], kinds: readonly string[], onlyPodFilters: boolean): unknown[] {
  return filters.map((filter) => {
    if (!isObject(filter) || !isObject(filter['resources'])) return filter;
    const resources = filter['resources'];
    if (onlyPodFilters && !kindIs(stringList(resources['kinds']), 'Pod')) return filter;
    return { ...filter, resources: { ...resources, kinds: [...kinds] } };
  });
}

function retarget(block: unknown, kinds: readonly string[], onlyPodFilters: boolean, isExclude: boolean): unknown {
  if (!isObject(block)) return block;
  const any = asArray(block['any']);
  const all = asArray(block['all']);
  if (any.length > 0) return { ...block, any: replaceKinds(any, kinds, onlyPodFilters) };
  if (all.length > 0) return { ...block, all: replaceKinds(all, kinds, onlyPodFilters) };
  const resources = isObject(block['resources']) ? block['resources'] : {};
  if (isExclude && stringList(resources['kinds']).length === 0) return block;
  return { ...block, resources: { ...resources, kinds: [...kinds] } };
}

/**
 * Nests the validation under the pod template; undefined when the rule has no validate block. As Kyverno's
 * `generateRule` (pkg/autogen/v1/rule.go), a pattern (checked first) or anyPattern (after deny and podSecurity)
 * becomes a new validate block holding only the message, failure action, its overrides and allowExistingViolations.
 */
function retargetValidate(validate: unknown, templateKey: string): JsonObject | undefined {
  if (!isObject(validate)) return undefined;
  const wrap = (pattern: unknown): JsonObject => ({ spec: { [templateKey]: pattern } });
  const kept: JsonObject = {};
  for (const key of ['message', 'failureAction', 'failureActionOverrides', 'allowExistingViolations']) if (validate[key] !== undefined) kept[key] = validate[key];
  if (validate['pattern'] !== undefined) return { ...kept, pattern: wrap(validate['pattern']) };
  if (validate['deny'] !== undefined || validate['podSecurity'] !== undefined) return validate;
  if (validate['anyPattern'] !== undefined) return { ...kept, anyPattern: asArray(validate['anyPattern']).map(wrap) };
  return validate;
}

function generate(rule: JsonObject, name: string, templateKey: string, kinds: readonly string[], onlyPodFilters: boolean): JsonObject | undefined {
  const validate = retargetValidate(rule['validate'], templateKey);
  // verifyImages rules are copied as they are: images are found in any pod template (kyverno pkg/autogen).
  if (validate === undefined && !Array.isArray(rule['verifyImages'])) return undefined;
  return {
    ...rule,
    name,
    match: retarget(rule['match'], kinds, onlyPodFilters, false),
    ...(rule['exclude'] !== undefined ? { exclude: retarget(rule['exclude'], kinds, onlyPodFilters, true) } : {}),
    ...(validate !== undefined ? { validate } : {}),
  };
}

function rewriteStrings(doc: unknown, replacements: readonly [string, string][]): unknown {
  const rewrite = (s: string): string => (s.includes('request.') ? replacements.reduce((acc, [from, to]) => acc.split(from).join(to), s) : s);
  if (typeof doc === 'string') return rewrite(doc);
  if (Array.isArray(doc)) return doc.map((d) => rewriteStrings(d, replacements));
  if (isObject(doc)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(doc)) out[rewrite(k)] = rewriteStrings(v, replacements);
    return out;
  }
  return doc;
}

const truncateName = (name: string): string => name.slice(0, 63);

/**
 * The kinds of the `autogen-` rule: the standard controllers named (all for `all`), or, when none is standard,
 * the custom kinds named (pod-template CRDs). With `withoutCronJob`, CronJob is dropped first (it has its own rule).
 */
function controllerKinds(controllers: string, withoutCronJob: boolean): string[] | undefined {
  if (controllers === 'all') return [...POD_CONTROLLERS].sort();
  const named = controllers.split(',').filter((c) => !withoutCronJob || c !== 'CronJob');
  if (named.length === 0 || named.every((c) => c === '')) return undefined;
  const standard = named.filter((c) => POD_CONTROLLERS.includes(c));
  return (standard.length > 0 ? standard : named).sort();
}

/** The controllers named by the policy annotation, `all`, or undefined when auto-generation is off. */
function controllersOf(policy: JsonObject, rules: readonly JsonObject[]): string | undefined {
  if (!canAutoGen(rules)) return undefined;
  const metadata = isObject(policy['metadata']) ? policy['metadata'] : {};
  const annotations = isObject(metadata['annotations']) ? metadata['annotations'] : {};
  const value = asString(annotations[AUTOGEN_ANNOTATION]);
  if (value === undefined) return 'all';
  return value.split(',').includes('none') ? undefined : value;
}

/** The rules of a policy followed by their auto-generated Pod controller variants, as Kyverno orders them. */
export function expandAutogen(policy: JsonObject, rules: readonly JsonObject[]): RuleVariant[] {
  const originals: RuleVariant[] = rules.map((rule) => {
    const name = asString(rule['name']) ?? '';
    return { name, reportName: name, rule };
  });
  const controllers = controllersOf(policy, rules);
  if (controllers === undefined) return originals;
  const generated: RuleVariant[] = [];
  for (const original of originals) {
    const rule = original.rule;
    if (original.name.startsWith('autogen-') || (!isObject(rule['validate']) && !Array.isArray(rule['verifyImages']))) continue;
    const matchKinds = descriptions(rule['match']).flatMap((rd) => stringList(rd['kinds']));
    const excludeKinds = descriptions(rule['exclude']).flatMap((rd) => stringList(rd['kinds']));
    if (!kindIs(matchKinds, 'Pod') || (excludeKinds.length > 0 && !kindIs(excludeKinds, 'Pod'))) continue;
    const base = generate(rule, truncateName(`autogen-${original.name}`), 'template', controllerKinds(controllers, false) ?? ['CronJob'], true);
    if (base === undefined) continue;
    const kinds = controllerKinds(controllers, true);
    if (kinds !== undefined) {
      const variant = { ...base, match: retarget(rule['match'], kinds, true, false) } as JsonObject;
      if (rule['exclude'] !== undefined) variant['exclude'] = retarget(rule['exclude'], kinds, true, true);
      generated.push({ name: asString(base['name']) ?? '', reportName: original.reportName, rule: rewriteStrings(variant, POD_REPLACEMENTS) as JsonObject });
    }
    if (controllers === 'all' || controllers.includes('CronJob')) {
      const cron = generate(base, truncateName(`autogen-cronjob-${original.name}`), 'jobTemplate', ['CronJob'], false);
      if (cron) generated.push({ name: asString(cron['name']) ?? '', reportName: original.reportName, rule: rewriteStrings(cron, CRONJOB_REPLACEMENTS) as JsonObject });
    }
  }
  return [...originals, ...generated];
}
