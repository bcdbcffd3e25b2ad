/**
 * The one interface every warehouse implements. Nothing above the engines knows which
 * warehouse it talks to: the runner, loader and test harness speak only this.
 */

/** A table or view in the warehouse, as Dataform names it. */
export interface TableRef {
  /** BigQuery project; ignored by DuckDB (one database file). */
  database?: string;
  /** Dataset (BigQuery) or schema (DuckDB). */
  schema: string;
  name: string;
}

export type Row = Record<string, unknown>;

export interface ColumnInfo {
  name: string;
  /** Warehouse type name as the engine reports it (e.g. VARCHAR, STRING, DECIMAL(38,9)). */
  type: string;
}

export interface StatementResult {
  /** Rows inserted/updated/deleted, where the warehouse reports it. */
  rowsAffected?: number;
  /** Seconds the warehouse spent on the statement (engine time, for overhead figures). */
  seconds: number;
}

/** A column of a bronze table: every bronze column is text except the bookkeeping ones. */
export interface LoadColumn {
  name: string;
  type: "text" | "integer";
}

export interface LoadRequest {
  target: TableRef;
  columns: LoadColumn[];
  /** Rows in column order. */
  rows: AsyncIterable<(string | number | null)[]> | Iterable<(string | number | null)[]>;
  /** replace: the table holds exactly these rows afterwards; append: added to what is there. */
  mode: "replace" | "append";
}

export interface StatementOptions {
  /** The action issuing the statement, for labels and error messages. */
  actionName?: string;
}

export type Dialect = "duckdb" | "bigquery";

/** Physical layout options a table may carry (BigQuery honours them; DuckDB ignores them). */
export interface TableLayout {
  partitionBy?: string;
  clusterBy?: string[];
}

export interface Engine {
  readonly dialect: Dialect;
  /** Table action: create or replace from a query, atomically (a failure keeps the old table). */
  createTableAs(table: TableRef, query: string, layout?: TableLayout, options?: StatementOptions): Promise<StatementResult>;
  /** View action: create or replace view. */
  createView(table: TableRef, query: string, options?: StatementOptions): Promise<StatementResult>;
  /** Incremental action, later runs: merge the query's rows on the unique key (update matched, insert new). */
  mergeInto(table: TableRef, query: string, uniqueKey: string[], options?: StatementOptions): Promise<StatementResult>;
  /** Incremental action without a unique key, later runs: append the query's rows. */
  insertInto(table: TableRef, query: string, options?: StatementOptions): Promise<StatementResult>;
  /** Runs one statement (DDL/DML/query whose rows are discarded). */
  execute(sql: string, options?: StatementOptions): Promise<StatementResult>;
  /** Runs a query and returns its rows as plain JavaScript values. */
  query(sql: string, options?: StatementOptions): Promise<Row[]>;
  /** Columns of a table or view, or undefined when it does not exist. */
  describeTable(table: TableRef): Promise<ColumnInfo[] | undefined>;
  /** Tables and views in a schema (all schemas when omitted). */
  listTables(schema?: string): Promise<TableRef[]>;
  /** Creates the schema/dataset when it does not exist yet. */
  ensureSchema(schema: string, database?: string): Promise<void>;
  /** Writes rows into a table (bronze loading). Returns the number of rows written. */
  load(request: LoadRequest): Promise<number>;
  /** Renders a table reference in this warehouse's SQL. */
  quoteTable(table: TableRef): string;
  /** Rewrites the fully qualified references Dataform renders into this engine's names. */
  rewriteReferences(sql: string): string;
  /** Runs statements atomically where the warehouse supports transactions. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
