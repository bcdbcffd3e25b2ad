/**
 * Offline verification of the project's BigQuery SQL with the ZetaSQL analyzer.
 * `checkProject` is `c360 check`; the analyzer helpers let tests (e.g. the dialect macro
 * tests) analyze BigQuery renderings the same way.
 */
export { analysisOrder, type CheckOptions, checkProject } from "./check-project.js";
export { type CheckProblem, type CheckReport, type CheckTimings, formatCheckReport, type SkippedAction } from "./report.js";
export {
  analyzeBigQueryExpression,
  analyzeBigQueryStatement,
  BigQueryAnalysisError,
  BigQueryAnalyzer,
  BigQueryScriptNotAnalyzed,
  closeSharedBigQueryAnalyzer,
  sharedBigQueryAnalyzer,
} from "./analyzer.js";
export { BigQueryCatalog, type ColumnTypes } from "./catalog.js";
