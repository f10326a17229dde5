export { gatekeeperBackend } from './emit.js';
export { gatekeeperCapabilities } from './capabilities.js';
