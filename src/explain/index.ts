export { explainRequest, renderExplanation, type EngineExplanation, type ResourceExplanation, type RuleExplanation, type Verdict } from './explain.js';
export { formatPath, formatTest, tracePredicate, type DecidingElement, type Trace, type TracedTest, type TraceScope } from './trace.js';
export { explainDefaults, renderDefaultsExplanation, type DefaultsExplanation } from './defaults.js';
