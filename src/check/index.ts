export { checkFiles, type CheckOptions } from './check.js';
