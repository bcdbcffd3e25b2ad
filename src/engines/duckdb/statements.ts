/**
 * The DuckDB planner: the statements the DuckDB engine runs for each kind of action, as
 * pure functions of the action (tested without a database), like Dataform's
 * execution_sql.ts. The engine adapter only executes them (duckdb-engine.ts).
 */
import { mergeCondition } from "../bigquery/statements.js";
import type { MergeFilters, TableMetadata } from "../engine.js";
import { quoteIdentifier } from "./references.js";

/** DuckDB has no materialized views: what the engine builds instead, and what it tells the user. */
export const MATERIALIZED_VIEW_SUBSTITUTE =
  "DuckDB has no materialized views: built as a table from the view's query (refreshed on every run; BigQuery keeps it as a materialized view)";

/** Table action: one statement, atomic (a failing query keeps the old table). */
export function createTableAsStatement(target: string, query: string): string {
  return `create or replace table ${target} as (\n${query}\n)`;
}

export function createViewStatement(target: string, query: string): string {
  return `create or replace view ${target} as (\n${query}\n)`;
}

/** The increment is computed first into this connection-private table (see mergeIntoStatement). */
export function stageIncrementStatement(stagingTable: string, query: string): string {
  return `create or replace temp table ${stagingTable} as (\n${query}\n)`;
}

/**
 * Merge of the staged increment on the unique key, with Dataform's aliases and limits
 * (updatePartitionFilter, incrementalPredicates), the same condition as on BigQuery.
 * `columns` are the target table's.
 */
export function mergeIntoStatement(target: string, stagingTable: string, uniqueKey: string[], columns: string[], filters: MergeFilters = {}): string {
  const names = columns.map(quoteIdentifier);
  return (
    `merge into ${target} as DATAFORM_DEST using ${stagingTable} as DATAFORM_SOURCE on ${mergeCondition(uniqueKey, filters, quoteIdentifier)}\n` +
    `when matched then update set ${names.map((name) => `${name} = DATAFORM_SOURCE.${name}`).join(", ")}\n` +
    `when not matched then insert (${names.join(", ")}) values (${names.map((name) => `DATAFORM_SOURCE.${name}`).join(", ")})`
  );
}

/** Incremental without a unique key: append into the target's own `columns`, taken from the query by name (as on BigQuery). */
export function insertStatement(target: string, query: string, columns: string[]): string {
  const names = columns.map(quoteIdentifier).join(", ");
  return `insert into ${target} (${names})\nselect ${names} from (\n${query}\n) as insertions`;
}

/** onSchemaChange EXTEND / SYNCHRONIZE: one statement per column (DuckDB's ALTER TABLE takes one). */
export function alterColumnsStatements(target: string, change: { add: { name: string; type: string }[]; drop: string[] }): string[] {
  return [
    ...change.drop.map((name) => `alter table ${target} drop column ${quoteIdentifier(name)}`),
    ...change.add.map((column) => `alter table ${target} add column ${quoteIdentifier(column.name)} ${column.type}`),
  ];
}

function stringLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The comments an object carries now: its own, and each column's (null where none is set). */
export interface CurrentComments {
  description: string | null;
  columns: ReadonlyMap<string, string | null>;
}

/**
 * The description and column descriptions as COMMENT ON statements, for the columns the
 * object has (`existingColumns`; nested paths have no DuckDB column to carry them), leaving
 * out those the object already carries (`current`): an incremental table keeps its comments
 * through a merge, so a merge sets none again. Labels have no DuckDB counterpart: the engine
 * reports them as not set.
 */
export function commentStatements(target: string, kind: "table" | "view", metadata: TableMetadata, existingColumns: string[], current?: CurrentComments): string[] {
  const statements: string[] = [];
  if (metadata.description !== undefined && metadata.description !== current?.description) {
    statements.push(`comment on ${kind} ${target} is ${stringLiteral(metadata.description)}`);
  }
  const existing = new Set(existingColumns);
  for (const column of metadata.columns ?? []) {
    const [name] = column.path;
    if (column.path.length !== 1 || !existing.has(name) || current?.columns.get(name) === column.description) continue;
    statements.push(`comment on column ${target}.${quoteIdentifier(name)} is ${stringLiteral(column.description)}`);
  }
  return statements;
}
