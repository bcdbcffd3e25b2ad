/**
 * The BigQuery planner: the statements the engine runs for each kind of action, as pure
 * functions of the action (no warehouse needed to test them), rendered in one place so
 * that `c360 check` analyzes exactly the SQL a production run sends. Like Dataform's
 * execution_sql.ts; the engine adapter only executes them.
 */
import type { MergeFilters, TableLayout, TableMetadata, TableRef } from "../engine.js";

export interface RenderedStatement {
  sql: string;
  /** Lines before the action's own query starts (to map analyzer positions back to it). */
  queryLineOffset: number;
}

export function quoteIdentifier(identifier: string): string {
  return `\`${identifier.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``;
}

/** `project.dataset.table` quoted as one identifier, as Dataform renders references. */
export function quoteTableName(table: TableRef, defaultProject: string): string {
  return quoteIdentifier(`${table.database ?? defaultProject}.${table.schema}.${table.name}`);
}

export function stringLiteral(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'").replaceAll("\n", "\\n")}'`;
}

function lineCount(text: string): number {
  return text.split("\n").length - 1;
}

/** Table action: CREATE OR REPLACE TABLE is atomic in BigQuery (a failure keeps the old table). */
export function createTableAsStatement(target: string, query: string, layout: TableLayout = {}): RenderedStatement {
  let head = `create or replace table ${target}\n`;
  if (layout.partitionBy) head += `partition by ${layout.partitionBy}\n`;
  if (layout.clusterBy && layout.clusterBy.length > 0) head += `cluster by ${layout.clusterBy.map(quoteIdentifier).join(", ")}\n`;
  head += "as (\n";
  return { sql: `${head}${query}\n)`, queryLineOffset: lineCount(head) };
}

/** View action; `materialized: true` makes it a materialized view, as Dataform does. */
export function createViewStatement(target: string, query: string, materialized = false): RenderedStatement {
  const head = `create or replace ${materialized ? "materialized view" : "view"} ${target} as (\n`;
  return { sql: `${head}${query}\n)`, queryLineOffset: lineCount(head) };
}

/** The merge's aliases, which Dataform documents: incrementalPredicates are written against them. */
export const MERGE_TARGET_ALIAS = "DATAFORM_DEST";
export const MERGE_SOURCE_ALIAS = "DATAFORM_SOURCE";

/**
 * The merge's match condition: the unique key, then Dataform's limits on the target rows
 * (`DATAFORM_DEST.<updatePartitionFilter>` and every incremental predicate, parenthesised),
 * so a merge into a partitioned table scans only the partitions they allow. Shared with the
 * DuckDB planner: the predicates are the project's SQL and mean the same on both engines.
 */
export function mergeCondition(uniqueKey: string[], filters: MergeFilters = {}, quote: (name: string) => string = quoteIdentifier): string {
  const conditions = uniqueKey.map((key) => `${MERGE_TARGET_ALIAS}.${quote(key)} = ${MERGE_SOURCE_ALIAS}.${quote(key)}`);
  if (filters.updatePartitionFilter?.trim()) conditions.push(`${MERGE_TARGET_ALIAS}.${filters.updatePartitionFilter.trim()}`);
  for (const predicate of filters.incrementalPredicates ?? []) if (predicate.trim()) conditions.push(`(${predicate.trim()})`);
  return conditions.join(" and ");
}

/**
 * Incremental with a unique key: update matched rows, insert new ones (Dataform's own
 * MERGE on BigQuery). `columns` are the target table's.
 */
export function mergeStatement(target: string, query: string, uniqueKey: string[], columns: string[], filters: MergeFilters = {}): RenderedStatement {
  const names = columns.map(quoteIdentifier);
  const head = `merge ${target} as ${MERGE_TARGET_ALIAS}\nusing (\n`;
  const sql =
    `${head}${query}\n) as ${MERGE_SOURCE_ALIAS}\non ${mergeCondition(uniqueKey, filters)}\n` +
    `when matched then update set ${names.map((name) => `${name} = ${MERGE_SOURCE_ALIAS}.${name}`).join(", ")}\n` +
    `when not matched then insert (${names.join(", ")}) values (${names.map((name) => `${MERGE_SOURCE_ALIAS}.${name}`).join(", ")})`;
  return { sql, queryLineOffset: lineCount(head) };
}

/** Incremental without a unique key: append, taking the target's columns from the query by name. */
export function insertStatement(target: string, query: string, columns: string[]): RenderedStatement {
  const names = columns.map(quoteIdentifier).join(", ");
  const head = `insert into ${target} (${names})\nselect ${names} from (\n`;
  return { sql: `${head}${query}\n) as insertions`, queryLineOffset: lineCount(head) };
}

/** onSchemaChange EXTEND / SYNCHRONIZE: the drops, then the additions (new columns are NULLABLE), as Dataform alters the table. */
export function alterColumnsStatements(target: string, change: { add: { name: string; type: string }[]; drop: string[] }): string[] {
  const statements: string[] = [];
  if (change.drop.length > 0) statements.push(`alter table ${target} ${change.drop.map((name) => `drop column if exists ${quoteIdentifier(name)}`).join(", ")}`);
  if (change.add.length > 0) statements.push(`alter table ${target} ${change.add.map((column) => `add column if not exists ${quoteIdentifier(column.name)} ${column.type}`).join(", ")}`);
  return statements;
}

/** Bronze table without rows: a load job needs at least one byte of data. */
export function createEmptyTableStatement(target: string, columns: { name: string; type: string }[], replace: boolean): string {
  const verb = replace ? "create or replace table" : "create table if not exists";
  return `${verb} ${target} (${columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`).join(", ")})`;
}

/** A table's schema field, as tables.get returns it (only what the patch touches is typed). */
export interface SchemaField {
  name: string;
  description?: string;
  fields?: SchemaField[];
  [other: string]: unknown;
}

/**
 * The tables.patch body that sets an action's documentation, as Dataform's BigQuery adapter
 * does after a table or view is built: the description, the labels, and the schema with
 * each documented column's description (nested columns by path). The schema is sent whole
 * (BigQuery replaces it), every field as it was but for its description.
 */
export function tableMetadataPatch(metadata: TableMetadata, fields: SchemaField[]): Record<string, unknown> {
  const described = new Map((metadata.columns ?? []).map((column) => [column.path.join("."), column.description]));
  const withDescriptions = (level: SchemaField[], prefix: string[]): SchemaField[] =>
    level.map((field) => {
      const path = [...prefix, field.name];
      const description = described.get(path.join("."));
      const next: SchemaField = { ...field };
      if (description !== undefined) next.description = description;
      if (field.fields) next.fields = withDescriptions(field.fields, path);
      return next;
    });
  const patch: Record<string, unknown> = { schema: { fields: withDescriptions(fields, []) } };
  if (metadata.description !== undefined) patch.description = metadata.description;
  if (metadata.labels && Object.keys(metadata.labels).length > 0) patch.labels = metadata.labels;
  return patch;
}
