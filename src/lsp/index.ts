export { startLanguageServer, type LanguageServerOptions } from './server.js';
export { analyse, type Analysis } from './analysis.js';
