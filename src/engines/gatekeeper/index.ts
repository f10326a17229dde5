/**
 * Offline Gatekeeper: loads ConstraintTemplates and Constraints and evaluates them on objects with the
 * Rego engine. Semantics and known differences are in docs/engines/gatekeeper.md.
 */
export { parseConstraint, type Constraint, type KindMatch, type LabelSelector, type Match, type ScopedEnforcementAction } from './constraint.js';
export { isGatekeeperError, type GatekeeperError } from './errors.js';
export { evaluateConstraint, type ConstraintResult, type EvaluateConstraintOptions, type Violation } from './evaluate.js';
export { buildInventory } from './inventory.js';
export { matches, wildcardMatches, type MatchOutcome } from './match.js';
export { buildReview, type ReviewOptions, type ReviewRequest } from './review.js';
export { loadTemplate, type Template } from './template.js';
