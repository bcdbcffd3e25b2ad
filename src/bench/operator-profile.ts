/**
 * Where the time of the slowest actions goes, operator by operator: each action's query is
 * run again under DuckDB's EXPLAIN ANALYZE (a select: the plan writes nothing) and its costliest
 * operators are kept. This is what "profile the slowest actions" means in practice, kept in
 * the benchmark so nobody needs a private script to see why a model is slow.
 *
 * A table's build is its query plus writing the result, and on DuckDB writing (compressing
 * every column into blocks) can cost as much as the query. So each table and incremental is
 * also copied once into a scratch schema, timed and dropped: the copy's seconds are what
 * writing those rows costs on this machine, which the query plan does not show.
 */
import type { DuckDbEngine } from "../engines/duckdb/duckdb-engine.js";
import type { TableRef } from "../engines/engine.js";
import type { ActionGraph } from "../graph/actions.js";

/** Where the write probe copies a table; dropped with everything in it when profiling ends. */
export const PROFILE_SCHEMA = "c360_profile";

export interface OperatorFigure {
  operator: string;
  /** Operator time summed over DuckDB's threads (so up to threads × wall seconds). */
  seconds: number;
  rows: number;
  /** What the operator works on: its table, join condition, groups or window, shortened. */
  detail: string;
}

export interface ActionProfile {
  name: string;
  /** Wall seconds of the profiled query. */
  seconds: number;
  /** CPU seconds over all threads. */
  cpuSeconds: number;
  /**
   * Peak size of DuckDB's temporary folder (spill) so far in the process, as DuckDB reports it:
   * a system-wide peak, so it grows from one profile to the next; 0 means nothing spilled yet.
   */
  temporaryFolderPeakBytes: number;
  /** The costliest operators, costliest first. */
  operators: OperatorFigure[];
  /**
   * Tables and incrementals: wall seconds of `create table … as select * from` the built
   * table into a scratch schema (reading it back, then writing every row again), i.e. what
   * writing this output costs. Views and assertions write nothing: undefined.
   */
  copySeconds?: number;
  /** Rows copied (the table's rows when profiled). */
  copiedRows?: number;
  /** Its hash joins that hashed the larger side (LopsidedJoin), costliest first. */
  lopsidedJoins: LopsidedJoin[];
}

/**
 * A hash join whose hash table holds far more rows than it was probed with. DuckDB builds a
 * hash join's table on its second input and picks the sides by estimated sizes; a filtered
 * scan or a DISTINCT is estimated at about the size of the table it reads, so a lookup of a
 * few keys in a large table can come out the wrong way round: millions of rows hashed to be
 * probed by a few, or by none (dialect.fewValues is the remedy in the SQLX).
 */
export interface LopsidedJoin {
  /** The join operator's own seconds, summed over DuckDB's threads. */
  seconds: number;
  /** Rows of the first input (probed). */
  probeRows: number;
  /** Rows of the second input (hashed). */
  buildRows: number;
  detail: string;
}

/** Hashed at least this many times the rows probed, and at least LOPSIDED_BUILD_ROWS rows. */
export const LOPSIDED_RATIO = 10;
export const LOPSIDED_BUILD_ROWS = 100_000;

interface PlanNode {
  operator_name?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: PlanNode[];
  latency?: number;
  cpu_time?: number;
  system_peak_temp_dir_size?: number;
}

/** extra_info keys that say what an operator works on, most telling first. */
const DETAIL_KEYS = ["Table", "Join Type", "Conditions", "Groups", "Aggregates", "Projections", "Expression", "Function"];
const DETAIL_LENGTH = 160;

function detailOf(extraInfo: Record<string, unknown> | undefined): string {
  if (!extraInfo) return "";
  const parts = DETAIL_KEYS.filter((key) => extraInfo[key] !== undefined).map((key) => {
    const value = extraInfo[key];
    return `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`;
  });
  const detail = parts.join("; ").replace(/\s+/g, " ");
  return detail.length > DETAIL_LENGTH ? `${detail.slice(0, DETAIL_LENGTH - 1)}…` : detail;
}

function operatorsOf(node: PlanNode, into: OperatorFigure[]): OperatorFigure[] {
  if (node.operator_name && node.operator_name !== "EXPLAIN_ANALYZE") {
    into.push({ operator: node.operator_name.trim(), seconds: node.operator_timing ?? 0, rows: node.operator_cardinality ?? 0, detail: detailOf(node.extra_info) });
  }
  for (const child of node.children ?? []) operatorsOf(child, into);
  return into;
}

function lopsidedJoinsOf(node: PlanNode, into: LopsidedJoin[]): LopsidedJoin[] {
  const children = node.children ?? [];
  if (node.operator_name?.trim() === "HASH_JOIN" && children.length === 2) {
    const probeRows = children[0].operator_cardinality ?? 0;
    const buildRows = children[1].operator_cardinality ?? 0;
    if (buildRows >= LOPSIDED_BUILD_ROWS && buildRows >= LOPSIDED_RATIO * probeRows) {
      into.push({ seconds: node.operator_timing ?? 0, probeRows, buildRows, detail: detailOf(node.extra_info) });
    }
  }
  for (const child of children) lopsidedJoinsOf(child, into);
  return into;
}

/** The profile of one EXPLAIN (ANALYZE, FORMAT JSON) result. */
export function parseProfile(name: string, planJson: string, topOperators: number): ActionProfile {
  const root = JSON.parse(planJson) as PlanNode;
  const operators = operatorsOf(root, [])
    .sort((left, right) => right.seconds - left.seconds)
    .slice(0, topOperators);
  const lopsidedJoins = lopsidedJoinsOf(root, []).sort((left, right) => right.seconds - left.seconds);
  return { name, seconds: root.latency ?? 0, cpuSeconds: root.cpu_time ?? 0, temporaryFolderPeakBytes: root.system_peak_temp_dir_size ?? 0, operators, lopsidedJoins };
}

/**
 * Profiles the named tables, views, incrementals (the query of a full build) and assertions;
 * their inputs must be built, and a table or incremental must be built itself for its copy.
 * Operations and unit tests are left out: they have no single query.
 */
export async function profileActions(engine: DuckDbEngine, graph: ActionGraph, names: string[], topOperators = 6): Promise<ActionProfile[]> {
  if (names.length === 0) return [];
  const profiles: ActionProfile[] = [];
  // The scratch schema is dropped with its contents afterwards: never one that holds anything else.
  const existing = await engine.query(`select 1 from duckdb_schemas() where database_name = current_database() and schema_name = '${PROFILE_SCHEMA}'`, { actionName: "profile" });
  if (existing.length > 0) {
    throw new Error(`profile: schema ${PROFILE_SCHEMA} already exists in this database; the profile copies tables into it and drops it afterwards. Drop or rename it first.`);
  }
  // Not engine.ensureSchema: it remembers schemas it created, and this one is dropped at the end.
  await engine.execute(`create schema ${PROFILE_SCHEMA}`, { actionName: "profile" });
  try {
    for (const name of names) {
      const action = graph.actions.get(name);
      if (!action) continue;
      if (action.kind !== "table" && action.kind !== "view" && action.kind !== "incremental" && action.kind !== "assertion") continue;
      const query = action.compiled.query;
      const rows = await engine.query(`explain (analyze, format json) ${query}`, { actionName: `profile ${name}` });
      const plan = rows[0]?.explain_value;
      if (typeof plan !== "string") throw new Error(`profile ${name}: DuckDB returned no analyzed plan`);
      const profile = parseProfile(name, plan, topOperators);
      const writesTable = action.kind === "table" || action.kind === "incremental";
      profiles.push(writesTable ? { ...profile, ...(await timeCopy(engine, name, action.target)) } : profile);
    }
  } finally {
    await engine.execute(`drop schema ${PROFILE_SCHEMA} cascade`, { actionName: "profile clean-up" });
  }
  return profiles;
}

async function timeCopy(engine: DuckDbEngine, name: string, table: TableRef): Promise<{ copySeconds: number; copiedRows: number }> {
  const actionName = `profile ${name} (copy)`;
  const probe: TableRef = { schema: PROFILE_SCHEMA, name: "write_probe" };
  // The way a table action writes (createTableAs); its seconds are the statement's, not the row count's after it.
  const copy = await engine.createTableAs(probe, `select * from ${engine.quoteTable(table)}`, undefined, { actionName });
  await engine.execute(`drop table ${engine.quoteTable(probe)}`, { actionName });
  return { copySeconds: copy.seconds, copiedRows: copy.rowsAffected ?? 0 };
}
