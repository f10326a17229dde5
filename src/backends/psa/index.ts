export { psaBackend } from './emit.js';
export { newestPssMinor } from './plan.js';
export { psaCapabilities } from './capabilities.js';
