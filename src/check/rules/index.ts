/**
 * The checks that run after lowering, one file each, named for the mistake they catch.
 * Checks made while lowering (unknown fields, types, values, expiry…) live in the lower-*.ts files;
 * docs/diagnostics/ has a page per code.
 */
export { checkDuplicateNames } from './duplicate-names.js';
export { checkContradictoryRules } from './contradictory-rules.js';
export { checkNetworkReachability } from './network-reachability.js';
export { checkLooseImageGlobs } from './loose-image-globs.js';
export { checkUnjudgedWorkloadOwners } from './unjudged-workload-owners.js';
export { checkOverlappingDefaults } from './overlapping-defaults.js';
