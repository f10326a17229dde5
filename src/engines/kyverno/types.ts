/** Shared types of the offline Kyverno engine. Inputs are untyped parsed YAML; these types describe what `load.ts` keeps. */

export type FailureAction = 'Audit' | 'Enforce';
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error';

/** A plain JSON object as produced by a YAML parser. */
export type JsonObject = { [key: string]: unknown };

/** Who sends the request; `roles`/`clusterRoles` are what Kyverno resolves from RBAC, given here directly. */
export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly roles?: readonly string[];
  readonly clusterRoles?: readonly string[];
}

/** The admission request around the resource. Defaults: CREATE, no old object, no namespace labels, no user. */
export interface EvaluationContext {
  readonly operation?: Operation;
  /** The subresource of the request (`ephemeralcontainers` for `kubectl debug`); none by default. */
  readonly subresource?: string;
  readonly oldObject?: unknown;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly userInfo?: UserInfo;
  readonly exceptions?: readonly PolicyException[];
  /**
   * A background scan (Kyverno's report controller) instead of an admission request: the operation is CREATE and
   * the request carries no admission information, so `request.userInfo`, `request.roles`, `request.clusterRoles`,
   * `request.name`, `request.kind`, `request.oldObject` and `serviceAccountName` are absent (an unknown key) and
   * user filters in `match` are ignored. `operation`, `oldObject` and `userInfo` are not read.
   */
  readonly background?: boolean;
  /**
   * Kyverno releases with the fix for kyverno#16557 (PR #16558): a failing rule blocks by its own failureAction.
   * Default false, as in Kyverno 1.13 to 1.18.0: the first rule that sets `validate.failureAction` (else
   * `spec.validationFailureAction`) decides for every rule of the policy.
   */
  readonly failureActionPerRule?: boolean;
  /**
   * The instant of the evaluation, in milliseconds since the epoch: what `time_now()`, `time_now_utc()` and
   * `time_since(…, …, '')` return (whole seconds, RFC 3339, as Kyverno formats Go's time.Now()). Absent: the
   * machine's clock at each call, as in Kyverno.
   */
  readonly now?: number;
  /**
   * Answers whether an image is signed by one attestor entry (and returns attestation predicates) for verifyImages
   * rules; without it those rules report `skip`. No signature is ever fetched by this engine.
   */
  readonly imageOracle?: ImageOracle;
  /**
   * The objects of the cluster that `context` API calls read (context.ts: lists and gets by urlPath, as the API
   * server answers them). Absent: every API call fails, and its `default` (if any) applies.
   */
  readonly cluster?: readonly unknown[];
  /**
   * `kyverno test` mode: the Values file's per-rule variables, by policy name then rule name. As the CLI's mock context
   * loader does, they are added to the rule's context and its `apiCall` entries are not made (no cluster offline).
   */
  readonly cliValues?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** An attestor entry of a verifyImages rule: a Cosign public key (PEM) or a keyless issuer and subject. */
export type ImageSigner = { readonly kind: 'key'; readonly publicKey: string } | { readonly kind: 'keyless'; readonly issuer: string; readonly subject: string };

/** What a verifyImages rule asks about one image: its signature, or an attestation of a predicate type. */
export type ImageQuestion = { readonly kind: 'signature'; readonly signer: ImageSigner } | { readonly kind: 'attestation'; readonly type: string; readonly signer: ImageSigner };

export type ImageOracle = (image: string, question: ImageQuestion) => { readonly status: 'verified'; readonly predicate?: unknown } | { readonly status: 'not-verified' | 'error'; readonly reason?: string };

export interface ResourceRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/**
 * One result per applicable rule per resource, named by the rule as written (never `autogen-…`). `failureAction`
 * is what Kyverno's admission controller does when this rule fails (see `EvaluationContext.failureActionPerRule`);
 * an `error` blocks whatever the action when the policy's `failurePolicy` is Fail, the default.
 */
export interface RuleResult {
  readonly policy: string;
  readonly rule: string;
  readonly resource: ResourceRef;
  readonly status: RuleStatus;
  readonly message: string;
  readonly failureAction: FailureAction;
}

/** A rule as the engine runs it; Pod rules are joined by their auto-generated controller variants. */
export interface CompiledRule {
  /** The internal name: `autogen-x` / `autogen-cronjob-x` for generated rules (what PolicyExceptions name). */
  readonly name: string;
  /** The name written in the policy, used in results. */
  readonly reportName: string;
  readonly match: unknown;
  readonly exclude: unknown;
  readonly preconditions: unknown;
  /** The `validate` block, or undefined for mutate/generate/verifyImages rules (reported as `skip`). */
  readonly validate: JsonObject | undefined;
  readonly otherType: string | undefined;
  /** The `verifyImages` entries of a verifyImages rule (run only with an image oracle). */
  readonly verifyImages: readonly unknown[] | undefined;
  /** The failure action of a verifyImages rule (its first entry's `failureAction`). */
  readonly imageFailureAction: FailureAction | undefined;
  readonly failureAction: FailureAction | undefined;
  /** `validate.failureActionOverrides`: per-namespace actions of this rule. */
  readonly failureActionOverrides: readonly FailureActionOverride[];
  /** A load-time problem with this rule, reported as `error` whenever the rule matches. */
  readonly problem: string | undefined;
  /** The rule's `context` entries as written (context.ts loads the `apiCall` ones). */
  readonly context?: unknown;
}

export interface FailureActionOverride {
  readonly action: FailureAction;
  readonly namespaces: readonly string[];
  readonly namespaceSelector: unknown;
}

export interface KyvernoPolicy {
  readonly kind: 'ClusterPolicy' | 'Policy';
  readonly name: string;
  /** Set for the namespaced `Policy` kind only. */
  readonly namespace: string | undefined;
  readonly validationFailureAction: FailureAction;
  readonly failureActionOverrides: readonly FailureActionOverride[];
  /** `spec.applyRules: One` stops after the first rule that passes or fails. */
  readonly applyOne: boolean;
  /** `spec.failurePolicy`: `Fail` (default) blocks a request on which a rule reports `error`. */
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly rules: readonly CompiledRule[];
}

export interface ExceptionEntry {
  readonly policyName: string;
  readonly ruleNames: readonly string[];
}

export interface PolicyException {
  readonly name: string;
  readonly namespace: string;
  readonly exceptions: readonly ExceptionEntry[];
  readonly match: unknown;
  readonly conditions: unknown;
  /** `spec.podSecurity[]`: controls excluded from podSecurity rules instead of skipping them. */
  readonly podSecurity: readonly unknown[] | undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringList(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    }
  }
  return out;
}
