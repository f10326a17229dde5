export { gatekeeperBackend } from './emit.js';
