export { regoFilesForOpa, runRealEngines, type RealCheck, type RealReport, type RealTool, type RealTools, type Runner, type ToolRun } from './run.js';
