/**
 * The offline Kyverno engine: loads `kyverno.io` ClusterPolicy/Policy/PolicyException documents and
 * evaluates their validate rules against resources, independently of the secpol IR.
 * Supported subset and known differences from Kyverno: docs/engines/kyverno.md.
 */
export { evaluateResource } from './evaluate.js';
export { mockedApiCall } from './context.js';
export { loadKyvernoDocuments, type LoadResult } from './load.js';
export { oracleFromFacts } from './signature-facts.js';
export type {
  CompiledRule,
  EvaluationContext,
  FailureAction,
  ImageOracle,
  ImageQuestion,
  ImageSigner,
  KyvernoPolicy,
  Operation,
  PolicyException,
  ResourceRef,
  RuleResult,
  RuleStatus,
  UserInfo,
} from './types.js';
export { KyvernoBackground, objectKey, type BackgroundResult, type Provenance } from './generate.js';
