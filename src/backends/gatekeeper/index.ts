import { refuseDefaults } from '../common/defaults.js';
import { gatekeeperBackend as admission } from './emit.js';

/** Defaults blocks are SP2001 here: Gatekeeper validates (and with mutators only patches) requests; it cannot create NetworkPolicies in a namespace. */
export const gatekeeperBackend = refuseDefaults(admission, 'Gatekeeper validates (and with mutators only patches) requests; it cannot create NetworkPolicies in a namespace');
export { gatekeeperCapabilities } from './capabilities.js';
