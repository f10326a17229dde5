export { adaptersFor, firstError, runVerify, type BackendExclusion, type VerifyReport } from './run.js';
export { compareRequest, covers, enforcesExpiry } from './verify.js';
export { adapterLabel, type EngineAdapter, type EngineVerdict } from './adapter.js';
export { renderDisagreement, type Disagreement, type PolicyReport, type VerifyOptions } from './verify.js';
export { verifyNetworks, type NetworkDisagreement } from './network.js';
export { requestArbitrary, type GeneratedRequest } from './generate.js';
export { apiProblems, asStored, builtInSchema, problemKind, quantitiesShown, type ApiRequest } from './admitted.js';
