import type { Span } from '../source/index.js';
import type { YamlDoc } from './yaml-source.js';

export type ImportSource = 'kyverno' | 'gatekeeper' | 'psa' | 'netpol';
export const importSources: readonly ImportSource[] = ['kyverno', 'gatekeeper', 'psa', 'netpol'];

/**
 * A predicate being built, rendered to secpol text by `renderPredicate`. Tests are finished text (a path, an
 * operator and a literal written with `literal`), so policy text never reaches the output unquoted.
 */
export type YamlPathStep = string | number;

export type Pred =
  | { readonly kind: 'test'; readonly text: string }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly Pred[] }
  | { readonly kind: 'not'; readonly operand: Pred }
  | { readonly kind: 'quantified'; readonly quantifier: 'any' | 'every' | 'no'; readonly domain: string; readonly body: Pred }
  | { readonly kind: 'true' };

/** One translated rule (or pod-security line) and where it came from. */
export interface ImportedRule {
  /** The secpol rule name; for pod-security lines, `pod-security-<mode>` (the key the semantics reports). */
  readonly key: string;
  /** The rule as the original engine reports it (Kyverno rule name, Gatekeeper constraint name, PSA label). */
  readonly original: string;
  readonly origin: Span;
  /** The rule's lines inside the policy block, without indentation. */
  readonly lines: readonly string[];
}

/** A rule the importer could not translate, or whose translation was not proven equivalent. */
export interface MissingRule {
  readonly original: string;
  readonly origin: Span;
  readonly reason: string;
}

/** A translated exception: its filter lines, the secpol rules it exempts, and its end date. */
export interface ImportedException {
  readonly name: string;
  readonly filter: readonly string[];
  readonly rules: readonly string[];
  /** Pod Security controls it exempts, rendered while a pod-security line of the policy is imported. */
  readonly controls?: readonly string[];
  readonly reason: string;
  /** YYYY-MM-DD, or absent. */
  readonly expires?: string;
}

/** The original artifact, as its engine needs it for `--verify`. */
export type OriginalArtifact =
  | { readonly engine: 'kyverno'; readonly documents: readonly unknown[]; readonly policy: string }
  /** `byRule`: the template holds several rules, and each violation names its own in `details.rule` (what Gatekeeper reports). */
  | { readonly engine: 'gatekeeper'; readonly template: unknown; readonly constraint: unknown; readonly byRule?: boolean }
  | { readonly engine: 'psa'; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  | { readonly engine: 'netpol'; readonly documents: readonly unknown[] };

/** One foreign policy translated to one secpol policy. */
export interface ImportedPolicy {
  readonly name: string;
  readonly source: ImportSource;
  /** `network` for NetworkPolicies (each rule is a NetworkPolicy's lines); `policy` otherwise. */
  readonly block?: 'policy' | 'network';
  readonly origin: Span;
  /** What the original is, for the header comment: `Kyverno ClusterPolicy disallow-privileged`. */
  readonly describe: string;
  /** Settings and scope lines of the policy block. */
  readonly head: readonly string[];
  readonly rules: readonly ImportedRule[];
  readonly missing: readonly MissingRule[];
  readonly original: OriginalArtifact;
  readonly doc: YamlDoc;
  /** Lines after the rules (exceptions), inside the policy block. */
  readonly tail?: readonly string[];
  /** Translated exceptions, rendered for the rules still imported. */
  readonly exceptions?: readonly ImportedException[];
  /** Exceptions of the original that are not translated (SP3001; not rules, so not counted as rules). */
  readonly exceptionsMissing?: readonly MissingRule[];
  /** The Kyverno policy's name as exceptions refer to it (`<namespace>/<name>` for a Policy). */
  readonly kyvernoName?: string;
  /** Rule lines used only to generate requests for --verify (fields the original reads that the import tests loosely). */
  readonly probes?: readonly (readonly string[])[];
}

/** Whether a rule's translation failed: the reason is reported per rule, never dropped. */
export type Translation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string; readonly at?: readonly (string | number)[] };

export const ok = <T>(value: T): Translation<T> => ({ ok: true, value });
export const no = (reason: string, at?: readonly (string | number)[]): Translation<never> => ({ ok: false, reason, ...(at ? { at } : {}) });
