export { netpolBackend } from './emit.js';
export { netpolCapabilities } from './capabilities.js';
