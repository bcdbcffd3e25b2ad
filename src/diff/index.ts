/**
 * `c360 diff`: the relations a project publishes, compared between two builds (two DuckDB
 * files, or two targets of c360.json) the way a reviewer checks a change. See compare.ts
 * for what is compared and report.ts for the output.
 */
import path from "node:path";
import { compileProject } from "../compile/index.js";
import { loadProject, type ProjectContext } from "../config/project.js";
import { openEngine } from "../engines/open-engine.js";
import { UsageError } from "../errors.js";
import { type DiffOptions, type DiffReport, diffTables } from "./compare.js";
import { tablesToDiff } from "./published.js";
import { bigQueryConnection, type BigQuerySideSettings, type DiffConnection, openDuckDbFiles } from "./sides.js";

export { type DiffOptions, type DiffReport, type TableDiff } from "./compare.js";
export { DIFF_JSON_VERSION, formatDiffJson, formatDiffText } from "./report.js";

/** One side: a DuckDB file (relative to the working directory) or a target of c360.json. */
export interface SideSpec {
  file?: string;
  target?: string;
}

export interface DiffRequest extends DiffOptions {
  projectDir: string;
  vars?: Record<string, string>;
  a: SideSpec;
  b: SideSpec;
  /** Every table, view, incremental and declaration instead of the published tables. */
  all?: boolean;
  select?: string[];
  exclude?: string[];
}

type ResolvedSide = { engine: "duckdb"; file: string; label: string } | ({ engine: "bigquery"; context: ProjectContext } & BigQuerySideSettings);

function resolveSide(name: "a" | "b", spec: SideSpec, request: DiffRequest): ResolvedSide {
  if (spec.file !== undefined && spec.target !== undefined) throw new UsageError(`Side ${name}: give --${name} FILE or --target-${name} NAME, not both.`);
  if (spec.file !== undefined) return { engine: "duckdb", file: path.resolve(spec.file), label: spec.file };
  if (spec.target === undefined) throw new UsageError(`Side ${name} is missing: give --${name} FILE (a DuckDB database) or --target-${name} NAME (a target of c360.json).`);
  const context = loadProject({ projectDir: request.projectDir, target: spec.target, vars: request.vars });
  const { target } = context;
  if (target.engine === "duckdb") {
    if (target.database === ":memory:") throw new UsageError(`Target '${spec.target}' keeps its database in memory: there is no build to compare.`);
    const file = path.resolve(context.projectDir, target.database);
    return { engine: "duckdb", file, label: `target ${spec.target} (${target.database})` };
  }
  const suffix = target.datasetSuffix ? `, dataset suffix _${target.datasetSuffix}` : "";
  return { engine: "bigquery", context, label: `target ${spec.target} (${target.project}${suffix})`, project: target.project, datasetSuffix: target.datasetSuffix || undefined };
}

async function connect(a: ResolvedSide, b: ResolvedSide, compiledDefaultDatabase: string | undefined): Promise<DiffConnection> {
  if (a.engine === "duckdb" && b.engine === "duckdb") return openDuckDbFiles(a.file, b.file, { a: a.label, b: b.label });
  if (a.engine === "bigquery" && b.engine === "bigquery") {
    // The jobs run in the first target's project and location; both datasets must be in that location.
    const engine = await openEngine(a.context);
    return bigQueryConnection(engine, { ...a, compiledDefaultDatabase }, { ...b, compiledDefaultDatabase });
  }
  throw new UsageError("Both sides must be on the same engine: two DuckDB files/targets, or two BigQuery targets.");
}

export async function runDiff(request: DiffRequest): Promise<DiffReport> {
  if (!Number.isInteger(request.sampleSize) || request.sampleSize < 0) throw new UsageError(`--sample expects a whole number of rows (0 or more), got ${request.sampleSize}.`);
  if (request.tolerance !== undefined && !(Number.isFinite(request.tolerance) && request.tolerance >= 0)) {
    throw new UsageError(`--tolerance expects a number of 0 or more, got ${request.tolerance}.`);
  }
  const a = resolveSide("a", request.a, request);
  const b = resolveSide("b", request.b, request);
  // The graph tells which relations are published and their keys; the first side's vars compile it.
  const context = a.engine === "bigquery" ? a.context : loadProject({ projectDir: request.projectDir, target: request.a.target, vars: request.vars });
  const graph = compileProject({ projectDir: context.projectDir, vars: context.vars });
  const tables = tablesToDiff(graph, { all: request.all, select: request.select, exclude: request.exclude });
  const connection = await connect(a, b, graph.projectConfig?.defaultDatabase);
  try {
    return await diffTables(connection, tables, { sampleSize: request.sampleSize, tolerance: request.tolerance });
  } finally {
    await connection.close();
  }
}
