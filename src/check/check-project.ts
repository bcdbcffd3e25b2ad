/**
 * `c360 check`: compiles the project for BigQuery and has the ZetaSQL analyzer resolve
 * every statement a production run would send, action by action in DAG order. Each
 * action is analyzed against a catalog of the declared sources plus the output schema the
 * analyzer reported for each upstream, so a wrong column, a type error or a function
 * BigQuery lacks is reported with the action, its file and the analyzer's message.
 */
import fs from "node:fs";
import path from "node:path";
import { dialectVar } from "../config/project.js";
import { compileProject } from "../compile/index.js";
import type { CompiledTable } from "../compile/graph-types.js";
import { quoteTableName, type RenderedStatement, createTableAsStatement, createViewStatement, insertStatement, mergeStatement } from "../engines/bigquery/statements.js";
import { type Action, buildActionGraph } from "../graph/actions.js";
import { BigQueryAnalysisError, BigQueryAnalyzer, BigQueryScriptNotAnalyzed } from "./analyzer.js";
import { partitionProblem } from "./bigquery-rules.js";
import { BigQueryCatalog, describeColumns } from "./catalog.js";
import type { CheckProblem, CheckReport, SkippedAction } from "./report.js";
import type { LandingSource } from "../config/landing-sources.js";
import { loadProject } from "../config/project.js";
import { lineInFile, readSourceLines } from "./source-location.js";
import { sourceSchema } from "./source-schemas.js";

export interface CheckOptions {
  projectDir: string;
  /** Compile vars over the project's own; `dialect` is always "bigquery". */
  vars?: Record<string, string>;
  /** Project settings overrides (e.g. the prod target's defaultDatabase and schemaSuffix). */
  projectConfigOverride?: Record<string, unknown>;
  /** A running analyzer to reuse (tests); otherwise one is started and stopped. */
  analyzer?: BigQueryAnalyzer;
  /**
   * The project's landing sources (default: its c360.json `sources`): a declaration of one
   * of their bronze tables has the columns the loader writes.
   */
  landingSources?: readonly LandingSource[];
}

/** Dependencies first; ties keep the compiled graph's order. Tests last: nothing reads them. */
export function analysisOrder(actions: Map<string, Action>): Action[] {
  const ordered: Action[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (action: Action): void => {
    if (state.get(action.name)) return;
    state.set(action.name, "visiting");
    for (const dependency of action.dependencies) {
      const upstream = actions.get(dependency);
      if (upstream && !state.get(dependency)) visit(upstream);
    }
    state.set(action.name, "done");
    ordered.push(action);
  };
  for (const action of actions.values()) if (action.kind !== "test") visit(action);
  for (const action of actions.values()) if (action.kind === "test") visit(action);
  return ordered;
}

/** ZetaSQL's message for a table the catalog does not hold. */
const TABLE_NOT_FOUND = /^Table not found: (\S+)/;

class ActionChecker {
  readonly errors: CheckProblem[] = [];
  readonly warnings: CheckProblem[] = [];
  /** Actions that read a table no action or declaration of the project describes, and that table. */
  readonly unknownTables = new Map<string, string>();
  statementsAnalyzed = 0;

  constructor(
    private readonly analyzer: BigQueryAnalyzer,
    readonly catalog: BigQueryCatalog,
  ) {}

  /** Analyzes one rendered statement; returns its output columns, or undefined after reporting a problem. */
  async statement(action: Action, label: string, rendered: RenderedStatement) {
    try {
      this.statementsAnalyzed++;
      return await this.analyzer.analyzeStatement(rendered.sql, this.catalog);
    } catch (error) {
      this.report(action, label, error, rendered.queryLineOffset);
      return undefined;
    }
  }

  /** Pre/post operations and operations: possibly several statements separated by semicolons. */
  async statements(action: Action, label: string, sql: string): Promise<boolean> {
    if (!sql.trim()) return true;
    try {
      this.statementsAnalyzed += (await this.analyzer.analyzeStatements(sql, this.catalog)).length;
      return true;
    } catch (error) {
      this.report(action, label, error, 0);
      return error instanceof BigQueryScriptNotAnalyzed;
    }
  }

  problem(action: Action, statement: string, message: string): void {
    this.errors.push({ actionName: action.name, fileName: action.fileName, statement, message });
  }

  warning(action: Action, statement: string, message: string): void {
    this.warnings.push({ actionName: action.name, fileName: action.fileName, statement, message });
  }

  private report(action: Action, statement: string, error: unknown, queryLineOffset: number): void {
    const base = { actionName: action.name, fileName: action.fileName, statement };
    if (error instanceof BigQueryScriptNotAnalyzed) {
      this.warnings.push({ ...base, message: error.message });
      return;
    }
    if (!(error instanceof BigQueryAnalysisError)) throw error;
    const missing = TABLE_NOT_FOUND.exec(error.analyzerMessage);
    if (missing) {
      // Not declared anywhere: unknown rather than wrong (it may well exist in the warehouse).
      this.unknownTables.set(action.name, missing[1]);
      this.warnings.push({ ...base, message: `reads ${missing[1]}, which no action or declaration of the project describes: its schema is unknown, so this statement is not analyzed (declare it with its columns to check it)` });
      return;
    }
    const insideQuery = error.line !== undefined && error.line > queryLineOffset;
    const line = error.line === undefined ? undefined : insideQuery ? error.line - queryLineOffset : error.line;
    const where = error.line !== undefined && !insideQuery && queryLineOffset > 0 ? " (in the statement c360 wraps around the query)" : "";
    this.errors.push({ ...base, message: `${error.analyzerMessage}${where}`, line, column: error.column, sourceLine: error.sourceLine });
  }
}

/** Returns false when the action's output schema is unknown afterwards. */
async function checkAction(checker: ActionChecker, action: Action): Promise<boolean> {
  const project = checker.catalog.defaultProject;
  const runAll = async (label: string, statements: string[] = []): Promise<void> => {
    for (const [index, sql] of statements.entries()) await checker.statements(action, `${label}[${index}]`, sql);
  };
  if ("compiled" in action && "jitCode" in action.compiled && action.compiled.jitCode) {
    checker.warning(action, "jitCode", "is a JiT action: its SQL is written at run time, so it is not analyzed, nor is what reads it");
    return false;
  }
  switch (action.kind) {
    case "declaration":
      return checker.catalog.has(action.target);
    case "table":
    case "view":
    case "incremental": {
      const compiled: CompiledTable = action.compiled;
      const target = quoteTableName(action.target, project);
      await runAll("pre_operations", compiled.preOps);
      const rendered =
        action.kind === "view"
          ? createViewStatement(target, compiled.query, compiled.materialized ?? false)
          : createTableAsStatement(target, compiled.query, { partitionBy: compiled.bigquery?.partitionBy, clusterBy: compiled.bigquery?.clusterBy });
      const created = await checker.statement(action, "query", rendered);
      const layoutProblem = created && partitionProblem(created);
      if (layoutProblem) checker.problem(action, "query", `${layoutProblem} (bigquery.partitionBy "${compiled.bigquery?.partitionBy}")`);
      if (created?.columns) checker.catalog.add(action.target, created.columns);
      await runAll("post_operations", compiled.postOps);
      if (action.kind === "incremental" && created?.columns) {
        const columns = created.columns.map((column) => column.name);
        const query = compiled.incrementalQuery || compiled.query;
        const uniqueKey = compiled.uniqueKey ?? [];
        await runAll("incremental pre_operations", compiled.incrementalPreOps);
        await checker.statement(
          action,
          uniqueKey.length > 0 ? "incremental merge" : "incremental insert",
          uniqueKey.length > 0
            ? mergeStatement(target, query, uniqueKey, columns, {
                updatePartitionFilter: compiled.bigquery?.updatePartitionFilter,
                incrementalPredicates: compiled.bigquery?.incrementalPredicates,
              })
            : insertStatement(target, query, columns),
        );
        await runAll("incremental post_operations", compiled.incrementalPostOps);
      }
      return Boolean(created?.columns);
    }
    case "operation": {
      await runAll("operations", action.compiled.queries);
      if (!action.compiled.hasOutput) return true;
      return checker.catalog.has(action.target);
    }
    case "assertion":
      await checker.statement(action, "assertion", { sql: action.compiled.query, queryLineOffset: 0 });
      return true;
    case "test":
      await checker.statement(action, "test query", { sql: action.compiled.testQuery, queryLineOffset: 0 });
      await checker.statement(action, "expected output", { sql: action.compiled.expectedOutputQuery, queryLineOffset: 0 });
      return true;
    case "notebook":
      // Python, not SQL: nothing to analyze, and no table c360 check could describe.
      return false;
  }
}

export async function checkProject(options: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  // Awaited: compileProject is synchronous today and may become asynchronous.
  const graph = await compileProject({
    projectDir: options.projectDir,
    // BigQuery SQL: c360's dialect var, where the project follows that convention (config/project.ts).
    vars: { ...options.vars, ...dialectVar(options.vars, "bigquery") },
    projectConfigOverride: options.projectConfigOverride,
  });
  const compiled = performance.now();
  const analyzer = options.analyzer ?? (await BigQueryAnalyzer.start());
  const analyzerStarted = performance.now();
  try {
    const catalog = new BigQueryCatalog(graph.projectConfig?.defaultDatabase ?? "project");
    const checker = new ActionChecker(analyzer, catalog);
    const { actions } = buildActionGraph(graph);
    const landingSources = options.landingSources ?? loadProject({ projectDir: options.projectDir }).landingSources;
    const unknownDeclarations = new Set<string>();
    const declarations = new Map((graph.declarations ?? []).map((declaration) => [`${declaration.target.schema}.${declaration.target.name}`, declaration]));
    for (const action of actions.values()) {
      if (action.kind !== "declaration") continue;
      const schema = sourceSchema(declarations.get(action.name)!, landingSources);
      if (schema.ok) catalog.add(action.target, schema.columns);
      else if ("unknown" in schema) {
        checker.warning(action, "declaration", schema.unknown);
        unknownDeclarations.add(action.name);
      } else checker.problem(action, "declaration", schema.problem);
    }

    const unknownSchema = new Map<string, string>();
    const skipped: SkippedAction[] = [];
    let actionsChecked = 0;
    for (const action of analysisOrder(actions)) {
      const blocked = action.dependencies.find((dependency) => unknownSchema.has(dependency));
      if (blocked) {
        const because = `${blocked}'s schema is unknown (${unknownSchema.get(blocked)})`;
        skipped.push({ actionName: action.name, fileName: action.fileName, because });
        unknownSchema.set(action.name, `it reads ${blocked}`);
        continue;
      }
      const errorsBefore = checker.errors.length;
      if (action.kind !== "declaration") actionsChecked++;
      const knowsOutput = await checkAction(checker, action);
      if (!knowsOutput) {
        const readsUnknown = checker.unknownTables.get(action.name);
        const failed = checker.errors.length > errorsBefore || (action.kind === "declaration" && !unknownDeclarations.has(action.name));
        if (unknownDeclarations.has(action.name)) unknownSchema.set(action.name, "it declares no columns");
        else if (readsUnknown) unknownSchema.set(action.name, `it reads ${readsUnknown}, which the project does not declare`);
        else if (action.kind === "notebook") unknownSchema.set(action.name, "a notebook's output is not known to c360 check");
        else if ("jitCode" in action.compiled && action.compiled.jitCode) unknownSchema.set(action.name, "its SQL is written at run time (JiT)");
        else unknownSchema.set(action.name, failed ? "see its error" : "no statement in it creates its output");
        if (!failed && !readsUnknown && action.kind === "operation") {
          checker.warning(action, "operations", "has an output, but no statement in it creates a table c360 check can read: actions that read it are not analyzed");
        }
      }
    }

    const schemas = Object.fromEntries(
      [...actions.values()].flatMap((action) => {
        const table = catalog.get(action.target);
        return table && (action.kind !== "assertion" && action.kind !== "test") ? [[action.name, describeColumns(table.columns)]] : [];
      }),
    );
    locateInSourceFiles(options.projectDir, checker.errors);
    const finished = performance.now();
    return {
      ok: checker.errors.length === 0,
      errors: checker.errors,
      warnings: checker.warnings,
      skipped,
      actionsChecked,
      statementsAnalyzed: checker.statementsAnalyzed,
      schemas,
      timings: {
        compileSeconds: (compiled - started) / 1000,
        analyzerStartSeconds: options.analyzer ? 0 : (analyzerStarted - compiled) / 1000,
        analysisSeconds: (finished - analyzerStarted) / 1000,
        totalSeconds: (finished - started) / 1000,
      },
    };
  } finally {
    if (!options.analyzer) await analyzer.close();
  }
}

/**
 * Positions come from the compiled SQL; where the offending line appears exactly once in
 * the action's file (it holds no templating), point at the file's line instead.
 */
function locateInSourceFiles(projectDir: string, problems: CheckProblem[]): void {
  const files = new Map<string, string[] | undefined>();
  for (const problem of problems) {
    if (problem.line === undefined || !problem.sourceLine?.trim() || !problem.fileName) continue;
    if (!files.has(problem.fileName)) files.set(problem.fileName, readSourceLines(projectDir, problem.fileName));
    const line = lineInFile(files.get(problem.fileName) ?? [], problem.sourceLine);
    if (line !== undefined) {
      problem.line = line;
      problem.lineInFile = true;
    }
  }
}
