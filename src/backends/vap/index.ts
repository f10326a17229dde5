export { vapBackend } from './emit.js';
export { vapCapabilities } from './capabilities.js';
export { celString } from './cel.js';
