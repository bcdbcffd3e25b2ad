/**
 * `npm run bench -- --bigquery-bytes`: what a full and an incremental build would process on
 * BigQuery, by `--dry-run` against the contract-test double answering with estimated bytes
 * (tools/bigquery-bytes/). The landing folder is built on DuckDB (full, then incremental after
 * +1 % events and orders); the double is seeded with every resulting table (its BigQuery schema
 * from `c360 check`, its column sizes from DuckDB), and the BigQuery dialect of the project is
 * dry-run twice against it: with --full-refresh, and as an incremental build.
 *
 * Both dry runs see the tables as they are after the incremental build: exact for every read
 * of the full build, and for the incremental build's reads of upstream tables (built before it
 * in a real run); an incremental's reads of its own target count the increment too (at most
 * the rows it merged), which slightly overstates the incremental figure.
 */
import fs from "node:fs";
import path from "node:path";
import type { BigQueryOptions } from "@google-cloud/bigquery";
import { checkProject } from "../../src/check/check-project.js";
import type { ColumnTypes } from "../../src/check/catalog.js";
import { loadProject, type ProjectContext } from "../../src/config/project.js";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { openBigQueryEngine } from "../../src/engines/bigquery/index.js";
import { formatBytes } from "../../src/engines/bigquery/dry-run.js";
import { labelValue } from "../../src/engines/bigquery/labels.js";
import type { Engine, TableRef } from "../../src/engines/engine.js";
import type { Action } from "../../src/graph/actions.js";
import { runBuild } from "../../src/runner/build.js";
import { compileForTarget } from "../../src/runner/session.js";
import type { ActionResult } from "../../src/runner/results.js";
import { BigQueryContractServer } from "../../tests/engines/bigquery/contract-server.js";
import { columnBytesInDuckDb, type PartitionGranularity, partitionBytesInDuckDb } from "../bigquery-bytes/duckdb-sizes.js";
import { answerDryRunsWithEstimates, seedSizedTable } from "../bigquery-bytes/double.js";
import { DryRunBytesEstimator, type SizedTable, type SqlView, type StatementEstimate } from "../bigquery-bytes/estimator.js";
import { removeIncrement, writeIncrement } from "./increment.js";
import { cachedLanding } from "./landing-cache.js";

export interface BytesOptions {
  repoRoot: string;
  persons: number;
  seed: number;
  asOf: string;
  /** The BigQuery target of c360.json to compile for (default "prod"). */
  target?: string;
  log: (message: string) => void;
}

export interface ActionBytes {
  action: string;
  kind: string;
  statements: number;
  bytes: number;
  /** With BigQuery's on-demand minimum of 10 MB per table each statement references. */
  billedBytes: number;
}

export interface DryRunFigures {
  actions: ActionBytes[];
  totalBytes: number;
  totalBilledBytes: number;
  /** Actions whose dry run failed (none in a sound run), with the reason. */
  failed: { action: string; error: string }[];
  /** Statements that filter a partition column with a constant: BigQuery would prune, the estimate does not. */
  unprunedFilters: { action: string; table: string; column: string }[];
  /** Reads whose partitions were pruned: action, table, partitions read of the table's. */
  prunedReads: { action: string; table: string; read: number; total: number }[];
}

export interface BytesReport {
  workload: string;
  newRows: Record<string, number>;
  tables: number;
  /** Tables whose BigQuery schema was not known to c360 check, typed from DuckDB instead. */
  typedFromDuckDb: string[];
  full: DryRunFigures;
  incremental: DryRunFigures;
  /** Incremental total as a percentage of the full build's. */
  incrementalPercent: number;
  incrementalBilledPercent: number;
}

/** A statement the loader sends on BigQuery, priced like the build's. */
interface LoaderStatement {
  actionName: string;
  sql: string;
}

/**
 * What an incremental load sends on BigQuery besides its (free) load jobs: for each new part,
 * the delete of rows an earlier, interrupted load of it may have left (src/loader/part-load.ts,
 * on engines whose transactions do not cover loads). A DELETE is billed the whole table. A
 * full-refresh load replaces each bronze table by load job (WRITE_TRUNCATE) and sends none.
 */
function newPartDeletes(context: ProjectContext, project: string): LoaderStatement[] {
  const statements: LoaderStatement[] = [];
  for (const source of context.landingSources) {
    const folder = path.join(context.landingDir, path.dirname(source.file));
    const extension = path.extname(source.file);
    const stem = path.basename(source.file, extension);
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder).filter((file) => file.startsWith(`${stem}-`) && file.endsWith(`bench-increment${extension}`))) {
      const part = `${path.dirname(source.file)}/${name}`;
      statements.push({
        actionName: `load ${source.schema}.${source.table}`,
        sql: `delete from \`${project}.${source.schema}.${source.table}\` where _source_file = '${part.replaceAll("'", "\\'")}'`,
      });
    }
  }
  return statements;
}

/** A fixed bearer token: the double checks none. */
const STATIC_TOKEN = { getRequestHeaders: async () => new Headers({ authorization: "Bearer bench" }) } as unknown as BigQueryOptions["authClient"];

/** DuckDB type names of the framework's own tables (not actions: the build state, the load manifest) as BigQuery types. */
function bigQueryTypeOfDuckDb(type: string): string {
  const upper = type.toUpperCase();
  if (upper.startsWith("DECIMAL")) return "NUMERIC";
  if (upper.startsWith("TIMESTAMP")) return "TIMESTAMP";
  const simple: Record<string, string> = { VARCHAR: "STRING", BIGINT: "INT64", INTEGER: "INT64", HUGEINT: "INT64", SMALLINT: "INT64", DOUBLE: "FLOAT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL", DATE: "DATE", JSON: "JSON", BLOB: "BYTES" };
  const mapped = simple[upper];
  if (!mapped) throw new Error(`bigquery-bytes: no BigQuery type for DuckDB type ${type}`);
  return mapped;
}

/** The time unit of a column partitioning: date_trunc(x, MONTH) → MONTH, date(x) or a plain column → DAY; undefined for range_bucket. */
export function partitionGranularityOf(partitionBy: string | undefined): PartitionGranularity | undefined {
  if (!partitionBy || /^\s*range_bucket\s*\(/i.test(partitionBy)) return undefined;
  const unit = /,\s*(HOUR|DAY|MONTH|YEAR)\s*\)\s*$/i.exec(partitionBy)?.[1];
  return (unit?.toUpperCase() as PartitionGranularity | undefined) ?? "DAY";
}

/** The column a partitioning expression partitions by: order_date in date_trunc(order_date, month), interaction_ts in date(interaction_ts). */
export function partitionColumnOf(partitionBy: string | undefined): string | undefined {
  if (!partitionBy) return undefined;
  const match = /^\s*(?:[A-Za-z_][A-Za-z0-9_.]*\s*\(\s*)?`?([A-Za-z_][A-Za-z0-9_]*)`?/.exec(partitionBy);
  return match?.[1];
}

function tableKey(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

/** Every table of the DuckDB build, sized by BigQuery's rules and typed as the BigQuery dialect types it. */
async function sizedTables(duck: DuckDbEngine, bigQueryProject: { actions: Map<string, Action> }, schemas: Record<string, ColumnTypes>, project: string) {
  const bigQueryTables = new Map<string, { types?: ColumnTypes; partitionColumn?: string; granularity?: PartitionGranularity }>();
  const views: SqlView[] = [];
  const viewNames = new Set<string>();
  for (const action of bigQueryProject.actions.values()) {
    if (action.kind === "assertion" || action.kind === "test") continue;
    if (action.kind === "view") {
      const types = schemas[action.name];
      if (!types) throw new Error(`bigquery-bytes: c360 check reported no schema for view ${action.name}`);
      views.push({ database: project, schema: action.target.schema, name: action.target.name, columns: types, query: action.compiled.query });
      viewNames.add(tableKey(action.target));
      continue;
    }
    const compiled = action.compiled as { bigquery?: { partitionBy?: string } };
    const partitionBy = compiled.bigquery?.partitionBy;
    bigQueryTables.set(tableKey(action.target), { types: schemas[action.name], partitionColumn: partitionColumnOf(partitionBy), granularity: partitionGranularityOf(partitionBy) });
  }
  const tables: SizedTable[] = [];
  const typedFromDuckDb: string[] = [];
  for (const table of await duck.listTables()) {
    if (viewNames.has(tableKey(table))) continue;
    const known = bigQueryTables.get(tableKey(table));
    let columns = known?.types;
    if (!columns) {
      const described = (await duck.describeTable(table)) ?? [];
      columns = Object.fromEntries(described.map((column) => [column.name, bigQueryTypeOfDuckDb(column.type)]));
      typedFromDuckDb.push(tableKey(table));
    }
    const columnBytes = await columnBytesInDuckDb(duck, table, columns);
    const partitionColumn = known?.partitionColumn;
    const partitions = partitionColumn && known?.granularity ? await partitionBytesInDuckDb(duck, table, columns, partitionColumn, known.granularity) : undefined;
    tables.push({ database: project, schema: table.schema, name: table.name, columns, columnBytes, partitionColumn, partitions });
  }
  return { tables, views, typedFromDuckDb };
}

/** One dry-run build of the BigQuery dialect against a fresh double seeded with `tables`. */
async function dryRunBuild(context: ProjectContext, sized: { tables: SizedTable[]; views: SqlView[] }, fullRefresh: boolean, loaderStatements: LoaderStatement[]): Promise<DryRunFigures> {
  const { tables, views } = sized;
  const server = new BigQueryContractServer();
  await server.start();
  const project = context.target.engine === "bigquery" ? context.target.project : "";
  const estimator = await DryRunBytesEstimator.start(project);
  try {
    for (const table of tables) seedSizedTable(server, estimator, table, context.target.engine === "bigquery" ? context.target.location : "US");
    for (const view of views) estimator.addView(view);
    const estimates = new Map<string, StatementEstimate>();
    answerDryRunsWithEstimates(server, estimator, (sql, estimate) => estimates.set(sql, estimate));
    if (context.target.engine !== "bigquery") throw new Error("bigquery-bytes: the target must be a BigQuery target");
    const engine = await openBigQueryEngine(context.target, { apiEndpoint: server.endpoint, authClient: STATIC_TOKEN, dryRun: true, cancelOnInterrupt: false, runId: "bytes", log: () => {} });
    let results: ActionResult[];
    const compiled = compileForTarget(context);
    try {
      const outcome = await runBuild(context, {
        engine,
        project: compiled,
        steps: "build",
        // A dry run reads no load manifest (its queries return no rows), so its loader would
        // take every part for new: the loader's statements are priced apart (loaderStatements).
        load: false,
        checkBronze: false,
        execution: { threads: 2, fullRefresh },
      });
      results = outcome.results;
      for (const statement of loaderStatements) await engine.execute(statement.sql, { actionName: statement.actionName });
    } finally {
      await engine.close();
    }
    const report = engine.dryRunReport();
    // Billed bytes per action: the double saw each statement with its job's c360_action label.
    const billed = new Map<string, number>();
    const unprunedFilters: DryRunFigures["unprunedFilters"] = [];
    const prunedReads: DryRunFigures["prunedReads"] = [];
    for (const request of server.requestsTo("POST", /\/jobs$/)) {
      const configuration = (request.body as { configuration?: { dryRun?: boolean; query?: { query: string }; labels?: Record<string, string> } })?.configuration;
      if (!configuration?.dryRun || !configuration.query) continue;
      const estimate = estimates.get(configuration.query.query);
      const label = configuration.labels?.c360_action ?? "";
      if (!estimate) continue;
      billed.set(label, (billed.get(label) ?? 0) + estimate.billedBytes);
      for (const filter of estimate.unprunedFilters) unprunedFilters.push({ action: label, ...filter });
      for (const read of estimate.reads) if (read.partitions) prunedReads.push({ action: label, table: read.table, ...read.partitions });
    }
    const kinds = new Map([...compiled.actions.values()].map((action) => [action.name, action.kind as string]));
    const actions = report.actions.map((action) => ({
      action: action.actionName,
      kind: kinds.get(action.actionName) ?? "framework",
      statements: action.statements,
      bytes: action.bytesProcessed,
      billedBytes: billed.get(labelValue(action.actionName)) ?? 0,
    }));
    const failed = results.filter((result) => result.status === "failed").map((result) => ({ action: result.name, error: result.error ?? "" }));
    return {
      actions,
      totalBytes: report.totalBytes,
      totalBilledBytes: actions.reduce((sum, action) => sum + action.billedBytes, 0),
      failed,
      unprunedFilters,
      prunedReads,
    };
  } finally {
    await estimator.close();
    await server.stop();
  }
}

export async function measureBigQueryBytes(options: BytesOptions): Promise<BytesReport> {
  const { repoRoot, persons, seed, asOf, log } = options;
  const landing = cachedLanding(repoRoot, persons, seed, asOf);
  const vars = { as_of_date: asOf };
  const local = loadProject({ projectDir: repoRoot, vars, landing: landing.landingDir, target: "local" });
  const bigQuery = loadProject({ projectDir: repoRoot, vars, landing: landing.landingDir, target: options.target ?? "prod" });
  if (bigQuery.target.engine !== "bigquery") throw new Error(`bigquery-bytes: target ${bigQuery.targetName} is not a BigQuery target`);

  const workDir = path.join(repoRoot, "target", "bench-bigquery-bytes");
  fs.rmSync(workDir, { recursive: true, force: true });
  const duck = await DuckDbEngine.open(path.join(workDir, "bytes.duckdb"), { connections: 1, memoryLimit: "2GB" });
  let newRows: Record<string, number> = {};
  try {
    log(`DuckDB: full build of ${persons} persons...`);
    await runBuild(local, { engine: duck, steps: "run", load: { fullRefresh: true }, execution: { threads: 1, fullRefresh: true } });
    newRows = await writeIncrement(landing.landingDir);
    log(`DuckDB: incremental build after ${Object.entries(newRows).map(([what, rows]) => `+${rows} ${what}`).join(", ")}...`);
    await runBuild(local, { engine: duck, steps: "run", load: {}, execution: { threads: 1 } });

    log("BigQuery schemas (c360 check)...");
    const check = await checkProject({ projectDir: repoRoot, vars: { ...vars, dialect: "bigquery" } });
    const compiled = compileForTarget(bigQuery);
    const sized = await sizedTables(duck, compiled, check.schemas, bigQuery.target.project);
    const { tables, typedFromDuckDb } = sized;
    await duck.close();

    log(`dry run of the full build against the double (${tables.length} tables, ${sized.views.length} views)...`);
    const full = await dryRunBuild(bigQuery, sized, true, []);
    log("dry run of the incremental build...");
    const incremental = await dryRunBuild(bigQuery, sized, false, newPartDeletes(bigQuery, bigQuery.target.project));
    return {
      workload: `${persons.toLocaleString("en-US")} persons (seed ${seed}, as of ${asOf})`,
      newRows,
      tables: tables.length,
      typedFromDuckDb,
      full,
      incremental,
      incrementalPercent: (100 * incremental.totalBytes) / full.totalBytes,
      incrementalBilledPercent: (100 * incremental.totalBilledBytes) / full.totalBilledBytes,
    };
  } finally {
    removeIncrement(landing.landingDir);
    await duck.close().catch(() => {});
  }
}

export function formatBytesReport(report: BytesReport): string {
  const byAction = new Map<string, { kind: string; full?: ActionBytes; incremental?: ActionBytes }>();
  for (const action of report.full.actions) byAction.set(action.action, { kind: action.kind, full: action });
  for (const action of report.incremental.actions) byAction.set(action.action, { ...(byAction.get(action.action) ?? { kind: action.kind }), incremental: action });
  const width = Math.max(6, ...[...byAction.keys()].map((name) => name.length));
  const cell = (bytes: number | undefined) => (bytes === undefined ? "—" : formatBytes(bytes)).padStart(11);
  const lines = [
    `BigQuery bytes processed (dry run against the estimating double): ${report.workload}, incremental after ${Object.entries(report.newRows).map(([what, rows]) => `+${rows} ${what}`).join(", ")}`,
    `  ${"action".padEnd(width)}  ${"kind".padEnd(11)}  ${"full".padStart(11)}  ${"incremental".padStart(11)}`,
  ];
  for (const [name, row] of [...byAction].sort(([left], [right]) => left.localeCompare(right))) {
    lines.push(`  ${name.padEnd(width)}  ${row.kind.padEnd(11)}  ${cell(row.full?.bytes)}  ${cell(row.incremental?.bytes)}`);
  }
  const group = (figures: DryRunFigures, kinds: (kind: string) => boolean) => figures.actions.filter((action) => kinds(action.kind)).reduce((sum, action) => sum + action.bytes, 0);
  const groups: [string, (kind: string) => boolean][] = [
    ["  tables, incrementals, operations", (kind) => kind !== "assertion" && kind !== "framework"],
    ["  assertions", (kind) => kind === "assertion"],
    ["  loader (deletes before new parts)", (kind) => kind === "framework"],
  ];
  for (const [label, kinds] of groups) lines.push(`  ${label.padEnd(width)}  ${"".padEnd(11)}  ${cell(group(report.full, kinds))}  ${cell(group(report.incremental, kinds))}`);
  lines.push(`  ${"total processed".padEnd(width)}  ${"".padEnd(11)}  ${cell(report.full.totalBytes)}  ${cell(report.incremental.totalBytes)}`);
  lines.push(`  ${"total billed (10 MB min/table)".padEnd(width)}  ${"".padEnd(11)}  ${cell(report.full.totalBilledBytes)}  ${cell(report.incremental.totalBilledBytes)}`);
  lines.push("");
  lines.push(`incremental / full: ${report.incrementalPercent.toFixed(1)} % of bytes processed, ${report.incrementalBilledPercent.toFixed(1)} % of bytes billed on demand`);
  const filters = [...report.full.unprunedFilters, ...report.incremental.unprunedFilters];
  if (filters.length > 0) {
    lines.push(`constant filters on a partition column of a table without partition sizes (counted whole: upper bounds): ${[...new Set(filters.map((filter) => `${filter.action} (${filter.table}.${filter.column})`))].join(", ")}`);
  }
  const pruned = [...report.full.prunedReads, ...report.incremental.prunedReads];
  lines.push(
    pruned.length === 0
      ? "partition pruning: no statement bounds a partition column with constants, so BigQuery prunes no partition"
      : `partition pruning: ${[...new Set(pruned.map((read) => `${read.action} reads ${read.read} of ${read.total} partitions of ${read.table}`))].join("; ")}`,
  );
  for (const failure of [...report.full.failed, ...report.incremental.failed]) lines.push(`FAILED dry run: ${failure.action}: ${failure.error}`);
  if (report.typedFromDuckDb.length > 0) lines.push(`typed from DuckDB (not actions of the project): ${report.typedFromDuckDb.join(", ")}`);
  return lines.join("\n");
}
