export { gatorSuiteFor, type GatorAssertion, type GatorCase, type GatorSkip, type GatorSuite, type GatorTest } from './gator.js';
export { kyvernoTestFor, type KyvernoTest, type KyvernoTestResult } from './kyverno.js';
export { vapTestFor, type VapTestResult } from './vap.js';
export { kyvernoCelTestFor, type KyvernoCelTestResult } from './kyverno-cel.js';
export { nativeTestFiles, withNativeTests } from './native-tests.js';
export type { NativeCase, SuiteFile } from './common.js';
