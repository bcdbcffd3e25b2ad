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

/** A query's rows with the type of each result column (as describeTable names types). */
export interface QueryResult {
  columns: ColumnInfo[];
  rows: Row[];
}

export interface StatementResult {
  /** Rows inserted/updated/deleted, where the warehouse reports it. */
  rowsAffected?: number;
  /** Seconds the warehouse spent on the statement (engine time, for overhead figures). */
  seconds: number;
  /** What the engine did instead of what was asked, where it cannot do that (capabilities). */
  warning?: string;
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

/**
 * A staged file's layout (no header; every row ends with '\n'; the text is UTF-8):
 * - "csv": RFC 4180 fields separated by ',', quoted with '"' (a quote inside doubled).
 *   An unquoted `\N` is NULL, an unquoted empty field is the empty string, a quoted field
 *   is always text as written. Unquoted fields hold no '"', '\r' or '\n'.
 * - "lines": fields separated by the byte 0x01, never quoted: no field holds 0x01, '\r'
 *   or '\n'. A field that is exactly `\N` is NULL.
 * A row is at most 1 MiB.
 */
export type StagedFileFormat = "csv" | "lines";

/** Where a target column's value comes from: a column of the staged file, or one value for every row. */
export type StagedColumnSource = { fileColumn: number } | { constant: string | number | null };

/**
 * Bronze rows the loader staged in a plain file, for an engine's own bulk reader (much
 * faster than rows handed over one value at a time). The loader writes the file; the
 * engine reads it into the target and must produce exactly the rows the file describes.
 */
export interface StagedFileLoad {
  target: TableRef;
  /** The target table's columns (created as `load` would when missing). */
  columns: LoadColumn[];
  /** Absolute path of the staged file. */
  file: string;
  format: StagedFileFormat;
  /** Type of each column of the file, in order. */
  fileColumns: LoadColumn["type"][];
  /** For each target column, in order, where its value comes from. */
  sources: StagedColumnSource[];
  /** Rows in the file: the engine fails the load when it reads another number. */
  rows: number;
  mode: "replace" | "append";
}

export interface StatementOptions {
  /** The action issuing the statement, for labels and error messages. */
  actionName?: string;
  /** BigQuery reservation for the statement's job (config `reservation`, or the project's defaultReservation); no meaning on DuckDB. */
  reservation?: string;
}

export interface MetadataOptions extends StatementOptions {
  /**
   * The action has just created the table or view (create or replace, no statement since):
   * it carries no description yet, so an engine need not read the current ones first.
   */
  created?: boolean;
}

export type Dialect = "duckdb" | "bigquery";

/** Physical layout options a table may carry (BigQuery honours them; DuckDB ignores them). */
export interface TableLayout {
  partitionBy?: string;
  clusterBy?: string[];
}

/** A view's options beyond its query. */
export interface ViewOptions extends StatementOptions {
  /** BigQuery keeps it as a materialized view; an engine without them says what it built instead. */
  materialized?: boolean;
}

/**
 * The limits Dataform puts on an incremental merge (config `bigquery`): the condition
 * `DATAFORM_DEST.<updatePartitionFilter>` and each of `incrementalPredicates` join the
 * merge's match condition, written against the aliases DATAFORM_DEST (the table) and
 * DATAFORM_SOURCE (the new rows).
 */
export interface MergeFilters {
  updatePartitionFilter?: string;
  incrementalPredicates?: string[];
}

export interface InsertOptions extends StatementOptions {
  /**
   * The target's columns, when the caller has just described it (and nothing changed it
   * since): the engine then does not describe it again.
   */
  targetColumns?: ColumnInfo[];
}

export interface MergeOptions extends InsertOptions {
  filters?: MergeFilters;
}

/** What Dataform documents on a table or view: set after the action builds it. */
export interface TableMetadata {
  description?: string;
  /** Top-level columns' descriptions (nested paths are BigQuery-only and joined with '.'). */
  columns?: { path: string[]; description: string }[];
  labels?: Record<string, string>;
}

/** What an engine can do, declared rather than pretended (ARCHITECTURE.md "Engines"); the runner asks instead of assuming, and says what it did instead. */
export interface EngineCapabilities {
  /**
   * true: transaction() is real: every statement, load and DDL inside it (several tables
   * included) commits together or not at all, also when the process is killed. false:
   * transaction() refuses (UnsupportedCapabilityError); runAtomically runs the work
   * statement by statement, each atomic on its own.
   */
  transactions: boolean;
  materializedViews: boolean;
  /** Table and column descriptions. */
  descriptions: boolean;
  /** Key/value labels on tables. */
  labels: boolean;
}

export interface Engine {
  readonly dialect: Dialect;
  readonly capabilities: EngineCapabilities;
  /** Table action: create or replace from a query, atomically (a failure keeps the old table). */
  createTableAs(table: TableRef, query: string, layout?: TableLayout, options?: StatementOptions): Promise<StatementResult>;
  /** View action: create or replace view (materialized where asked and supported). */
  createView(table: TableRef, query: string, options?: ViewOptions): Promise<StatementResult>;
  /** Incremental action, later runs: merge the query's rows on the unique key (update matched, insert new). */
  mergeInto(table: TableRef, query: string, uniqueKey: string[], options?: MergeOptions): Promise<StatementResult>;
  /**
   * Sets the description, column descriptions and labels of a built table or view, as far
   * as the engine's capabilities go; returns a warning naming what it could not set.
   */
  setMetadata(table: TableRef, metadata: TableMetadata, options?: MetadataOptions): Promise<{ warning?: string }>;
  /** Incremental action without a unique key, later runs: append the query's rows, in the table's own columns (matched by name). */
  insertInto(table: TableRef, query: string, options?: InsertOptions): Promise<StatementResult>;
  /** Runs one statement (DDL/DML/query whose rows are discarded). */
  execute(sql: string, options?: StatementOptions): Promise<StatementResult>;
  /** Runs a query and returns its rows as plain JavaScript values. */
  query(sql: string, options?: StatementOptions): Promise<Row[]>;
  /** Runs a query and returns its rows and the result's column types (for output that must know a decimal from text). */
  queryWithColumns(sql: string, options?: StatementOptions): Promise<QueryResult>;
  /**
   * Optional: runs a query whose columns are all numbers and returns each column as doubles
   * (null as NaN), without a JavaScript object per row: a model fit reads hundreds of thousands
   * of rows. Engines without a faster way than query() leave it out.
   */
  queryFloatColumns?(sql: string, options?: StatementOptions): Promise<Float64Array[]>;
  /** Columns of a table or view, or undefined when it does not exist. */
  describeTable(table: TableRef): Promise<ColumnInfo[] | undefined>;
  /**
   * Optional: describes several tables in one round trip, so that describeTable answers each
   * from what it read (a caller about to ask about many, e.g. the loader's bronze tables).
   */
  describeTables?(tables: readonly TableRef[]): Promise<void>;
  /** The columns a query gives (names and types, as describeTable names them), without running it. */
  queryColumns(sql: string, options?: StatementOptions): Promise<ColumnInfo[]>;
  /** Adds and drops columns of an existing table (an incremental's onSchemaChange: EXTEND, SYNCHRONIZE); added columns are nullable. */
  alterColumns(table: TableRef, change: { add: ColumnInfo[]; drop: string[] }, options?: StatementOptions): Promise<StatementResult>;
  /** Tables and views in a schema (all schemas when omitted). */
  listTables(schema?: string): Promise<TableRef[]>;
  /** Creates the schema/dataset when it does not exist yet. */
  ensureSchema(schema: string, database?: string): Promise<void>;
  /** Adds a nullable column, typed as `load` types it: a table of an older layout catching up (the load manifest). */
  addColumn(table: TableRef, column: LoadColumn, options?: StatementOptions): Promise<void>;
  /** Writes rows into a table (bronze loading). Returns the number of rows written. */
  load(request: LoadRequest): Promise<number>;
  /**
   * Optional fast path for bronze loading: reads a staged file with the engine's own bulk
   * reader. Returns the number of rows written. Engines without it get rows via `load`.
   */
  loadStagedFile?(request: StagedFileLoad): Promise<number>;
  /**
   * Replaces `target` (its columns and rows) with the table `source`, which is gone afterwards.
   * Each replacement is atomic (readers see the old table or the new one); several commit
   * together only inside a real transaction() (capabilities.transactions).
   */
  replaceTable(target: TableRef, source: TableRef, options?: StatementOptions): Promise<void>;
  /** Renders a table reference in this warehouse's SQL. */
  quoteTable(table: TableRef): string;
  /** Rewrites the fully qualified references Dataform renders into this engine's names. */
  rewriteReferences(sql: string): string;
  /**
   * Runs statements atomically. Only for engines whose capabilities.transactions is true;
   * the others refuse (UnsupportedCapabilityError) rather than run the work unguarded:
   * callers choose what to do without one (runAtomically).
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Runs `statements` one after another (each its own statement, as `execute` runs it); their seconds are summed. */
export async function executeInOrder(engine: Engine, statements: readonly string[], options?: StatementOptions): Promise<StatementResult> {
  let seconds = 0;
  for (const statement of statements) seconds += (await engine.execute(statement, options)).seconds;
  return { seconds };
}

/**
 * In one transaction where the engine has them; otherwise statement by statement, each
 * atomic on its own (BigQuery's jobs: a MERGE or INSERT applies all its rows or none), as
 * Dataform runs them on BigQuery.
 */
export function runAtomically<T>(engine: Engine, work: () => Promise<T>): Promise<T> {
  return engine.capabilities.transactions ? engine.transaction(work) : work();
}
