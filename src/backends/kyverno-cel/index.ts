import { refuseDefaults } from '../common/defaults.js';
import { kyvernoCelBackend as admission } from './emit.js';

/** Defaults blocks are SP2001 here: a Kyverno ValidatingPolicy only validates; generating objects is a ClusterPolicy generate rule. */
export const kyvernoCelBackend = refuseDefaults(admission, 'a Kyverno ValidatingPolicy only validates; generating objects is a ClusterPolicy generate rule');
export { kyvernoCelCapabilities } from './capabilities.js';
