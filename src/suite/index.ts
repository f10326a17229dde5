export { loadSignatureFile, loadSuite, type AdmissionCase, type ConnectionCase, type Suite } from './load.js';
export { runSuite, type CaseResult, type JudgeResult, type SuiteOptions, type SuiteResult } from './run.js';
export { parseYamlFile, spanAt, type YamlDocument } from './yaml.js';
export { listItems, type ListItem } from './lists.js';
export { semanticsOracle, type FactSigner, type ImageFact } from './signatures.js';
