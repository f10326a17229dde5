export { parseSource } from './parse.js';
export { printFile } from './print.js';
export type * from './ast.js';
