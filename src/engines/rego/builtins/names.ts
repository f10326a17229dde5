import { builtins } from './index.js';

/** Names of every supported builtin, sorted. */
export function builtinNames(): string[] {
  return [...builtins.keys()].sort();
}
