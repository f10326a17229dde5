export { netpolBackend } from './emit.js';
