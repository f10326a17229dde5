export { diagnosticCodes, type DiagnosticCode } from './codes.js';
export {
  diagnostic,
  pathDiagnostic,
  hasErrors,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticArgs,
  type RelatedSpan,
  type Severity,
  type Staged,
} from './diagnostic.js';
export { renderDiagnostic, diagnosticToJson, type DiagnosticJson } from './render.js';
export { diagnosticExamples, type DiagnosticExample } from './examples.js';
export { closestName } from './suggest.js';
