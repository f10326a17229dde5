export { SourceFile, spanOf, joinSpans, formatLocation, formatLine, type Span } from './source-file.js';
export { codeFrame } from './code-frame.js';
