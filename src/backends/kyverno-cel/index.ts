export { kyvernoCelBackend } from './emit.js';
export { kyvernoCelCapabilities } from './capabilities.js';
