/**
 * The statements the BigQuery engine runs for each kind of action, rendered in one place
 * so that `c360 check` analyzes exactly the SQL a production run sends.
 */
import type { TableLayout, TableRef } from "../engine.js";

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

export function createViewStatement(target: string, query: string): RenderedStatement {
  const head = `create or replace view ${target} as (\n`;
  return { sql: `${head}${query}\n)`, queryLineOffset: lineCount(head) };
}

/**
 * Incremental with a unique key: update matched rows, insert new ones (Dataform's own
 * MERGE on BigQuery). `columns` are the target table's.
 */
export function mergeStatement(target: string, query: string, uniqueKey: string[], columns: string[]): RenderedStatement {
  const names = columns.map(quoteIdentifier);
  const head = `merge ${target} as target\nusing (\n`;
  const keyCondition = uniqueKey.map((key) => `target.${quoteIdentifier(key)} = source.${quoteIdentifier(key)}`).join(" and ");
  const sql =
    `${head}${query}\n) as source\non ${keyCondition}\n` +
    `when matched then update set ${names.map((name) => `${name} = source.${name}`).join(", ")}\n` +
    `when not matched then insert (${names.join(", ")}) values (${names.map((name) => `source.${name}`).join(", ")})`;
  return { sql, queryLineOffset: lineCount(head) };
}

/** Incremental without a unique key: append, taking the target's columns from the query by name. */
export function insertStatement(target: string, query: string, columns: string[]): RenderedStatement {
  const names = columns.map(quoteIdentifier).join(", ");
  const head = `insert into ${target} (${names})\nselect ${names} from (\n`;
  return { sql: `${head}${query}\n) as insertions`, queryLineOffset: lineCount(head) };
}

/** Bronze table without rows: a load job needs at least one byte of data. */
export function createEmptyTableStatement(target: string, columns: { name: string; type: string }[], replace: boolean): string {
  const verb = replace ? "create or replace table" : "create table if not exists";
  return `${verb} ${target} (${columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`).join(", ")})`;
}
