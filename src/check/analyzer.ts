/**
 * BigQuery SQL analysis, offline: statements and expressions are resolved by the ZetaSQL
 * analyzer (BigQuery's SQL front end) against a catalog of known tables, with BigQuery's
 * language features. Returns the output schema, or throws BigQueryAnalysisError with the
 * analyzer's message and position.
 */
import { C360Error } from "../errors.js";
import { BigQueryCatalog, type ColumnTypes, describeColumns } from "./catalog.js";
import { BIGQUERY_ANALYZER_OPTIONS, BIGQUERY_LANGUAGE_OPTIONS } from "./zetasql/bigquery-language.js";
import type { AnalyzeRequest, ParseRequest, SimpleCatalogProto } from "./zetasql/protos.js";
import { type ResolvedStatementSummary, summarizeStatement } from "./zetasql/resolved-output.js";
import { ZetaSqlRejection, ZetaSqlService, type ZetaSqlServiceOptions } from "./zetasql/service.js";
import { typeName } from "./zetasql/types.js";

/** The analyzer rejected the SQL. line/column are 1-based positions in the analyzed text. */
export class BigQueryAnalysisError extends C360Error {
  constructor(
    readonly analyzerMessage: string,
    readonly line?: number,
    readonly column?: number,
    /** The text of the offending line, for a snippet. */
    readonly sourceLine?: string,
  ) {
    super(analyzerMessage);
  }
}

/** The SQL is BigQuery scripting (DECLARE, IF, LOOP…): it parses, but is not resolved statement by statement. */
export class BigQueryScriptNotAnalyzed extends C360Error {}

const POSITION = /\s*\[at (\d+):(\d+)\]\s*$/;
/** Whitespace, semicolons and comments: what may follow the last statement. */
const TRAILER = /^(?:\s|;|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*$/;

function rejection(error: ZetaSqlRejection, sql: string): BigQueryAnalysisError {
  const match = POSITION.exec(error.message);
  if (!match) return new BigQueryAnalysisError(error.message);
  const line = Number(match[1]);
  const column = Number(match[2]);
  return new BigQueryAnalysisError(error.message.replace(POSITION, ""), line, column, sql.split("\n")[line - 1]);
}

export class BigQueryAnalyzer {
  private constructor(private readonly service: ZetaSqlService) {}

  static async start(options: ZetaSqlServiceOptions = {}): Promise<BigQueryAnalyzer> {
    return new BigQueryAnalyzer(await ZetaSqlService.start(options));
  }

  /** Milliseconds the ZetaSQL service took to start answering. */
  get startupMs(): number {
    return this.service.startupMs;
  }

  get running(): boolean {
    return this.service.running;
  }

  /** Analyzes exactly one statement. */
  async analyzeStatement(sql: string, catalog: BigQueryCatalog | SimpleCatalogProto): Promise<ResolvedStatementSummary> {
    const simpleCatalog = catalog instanceof BigQueryCatalog ? catalog.toProto() : catalog;
    try {
      const response = await this.service.analyze({ options: BIGQUERY_ANALYZER_OPTIONS, simpleCatalog, sqlStatement: sql });
      return summarizeStatement(response.resolvedStatement!);
    } catch (error) {
      if (error instanceof ZetaSqlRejection) throw await this.explainRejection(error, sql);
      throw error;
    }
  }

  /**
   * Analyzes the statements of a semicolon-separated text in order. A statement that
   * creates a table with a 2- or 3-part name adds it to the catalog, so later statements
   * (and later actions) can read it.
   */
  async analyzeStatements(sql: string, catalog: BigQueryCatalog): Promise<ResolvedStatementSummary[]> {
    const input = Buffer.from(sql, "utf8");
    const summaries: ResolvedStatementSummary[] = [];
    let bytePosition = 0;
    while (!TRAILER.test(input.subarray(bytePosition).toString("utf8"))) {
      const request: AnalyzeRequest = {
        options: BIGQUERY_ANALYZER_OPTIONS,
        simpleCatalog: catalog.toProto(),
        parseResumeLocation: { input: sql, bytePosition, allowResume: true },
      };
      let response;
      try {
        response = await this.service.analyze(request);
      } catch (error) {
        if (error instanceof ZetaSqlRejection) throw await this.explainRejection(error, sql, bytePosition);
        throw error;
      }
      const summary = summarizeStatement(response.resolvedStatement!);
      summaries.push(summary);
      registerCreatedTable(catalog, summary);
      if (!response.resumeBytePosition || response.resumeBytePosition <= bytePosition) break;
      bytePosition = response.resumeBytePosition;
    }
    return summaries;
  }

  /**
   * The BigQuery type of an expression over the given columns, e.g. "DATE". It is analyzed
   * as the select list of a query over a table with those columns, so aggregate and
   * analytic expressions are allowed too.
   */
  async analyzeExpression(sql: string, columns: ColumnTypes = {}): Promise<string> {
    const catalog = new BigQueryCatalog("project");
    catalog.add({ schema: "expression", name: "input_row" }, columns);
    const prefix = "select ";
    try {
      const summary = await this.analyzeStatement(`${prefix}${sql}\nfrom expression.input_row`, catalog);
      if (summary.columns?.length !== 1) throw new BigQueryAnalysisError(`Expected one expression, got ${summary.columns?.length ?? 0} columns`);
      return typeName(summary.columns[0].type);
    } catch (error) {
      if (!(error instanceof BigQueryAnalysisError) || error.line !== 1) throw error;
      // Report positions in the expression, not in the query around it.
      const column = error.column === undefined ? undefined : Math.max(1, error.column - prefix.length);
      throw new BigQueryAnalysisError(error.analyzerMessage, 1, column, sql.split("\n")[0]);
    }
  }

  async close(): Promise<void> {
    await this.service.stop();
  }

  /** Whether the text parses as BigQuery SQL (one statement or a script); names are not resolved. */
  async parsesAsBigQuery(sql: string): Promise<boolean> {
    try {
      await this.service.parse({ sqlStatement: sql, options: BIGQUERY_LANGUAGE_OPTIONS, allowScript: true });
      return true;
    } catch (error) {
      if (error instanceof ZetaSqlRejection) return false;
      throw error;
    }
  }

  /**
   * A syntax error may be BigQuery scripting, which the analyzer does not resolve: it is
   * scripting when the failing statement does not parse as a statement but the whole text
   * parses as a script. (The resolver also reports some errors as "Syntax error", on SQL
   * that parses: those are real errors.)
   */
  private async explainRejection(error: ZetaSqlRejection, sql: string, bytePosition = 0): Promise<C360Error> {
    if (!error.message.startsWith("Syntax error")) return rejection(error, sql);
    const parses = async (request: ParseRequest): Promise<boolean> => {
      try {
        await this.service.parse(request);
        return true;
      } catch (parseError) {
        if (parseError instanceof ZetaSqlRejection) return false;
        throw parseError;
      }
    };
    const options = BIGQUERY_LANGUAGE_OPTIONS;
    const statementParses = await parses({ parseResumeLocation: { input: sql, bytePosition, allowResume: true }, options, allowScript: false });
    if (!statementParses && (await parses({ sqlStatement: sql, options, allowScript: true }))) {
      return new BigQueryScriptNotAnalyzed("BigQuery scripting (DECLARE, SET, IF, LOOP, BEGIN…END): parsed, not analyzed");
    }
    return rejection(error, sql);
  }
}

function registerCreatedTable(catalog: BigQueryCatalog, summary: ResolvedStatementSummary): void {
  if (!summary.createdName || !summary.columns) return;
  const parts = summary.createdName.join(".").split(".");
  if (parts.length === 3) catalog.add({ database: parts[0], schema: parts[1], name: parts[2] }, summary.columns);
  else if (parts.length === 2) catalog.add({ schema: parts[0], name: parts[1] }, summary.columns);
}

// A process-wide analyzer for tests and macros: started on first use, stopped explicitly.
let shared: Promise<BigQueryAnalyzer> | undefined;

export function sharedBigQueryAnalyzer(): Promise<BigQueryAnalyzer> {
  shared ??= BigQueryAnalyzer.start();
  return shared;
}

/** Stops the shared analyzer (call in afterAll); a later call to a helper starts a new one. */
export async function closeSharedBigQueryAnalyzer(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).close();
}

/** The BigQuery type of `sql` as an expression over `columns`; throws BigQueryAnalysisError. */
export async function analyzeBigQueryExpression(sql: string, columns: ColumnTypes = {}): Promise<string> {
  return (await sharedBigQueryAnalyzer()).analyzeExpression(sql, columns);
}

/**
 * Analyzes one statement against tables given by full name
 * ({ "project.dataset.table": { column: "TYPE" } }); returns its kind and output columns.
 */
export async function analyzeBigQueryStatement(
  sql: string,
  tables: Record<string, ColumnTypes> = {},
  defaultProject = "project",
): Promise<{ kind: string; columns: ColumnTypes }> {
  const catalog = new BigQueryCatalog(defaultProject);
  for (const [fullName, columns] of Object.entries(tables)) {
    const parts = fullName.split(".");
    const [database, schema, name] = parts.length === 3 ? parts : [defaultProject, ...parts];
    catalog.add({ database, schema, name }, columns);
  }
  const summary = await (await sharedBigQueryAnalyzer()).analyzeStatement(sql, catalog);
  return { kind: summary.kind, columns: describeColumns(summary.columns ?? []) };
}
