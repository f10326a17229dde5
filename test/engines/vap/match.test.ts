/**
 * Which requests a ValidatingAdmissionPolicy's resourceRules select, as Kubernetes' rule matcher decides
 * (apiserver admission/plugin/webhook/predicates/rules Matcher.resource): a subresource only when it is listed.
 */
import { describe, expect, it } from 'vitest';
import { constraintsMatch, type RequestAttributes } from '../../../src/engines/vap/match.js';

const podRequest = (subresource: string): RequestAttributes => ({
  group: '',
  version: 'v1',
  resource: 'pods',
  subresource,
  operation: 'UPDATE',
  namespace: 'shop',
  isNamespaceObject: false,
  objectLabels: {},
  namespaceLabels: {},
});

const listing = (resources: string[]) => ({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources, operations: ['UPDATE'] }] });

describe('resourceRules and subresources', () => {
  it.each([
    [['pods'], '', true],
    [['pods'], 'ephemeralcontainers', false],
    [['pods', 'pods/ephemeralcontainers'], 'ephemeralcontainers', true],
    [['pods/ephemeralcontainers'], '', false],
    [['pods/ephemeralcontainers'], 'status', false],
    [['pods/*'], 'ephemeralcontainers', true],
    // The matcher compares the subresource part with '*' before anything else, so pods/* also selects pods itself.
    [['pods/*'], '', true],
    [['*'], 'ephemeralcontainers', false],
    [['*/ephemeralcontainers'], 'ephemeralcontainers', true],
    [['*/*'], 'status', true],
  ])('%j selects a pods request on subresource "%s": %s', (resources, subresource, expected) => {
    expect(constraintsMatch(listing(resources), podRequest(subresource))).toBe(expected);
  });
});
