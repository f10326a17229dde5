export type {
  BackendId,
  DefaultDeny,
  DnsAllow,
  Domain,
  DomainKind,
  EffectiveField,
  Exception,
  FieldTest,
  FieldType,
  Flow,
  LabelExpression,
  LabelSelector,
  MessageTemplate,
  Mode,
  NamespaceRef,
  NetworkSet,
  Omission,
  Operation,
  Peer,
  Policy,
  PolicySet,
  PodSecurity,
  PortRule,
  Predicate,
  Protocol,
  PssControl,
  PssLevel,
  Quantified,
  Quarantine,
  QuantityValue,
  Rule,
  Scalar,
  Scope,
  Severity,
  Subject,
  Test,
  TestOp,
  ValueRef,
  Workload,
  WorkloadRef,
} from './ir.js';
export { effectiveFields, podControllers, pssControls } from './ir.js';
export { assertNever, fieldTests, walkPredicate } from './walk.js';
export { parseQuantity } from './quantity.js';
export { re2RegExp, translateRe2Flags, type Re2Translation } from './regex.js';
export { controllerManagerUser, controllerUsernames, ownedLevels, ownerNameMatches, type OwnedLevel } from './workloads.js';
export { exceptionInForce, expiryEndMs, expiryEndNs, expiryEndRfc3339 } from './expiry.js';
export { cidrContains, formatCidr, parseCidr, parseIp, type Cidr } from './cidr.js';
