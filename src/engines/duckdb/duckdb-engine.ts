/**
 * The embedded default warehouse: DuckDB in this process, one database file per target.
 * Gives Dataform's BigQuery execution semantics (see ARCHITECTURE.md "Execution semantics").
 */
import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { C360Error, errorMessage, ExecutionError } from "../../errors.js";
import { faultPoint } from "../../faults.js";
import type {
  ColumnInfo,
  Engine,
  EngineCapabilities,
  InsertOptions,
  LoadColumn,
  LoadRequest,
  MergeOptions,
  MetadataOptions,
  QueryResult,
  Row,
  StagedFileLoad,
  StatementOptions,
  StatementResult,
  TableLayout,
  TableMetadata,
  TableRef,
  ViewOptions,
} from "../engine.js";
import { executeInOrder } from "../engine.js";
import { CatalogCache, type DescribedObject, mayChangeCatalog, objectKey, tableNamedBy, type TransactionInvalidations } from "./catalog-cache.js";
import { ConnectionPool } from "./connection-pool.js";
import { quoteIdentifier, rewriteDataformReferences } from "./references.js";
import { duckType, stagedInsertSql } from "./staged-load.js";
import {
  alterColumnsStatements,
  commentStatements,
  createTableAsStatement,
  createViewStatement,
  insertStatement,
  MATERIALIZED_VIEW_SUBSTITUTE,
  mergeIntoStatement,
  stageIncrementStatement,
} from "./statements.js";
import type { StatementLog } from "./statement-log.js";
import { BLOCK_ALLOCATOR_OFF, configuredBlockAllocatorMemory, sizeBlockMemoryToMemoryLimit } from "./block-memory.js";
import { enableDuckDbLog } from "./checkpoint-vacuums.js";
import { runOnOwnConnection } from "./instance-statement.js";
import { floatColumns, readerToRows } from "./values.js";

export interface DuckDbOptions {
  /** Concurrent connections (independent actions run in parallel). */
  connections?: number;
  /** DuckDB worker threads per query; defaults to DuckDB's own choice (cores). */
  threads?: number;
  /** e.g. "4GB"; defaults to DuckDB's own (80 % of RAM). */
  memoryLimit?: string;
  /** DuckDB's block_allocator_memory, e.g. "2GB", or "off"; defaults to the memory limit (block-memory.ts). */
  blockAllocatorMemory?: string;
  /** Storage format of a database file DuckDB creates (ATTACH ... STORAGE_VERSION): "latest" (the default) or e.g. "v1.0.0". */
  storageVersion?: string;
  /** Open an existing file for reading only: other readers may share it (a writer may not). */
  readOnly?: boolean;
  /**
   * Projects other than the repository's default that the graph names (`database:` in a
   * config, or a declaration's project): each is a catalog of its own, a database file
   * beside the warehouse file (projectDatabaseFile). Files of earlier builds are attached too.
   */
  projects?: string[];
  /** Told every statement (action, seconds, SQL) and every commit: `--statement-log`. */
  statementLog?: StatementLog;
  /** Diagnostics: keep DuckDB's log (checkpoint-vacuums.ts), e.g. to list the row groups checkpoints merge. */
  logDuckDb?: boolean;
}

/** The database file that holds another project's tables: `<warehouse>.<project>.duckdb` beside the warehouse file. */
export function projectDatabaseFile(warehouseFile: string, project: string): string {
  const parsed = path.parse(warehouseFile);
  return path.join(parsed.dir, `${parsed.name}.${project}.duckdb`);
}

/** Project ids that can name a file and a catalog as they are (BigQuery's: letters, digits, hyphens). */
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The other projects' files that earlier builds left beside the warehouse file. */
function existingProjectFiles(warehouseFile: string): string[] {
  const parsed = path.parse(warehouseFile);
  if (!fs.existsSync(parsed.dir)) return [];
  const prefix = `${parsed.name}.`;
  return fs
    .readdirSync(parsed.dir)
    .filter((file) => file.startsWith(prefix) && file.endsWith(".duckdb"))
    .map((file) => file.slice(prefix.length, -".duckdb".length))
    .filter((project) => PROJECT_ID.test(project));
}

/**
 * DuckDB writes new files in the v0.10.2 format unless told otherwise, for old readers. The
 * current format compresses faster: the 1 M-person benchmark on 2 cores, same day, same
 * code, took 428.9 s end to end against 491.1 s (run 281.5 s against 334.9 s), for the same
 * file size. A reader of the file then needs a DuckDB as recent as the one that wrote it
 * (c360.json: a target's storageVersion).
 */
export const DEFAULT_STORAGE_VERSION = "latest";

const APPENDER_FLUSH_ROWS = 100_000;
const RESET_INSERTION_ORDER = "reset session preserve_insertion_order";
/** Catalog alias of the attached database file; chosen so no Dataform schema clashes with it. */
const WAREHOUSE_CATALOG = "c360_warehouse";
/** The temporary table (private to its connection) that holds an incremental build's rows before they are merged. */
const MERGE_SOURCE = "c360_merge_source";
/** Results must not depend on the machine: every session computes in UTC. */
const SESSION_IN_UTC = "set TimeZone = 'UTC'";

/** Catalogs attached by openInInstance in this process: each gets a name of its own. */
let inInstanceCatalogs = 0;

/** A transaction open in an async context: what its DDL invalidated, and whom the statement log charges its commit. */
interface OpenTransaction extends TransactionInvalidations {
  /** The action of the transaction's last statement. */
  lastAction?: string;
}

/** Another process holds the database file: DuckDB lets one writer, or several readers, open a file. */
export class DatabaseBusyError extends C360Error {}

/** Attaches the database file as WAREHOUSE_CATALOG, in `storageVersion` format (an older file is upgraded to it), or read-only. */
async function attachWarehouse(instance: DuckDBInstance, file: string, storageVersion: string, readOnly: boolean): Promise<void> {
  const bootstrap = await instance.connect();
  const mode = readOnly ? "read_only" : `storage_version ${sqlString(storageVersion)}`;
  try {
    await bootstrap.run(`attach ${sqlString(file)} as ${quoteIdentifier(WAREHOUSE_CATALOG)} (${mode})`);
  } catch (error) {
    bootstrap.closeSync();
    instance.closeSync();
    const message = errorMessage(error);
    const holder = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(message);
    if (/Could not set lock on file/i.test(message)) {
      throw new DatabaseBusyError(
        `${file} is in use by another process${holder ? ` (PID ${holder[1]})` : ""}: a c360 build, run, test or seed is writing it` +
          `${readOnly ? "" : " (or a query is reading it)"}. Wait for it to finish, then try again.`,
        { cause: error },
      );
    }
    const hint = message.includes("cannot be lowered")
      ? ` The target's storageVersion in c360.json ("${storageVersion}") is older than the format the file already has: raise it, or delete the file and build again to write it in that format.`
      : "";
    throw new ExecutionError(`open ${file}`, message + hint, { cause: error });
  }
  bootstrap.closeSync();
}

/** Attaches each other project's database file (in memory for an in-memory warehouse) under the project's name. */
async function attachProjects(instance: DuckDBInstance, databasePath: string, options: DuckDbOptions): Promise<Set<string>> {
  const warehouseFile = databasePath === ":memory:" ? undefined : path.resolve(databasePath);
  // Read-only: only the files earlier builds wrote, opened read-only as the warehouse is.
  const wanted = options.readOnly ? [] : (options.projects ?? []);
  const projects = new Set([...wanted, ...(warehouseFile ? existingProjectFiles(warehouseFile) : [])]);
  for (const project of projects) {
    if (!PROJECT_ID.test(project) || project === WAREHOUSE_CATALOG) {
      throw new ExecutionError(`open ${databasePath}`, `project '${project}' cannot be a DuckDB catalog: its name must be letters, digits, '_' and '-'`);
    }
  }
  if (projects.size === 0) return new Set();
  const connection = await instance.connect();
  try {
    for (const project of projects) {
      const file = warehouseFile ? projectDatabaseFile(warehouseFile, project) : ":memory:";
      const storage = !warehouseFile ? "" : options.readOnly ? " (read_only)" : ` (storage_version ${sqlString(options.storageVersion ?? DEFAULT_STORAGE_VERSION)})`;
      await connection.run(`attach if not exists ${sqlString(file)} as ${quoteIdentifier(project)}${storage}`);
    }
  } catch (error) {
    throw new ExecutionError(`open ${databasePath}`, `cannot attach another project's database: ${errorMessage(error)}`, { cause: error });
  } finally {
    connection.closeSync();
  }
  return projects;
}

export class DuckDbEngine implements Engine {
  readonly dialect = "duckdb" as const;
  /** DuckDB's transactions cover DDL, loads and several tables, and a commit is durable (its write-ahead log). */
  readonly capabilities: EngineCapabilities = { transactions: true, materializedViews: false, descriptions: true, labels: false };
  private readonly schemasCreated = new Map<string, Promise<void>>();
  /** See views(). */
  private viewKeys?: Promise<Set<string>>;
  /** Tables' and views' kinds, columns and comments, between the DDL statements that change them. */
  private readonly catalogCache = new CatalogCache();
  /** The invalidations of the transaction() open in this async context (none outside one). */
  private readonly openTransaction = new AsyncLocalStorage<OpenTransaction>();
  /** Statements profiled so far (StatementLog.profileStatements): numbers the profile files. */
  private profiledStatements = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: ConnectionPool,
    readonly databasePath: string,
    /** Other projects' catalogs (three-part names keep their project part for these). */
    private readonly catalogs: ReadonlySet<string> = new Set(),
    /** The in-memory catalog this engine attached to an instance it shares (openInInstance): close() detaches it and leaves the instance open. */
    private readonly sharedInstanceCatalog?: string,
    private readonly statementLog?: StatementLog,
  ) {}

  /**
   * An in-memory warehouse of its own inside a DuckDB instance the caller keeps: a fresh
   * catalog attached to it (the connections' default), detached with everything in it by
   * close(), which leaves the instance open. Creating and closing an instance costs a tenth
   * of a second or more (its system catalog is built, then torn down); test suites that open
   * hundreds of small warehouses share a few instances this way. The instance's settings
   * (threads, memory) are the caller's; another project's catalog cannot be attached here.
   */
  static async openInInstance(instance: DuckDBInstance, options: Pick<DuckDbOptions, "connections" | "statementLog"> = {}): Promise<DuckDbEngine> {
    const catalog = `c360_memory_${++inInstanceCatalogs}`;
    await runOnOwnConnection(instance, `attach ':memory:' as ${quoteIdentifier(catalog)}`);
    const pool = new ConnectionPool(instance, Math.max(1, options.connections ?? 2), [SESSION_IN_UTC, `use ${quoteIdentifier(catalog)}`]);
    return new DuckDbEngine(instance, pool, ":memory:", new Set(), catalog, options.statementLog);
  }

  static async open(databasePath: string, options: DuckDbOptions = {}): Promise<DuckDbEngine> {
    if (databasePath !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true });
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    // DuckDB's block allocator (block-memory.ts), sized to the memory limit unless the target says otherwise.
    const blockMemory = configuredBlockAllocatorMemory(options);
    if (blockMemory !== undefined && blockMemory !== BLOCK_ALLOCATOR_OFF) config.block_allocator_memory = blockMemory;
    // The main database is in memory (the file is attached below), so DuckDB would spill to
    // ./.tmp of whatever folder the command runs in; spill beside the database file instead.
    if (databasePath !== ":memory:") config.temp_directory = `${path.resolve(databasePath)}.tmp`;
    const instance = await DuckDBInstance.create(":memory:", config);
    if (blockMemory === undefined) await sizeBlockMemoryToMemoryLimit(instance);
    if (options.logDuckDb) await enableDuckDbLog(instance);
    // A database file opened directly becomes a catalog named after the file (sales.duckdb
    // -> "sales"), and `sales.orders` is then ambiguous between that catalog and a schema
    // named sales. Attached under a fixed alias, schema-qualified names are unambiguous.
    const setup = [SESSION_IN_UTC];
    if (databasePath !== ":memory:") {
      await attachWarehouse(instance, path.resolve(databasePath), options.storageVersion ?? DEFAULT_STORAGE_VERSION, options.readOnly ?? false);
      setup.push(`use ${quoteIdentifier(WAREHOUSE_CATALOG)}`);
    }
    const catalogs = await attachProjects(instance, databasePath, options);
    const pool = new ConnectionPool(instance, Math.max(1, options.connections ?? 2), setup);
    return new DuckDbEngine(instance, pool, databasePath, catalogs, undefined, options.statementLog);
  }

  async execute(sql: string, options: StatementOptions = {}): Promise<StatementResult> {
    return this.executeTouching(sql, options);
  }

  /** execute(), naming the objects the statement may change (`touches`; undefined: whatever its text may change). */
  private async executeTouching(sql: string, options: StatementOptions, touches?: TableRef[]): Promise<StatementResult> {
    return this.pool.with(async (connection) => {
      const started = performance.now();
      const result = await this.run(connection, sql, options, touches);
      return { rowsAffected: result.rowsChanged, seconds: (performance.now() - started) / 1000 };
    });
  }

  async query(sql: string, options: StatementOptions = {}): Promise<Row[]> {
    return (await this.queryWithColumns(sql, options)).rows;
  }

  async queryWithColumns(sql: string, options: StatementOptions = {}): Promise<QueryResult> {
    return this.pool.with(async (connection) => {
      return this.changingCatalog(sql, undefined, () =>
        this.guarded(options.actionName ?? "query", sql, async () => {
          const reader = await connection.runAndReadAll(this.rewriteReferences(sql));
          return { columns: reader.columnNames().map((name, index) => ({ name, type: reader.columnType(index).toString() })), rows: readerToRows(reader) };
        }),
      );
    });
  }

  async queryFloatColumns(sql: string, options: StatementOptions = {}): Promise<Float64Array[]> {
    return this.pool.with(async (connection) =>
      this.changingCatalog(sql, undefined, () => this.guarded(options.actionName ?? "query", sql, async () => floatColumns(await connection.run(this.rewriteReferences(sql))))),
    );
  }

  async createTableAs(table: TableRef, query: string, _layout?: TableLayout, options: StatementOptions = {}): Promise<StatementResult> {
    // One statement in its own transaction: when the query fails the old table stays.
    const statement = createTableAsStatement(this.quoteTable(table), query);
    const create = () =>
      this.pool.with(async (connection) => {
        const started = performance.now();
        const rowsAffected = await this.createCounting(connection, statement, options, [table]);
        (await this.views()).delete(this.objectKey(table));
        return { rowsAffected, seconds: (performance.now() - started) / 1000 };
      });
    return (await this.views()).has(this.objectKey(table)) ? this.replacingOtherKind(table, "view", options, create) : create();
  }

  async createView(table: TableRef, query: string, options: ViewOptions = {}): Promise<StatementResult> {
    if (options.materialized) {
      const result = await this.createTableAs(table, query, undefined, options);
      return { ...result, warning: MATERIALIZED_VIEW_SUBSTITUTE };
    }
    const create = async () => {
      const result = await this.executeTouching(createViewStatement(this.quoteTable(table), query), options, [table]);
      (await this.views()).add(this.objectKey(table));
      return result;
    };
    // Views are few: the catalog of tables is read for them only.
    const holdsTable = !(await this.views()).has(this.objectKey(table)) && (await this.described(table))?.kind === "table";
    return holdsTable ? this.replacingOtherKind(table, "table", options, create) : create();
  }

  /**
   * The warehouse's views (objectKey), read once and kept as this engine creates objects, until
   * a statement of another kind may have changed them (changingCatalog: any that may be DDL but
   * creates or drops one table) or a transaction rolls back. DuckDB replaces a table or view only by one of the same kind, so an action whose
   * type changed (a table made a view, say) drops the old object first (replacingOtherKind), as
   * Dataform does; and an object that is no view here is a table (describeCreated).
   */
  private views(): Promise<Set<string>> {
    this.viewKeys ??= this.readRows("select database_name = current_database() as own, database_name, schema_name, view_name from duckdb_views() where not internal").then(
      (rows) =>
        new Set(
          rows
            .filter((row) => row.own === true || this.catalogs.has(String(row.database_name)))
            .map((row) => objectKey(row.own === true ? "" : String(row.database_name), String(row.schema_name), String(row.view_name))),
        ),
    );
    return this.viewKeys;
  }

  /** `create` after dropping the object of the other kind that holds the name, both in one transaction: a failed create leaves the old object. */
  private async replacingOtherKind(table: TableRef, existing: "table" | "view", options: StatementOptions, create: () => Promise<StatementResult>): Promise<StatementResult> {
    const replace = async () => {
      await this.execute(`drop ${existing} ${this.quoteTable(table)}`, options);
      if (existing === "view") (await this.views()).delete(this.objectKey(table));
      return create();
    };
    return this.inTransaction() ? replace() : this.transaction(replace);
  }

  async mergeInto(table: TableRef, query: string, uniqueKey: string[], options: MergeOptions = {}): Promise<StatementResult> {
    const columns = options.targetColumns ?? (await this.describeTable(table));
    if (!columns) throw new ExecutionError(options.actionName ?? table.name, `cannot merge into ${table.schema}.${table.name}: it does not exist`);
    const merge = mergeIntoStatement(this.quoteTable(table), MERGE_SOURCE, uniqueKey, columns.map((column) => column.name), options.filters);
    // The increment is computed first into a temporary table (the connection's own): DuckDB's
    // MERGE scans the whole target even for an empty source, seconds at tens of millions of
    // rows on every build that brings nothing new. An empty increment stops there.
    return this.pool.pin(async (connection) => {
      const started = performance.now();
      // A temporary table: no object of the catalogs the cache holds changes.
      const staged = await this.createCounting(connection, stageIncrementStatement(MERGE_SOURCE, query), options, []);
      faultPoint("merge.staged");
      let rowsAffected = 0;
      if (staged > 0) rowsAffected = Number((await this.run(connection, merge, options, [])).rowsChanged);
      faultPoint("merge.done");
      // Not in a finally: inside a transaction (the runner merges in one) a failed statement
      // blocks every other until the rollback, which drops the temporary table too; outside
      // one, the connection's next merge replaces it.
      await this.run(connection, `drop table ${MERGE_SOURCE}`, options, []);
      return { rowsAffected, seconds: (performance.now() - started) / 1000 };
    });
  }

  async insertInto(table: TableRef, query: string, options: InsertOptions = {}): Promise<StatementResult> {
    const columns = options.targetColumns ?? (await this.describeTable(table));
    if (!columns) throw new ExecutionError(options.actionName ?? table.name, `cannot insert into ${table.schema}.${table.name}: it does not exist`);
    return this.executeTouching(insertStatement(this.quoteTable(table), query, columns.map((column) => column.name)), options, []);
  }

  /** DESCRIBE binds and plans the query without running it. */
  async queryColumns(sql: string, options: StatementOptions = {}): Promise<ColumnInfo[]> {
    const rows = await this.readRows(`describe select * from (\n${sql}\n) as described_query`, options);
    return rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  }

  async alterColumns(table: TableRef, change: { add: ColumnInfo[]; drop: string[] }, options: StatementOptions = {}): Promise<StatementResult> {
    return executeInOrder(this, alterColumnsStatements(this.quoteTable(table), change), options);
  }

  /** COMMENT ON the table or view and its columns; labels have no DuckDB counterpart and are reported as not set. */
  async setMetadata(table: TableRef, metadata: TableMetadata, options: MetadataOptions = {}): Promise<{ warning?: string }> {
    const described = options.created ? await this.describeCreated(table) : await this.described(table);
    if (!described) throw new ExecutionError(options.actionName ?? table.name, `cannot set the description of ${table.schema}.${table.name}: it does not exist`);
    const { kind, comments } = described;
    const columns = described.columns.map((column) => column.name);
    const statements = commentStatements(this.quoteTable(table), kind, metadata, columns, comments);
    // One script in one commit: a commit per COMMENT cost about 4 times as much (a wide
    // table's 50 column descriptions, 0.12 s against 0.03 s), and all are set or none. Inside
    // a transaction already (a pinned connection), they join it.
    const setAll = async () => {
      await this.executeTouching(statements.join(";\n"), options, [table]);
    };
    if (statements.length > 0) await (this.pool.isPinned() ? setAll() : this.transaction(setAll));
    const labels = Object.keys(metadata.labels ?? {});
    return labels.length > 0 ? { warning: `labels not set (${labels.join(", ")}): DuckDB tables have no labels` } : {};
  }

  async describeTable(table: TableRef): Promise<ColumnInfo[] | undefined> {
    // Outside a transaction, the whole description, kept: the setMetadata that follows a merge
    // reads it too (a lookup of all of it costs about as much as one of the columns alone).
    // Copies: the cache's own entries must not change with what a caller does to them.
    if (!this.inTransaction()) return (await this.described(table))?.columns.map((column) => ({ ...column }));
    // Inside a transaction, read past the cache. Every table and view has a column, so no
    // column means no object: one catalog function scanned instead of three (describeObject).
    const rows = await this.readRows(
      `select column_name, data_type from duckdb_columns() where ${this.catalogCondition(table)} and table_name = ${sqlString(table.name)} order by column_index`,
    );
    return rows.length === 0 ? undefined : rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
  }

  async listTables(schema?: string): Promise<TableRef[]> {
    const filter = `where table_catalog = current_database() and ${schema ? `table_schema = ${sqlString(schema)}` : "table_schema not in ('information_schema', 'pg_catalog')"}`;
    return this.catalogCache.list(JSON.stringify(schema ?? null), this.inTransaction(), async () => {
      const rows = await this.readRows(`select table_schema, table_name from information_schema.tables ${filter} order by table_schema, table_name`);
      return rows.map((row) => ({ schema: String(row.table_schema), name: String(row.table_name) }));
    });
  }

  async ensureSchema(schema: string, database?: string): Promise<void> {
    // Parallel actions create the same schema at once; in DuckDB two concurrent
    // "create schema if not exists" conflict, so each schema is created once per engine.
    const catalog = this.catalogOf(database);
    const qualified = `${catalog ? `${quoteIdentifier(catalog)}.` : ""}${quoteIdentifier(schema)}`;
    let created = this.schemasCreated.get(qualified);
    if (!created) {
      // A new schema holds no table or view yet: nothing the catalog cache holds changes.
      created = this.executeTouching(`create schema if not exists ${qualified}`, {}, []).then(() => undefined);
      this.schemasCreated.set(qualified, created);
      created.catch(() => this.schemasCreated.delete(qualified));
    }
    await created;
  }

  async addColumn(table: TableRef, column: LoadColumn, options: StatementOptions = {}): Promise<void> {
    await this.executeTouching(`alter table ${this.quoteTable(table)} add column ${quoteIdentifier(column.name)} ${duckType(column.type)}`, options, [table]);
  }

  async load(request: LoadRequest): Promise<number> {
    const { target, columns } = request;
    await this.ensureSchema(target.schema);
    return this.pool.pin(async (connection) => {
      await this.createLoadTarget(connection, target, columns, request.mode);
      const appender = await connection.createAppender(target.name, target.schema);
      let written = 0;
      try {
        for await (const row of request.rows) {
          for (let index = 0; index < columns.length; index++) {
            const value = row[index];
            if (value === null || value === undefined) appender.appendNull();
            else if (columns[index].type === "integer") appender.appendBigInt(BigInt(value));
            else appender.appendVarchar(String(value));
          }
          appender.endRow();
          written++;
          if (written % APPENDER_FLUSH_ROWS === 0) appender.flushSync();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      return written;
    });
  }

  async loadStagedFile(request: StagedFileLoad): Promise<number> {
    const { target } = request;
    const actionName = `load ${target.schema}.${target.name}`;
    await this.ensureSchema(target.schema);
    return this.pool.pin(async (connection) => {
      await this.createLoadTarget(connection, target, request.columns, request.mode);
      // Run as written: the staged SQL holds backslashes (`\N`) that reference rewriting must not touch.
      const sql = stagedInsertSql(request, this.quoteTable(target));
      let written = 0;
      let failure: ExecutionError | undefined;
      try {
        // Staged rows carry their record and line numbers, so their physical order is free:
        // unordered inserts compress and write row groups on every thread, about twice as fast.
        await connection.run("set session preserve_insertion_order = false");
        const started = performance.now();
        faultPoint("engine.statement");
        written = (await connection.run(sql)).rowsChanged; // an insert: the catalog is as createLoadTarget left it
        this.statementLog?.record({ action: actionName, kind: "statement", seconds: (performance.now() - started) / 1000, sql });
      } catch (error) {
        failure = new ExecutionError(actionName, `cannot read staged file ${request.file}: ${errorMessage(error)}`, { cause: error });
      }
      try {
        await connection.run(RESET_INSERTION_ORDER);
      } catch (error) {
        // Inside a transaction the failed insert aborted, nothing runs until the rollback,
        // which resets the setting itself (transaction()); the insert's error is the one to report.
        if (!failure) throw error;
      }
      if (failure) throw failure;
      if (written !== request.rows) {
        throw new ExecutionError(actionName, `read ${written} rows from staged file ${request.file}, which holds ${request.rows}`);
      }
      return written;
    });
  }

  async replaceTable(target: TableRef, source: TableRef, options: StatementOptions = {}): Promise<void> {
    if (source.schema !== target.schema) throw new ExecutionError(options.actionName ?? target.name, `cannot replace ${target.schema}.${target.name} by a table of another schema (${source.schema})`);
    // Metadata only (no rows copied): inside transaction() it commits with everything else.
    await this.pool.pin(async (connection) => {
      await this.run(connection, `drop table if exists ${this.quoteTable(target)}`, options, [target]);
      await this.run(connection, `alter table ${this.quoteTable(source)} rename to ${quoteIdentifier(target.name)}`, options, [source, target]);
    });
  }

  quoteTable(table: TableRef): string {
    const catalog = this.catalogOf(table.database);
    return `${catalog ? `${quoteIdentifier(catalog)}.` : ""}${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
  }

  rewriteReferences(sql: string): string {
    return rewriteDataformReferences(sql, this.catalogs);
  }

  /** The attached catalog of another project, or undefined for the warehouse's own (the default project, or none). */
  private catalogOf(database: string | undefined): string | undefined {
    return database !== undefined && this.catalogs.has(database) ? database : undefined;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.pool.pin(async (connection) => {
      const invalidations: OpenTransaction = { all: false, objects: [], names: [] };
      await connection.run("begin transaction");
      let result: T;
      try {
        result = await this.openTransaction.run(invalidations, work);
        const committing = performance.now();
        await connection.run("commit");
        this.statementLog?.record({ action: invalidations.lastAction ?? "transaction", kind: "commit", seconds: (performance.now() - committing) / 1000, sql: "commit" });
      } catch (error) {
        await connection.run("rollback");
        // The views it created or replaced are undone: read them again when next needed.
        this.viewKeys = undefined;
        await connection.run(RESET_INSERTION_ORDER); // a staged load may have failed before restoring it
        throw error;
      } finally {
        // Committed or rolled back, the DDL inside is now what every connection sees (or undone).
        this.catalogCache.ended(invalidations);
      }
      // After the transaction, not in it: a failed checkpoint must not be answered with a rollback
      // of a transaction that has committed (DuckDB would report "no transaction is active"
      // instead of the checkpoint's own error).
      if (this.statementLog?.checkpointAfterCommit) {
        const checkpointing = performance.now();
        await connection.run("checkpoint");
        this.statementLog.record({ action: invalidations.lastAction ?? "transaction", kind: "checkpoint", seconds: (performance.now() - checkpointing) / 1000, sql: "checkpoint" });
      }
      return result;
    });
  }

  async close(): Promise<void> {
    this.pool.closeAll();
    if (this.sharedInstanceCatalog === undefined) {
      this.instance.closeSync();
      return;
    }
    await runOnOwnConnection(this.instance, `detach database if exists ${quoteIdentifier(this.sharedInstanceCatalog)}`);
  }

  /** A statement's work, behind its fault point, with DuckDB's error typed and named after the action (and logged, when asked). */
  private async guarded<T>(actionName: string, sql: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let failed = false;
    try {
      faultPoint("engine.statement");
      return await work();
    } catch (error) {
      failed = true;
      throw new ExecutionError(actionName, errorMessage(error), { cause: error });
    } finally {
      const transaction = this.openTransaction.getStore();
      if (transaction) transaction.lastAction = actionName;
      // As it ran: with Dataform's references rewritten to this warehouse's names.
      this.statementLog?.record({ action: actionName, kind: "statement", seconds: (performance.now() - started) / 1000, sql: this.rewriteReferences(sql), ...(failed ? { failed: true } : {}) });
    }
  }

  /** A CREATE TABLE AS, answered with the rows it wrote (DuckDB returns them as one "Count" value): no count(*) after it. */
  private async createCounting(connection: DuckDBConnection, statement: string, options: StatementOptions, touches?: TableRef[]): Promise<number> {
    const actionName = options.actionName ?? "statement";
    const written = await this.changingCatalog(statement, touches, () =>
      this.guarded(actionName, statement, () => this.profiled(connection, actionName, () => connection.runAndReadAll(this.rewriteReferences(statement)))),
    );
    return Number(written.getRows()[0]?.[0] ?? 0);
  }

  /** Runs a statement; `touches` names the objects it may change (undefined: whatever its text may change, mayChangeCatalog). */
  private async run(connection: DuckDBConnection, sql: string, options: StatementOptions, touches?: TableRef[]) {
    const actionName = options.actionName ?? "statement";
    return this.changingCatalog(sql, touches, () => this.guarded(actionName, sql, () => this.profiled(connection, actionName, () => connection.run(this.rewriteReferences(sql)))));
  }

  /** A statement's work, with DuckDB's JSON profile of it written to a file when the statement log asks (StatementLog.profileStatements). */
  private async profiled<T>(connection: DuckDBConnection, actionName: string, work: () => Promise<T>): Promise<T> {
    const request = this.statementLog?.profileStatements;
    if (!request || !actionName.includes(request.actionsMatching)) return work();
    this.profiledStatements++;
    const file = path.join(request.folder, `${String(this.profiledStatements).padStart(4, "0")}-${actionName.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
    await connection.run("pragma enable_profiling = 'json'");
    await connection.run(`pragma profiling_output = ${sqlString(file)}`);
    let failed = false;
    try {
      return await work();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      try {
        await connection.run("pragma disable_profiling");
      } catch (error) {
        // After a failed statement DuckDB may refuse anything but a rollback; the statement's
        // error is the one to report, and the rollback follows it.
        if (!failed) throw error;
      }
    }
  }

  /**
   * A statement's work, then (failed or not) the catalog cache told what it may have changed:
   * the objects it `touches`, or, when the caller cannot say and its text may be DDL, the objects
   * of the one table it creates or drops (tableNamedBy), else everything.
   */
  private async changingCatalog<T>(sql: string, touches: TableRef[] | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      const transaction = this.openTransaction.getStore();
      if (touches === undefined) {
        if (mayChangeCatalog(sql)) {
          const named = tableNamedBy(sql);
          if (named !== undefined) {
            // Creating or dropping one table leaves the views as they were (DuckDB refuses a
            // table statement on a view's name), so the list of views is kept.
            this.catalogCache.invalidateNamed(named, transaction);
          } else {
            this.catalogCache.invalidateAll(transaction);
            this.viewKeys = undefined;
          }
        }
      } else {
        for (const table of touches) this.catalogCache.invalidate(this.objectKey(table), transaction);
      }
    }
  }

  private async createLoadTarget(connection: DuckDBConnection, target: TableRef, columns: LoadColumn[], mode: LoadRequest["mode"]): Promise<void> {
    const definition = columns.map((column) => `${quoteIdentifier(column.name)} ${duckType(column.type)}`).join(", ");
    const verb = mode === "replace" ? "create or replace table" : "create table if not exists";
    await this.run(connection, `${verb} ${this.quoteTable(target)} (${definition})`, { actionName: `load ${target.schema}.${target.name}` }, [target]);
  }

  /**
   * A table's or view's kind and columns in one query of DuckDB's own catalog functions:
   * the information_schema views over them cost about 1.5 times as much, and an action
   * asks several times (merge, descriptions), which on small builds was a third of the
   * statements' time.
   */
  private async describeObject(table: TableRef): Promise<DescribedObject | undefined> {
    return (await this.describeObjects([table])).get(this.objectKey(table));
  }

  /**
   * Several tables' and views' descriptions in one query, by objectKey (absent: no such object).
   * The catalog functions build a row for every object of the database whatever the filter
   * keeps, so one query for several objects costs about what one for a single object does.
   */
  private async describeObjects(tables: readonly TableRef[]): Promise<Map<string, DescribedObject>> {
    const described = new Map<string, DescribedObject>();
    if (tables.length === 0) return described;
    const requested = new Set(tables.map((table) => this.objectKey(table)));
    const matching = (nameColumn: string) => tables.map((table) => `(${this.catalogCondition(table)} and ${nameColumn} = ${sqlString(table.name)})`).join(" or ");
    const rows = await this.readRows(
      `select objects.object_catalog, objects.schema_name, objects.object_name, objects.kind, objects.comment as object_comment, columns.column_name, columns.data_type, columns.comment as column_comment
      from (
        select table_oid as oid, case when database_name = current_database() then '' else database_name end as object_catalog, schema_name, table_name as object_name, 'table' as kind, comment from duckdb_tables() where ${matching("table_name")}
        union all
        select view_oid, case when database_name = current_database() then '' else database_name end, schema_name, view_name, 'view', comment from duckdb_views() where ${matching("view_name")}
      ) as objects
      left join duckdb_columns() as columns on columns.table_oid = objects.oid
      order by objects.oid, columns.column_index`,
    );
    for (const row of rows) {
      // The warehouse's own catalog is "" in the keys (objectKey), another project's its name.
      const key = objectKey(String(row.object_catalog), String(row.schema_name), String(row.object_name));
      if (!requested.has(key)) continue;
      let object = described.get(key);
      if (!object) {
        object = { kind: String(row.kind) === "view" ? "view" : "table", columns: [], comments: { description: row.object_comment === null ? null : String(row.object_comment), columns: new Map() } };
        described.set(key, object);
      }
      if (row.column_name === null) continue;
      object.columns.push({ name: String(row.column_name), type: String(row.data_type) });
      (object.comments.columns as Map<string, string | null>).set(String(row.column_name), row.column_comment === null ? null : String(row.column_comment));
    }
    return described;
  }

  /** See Engine.describeTables: the descriptions read in one query and kept in the catalog cache (outside a transaction). */
  async describeTables(tables: readonly TableRef[]): Promise<void> {
    if (this.inTransaction()) return;
    const keys = tables.map((table) => this.objectKey(table));
    await this.catalogCache.describeMany(keys, async () => this.describeObjects(tables));
  }

  /**
   * An object the action has just created (MetadataOptions.created): it has no comments yet,
   * so only its kind and columns are read. duckdb_tables() and duckdb_columns() build a row
   * for every object of the database (2 to 4 ms each for this repository's DAG, on every
   * action); the engine's list of views tells its kind (views()), and pragma_table_info reads
   * one table.
   */
  private async describeCreated(table: TableRef): Promise<DescribedObject> {
    const kind = (await this.views()).has(this.objectKey(table)) ? "view" : "table";
    const columns =
      kind === "view"
        ? ((await this.describeTable(table)) ?? [])
        : (await this.readRows(`select name, type from pragma_table_info(${sqlString(this.quoteTable(table))})`)).map((row) => ({ name: String(row.name), type: String(row.type) }));
    return { kind, columns, comments: { description: null, columns: new Map() } };
  }

  /** The catalog functions' filter for the table's database and schema. */
  private catalogCondition(table: TableRef): string {
    const catalog = this.catalogOf(table.database);
    return `database_name = ${catalog ? sqlString(catalog) : "current_database()"} and schema_name = ${sqlString(table.schema)}`;
  }

  /** The catalog cache's key of the table: its catalog ("" for the warehouse's own), schema and name. */
  private objectKey(table: TableRef): string {
    return objectKey(this.catalogOf(table.database) ?? "", table.schema, table.name);
  }

  /** The table's or view's kind, columns and comments: from the catalog cache outside a transaction. */
  private async described(table: TableRef): Promise<DescribedObject | undefined> {
    return this.catalogCache.describe(this.objectKey(table), this.inTransaction(), () => this.describeObject(table));
  }

  /** True inside transaction(): catalog lookups there read past the cache (they see its uncommitted DDL). */
  private inTransaction(): boolean {
    return this.openTransaction.getStore() !== undefined;
  }

  /** A query that changes nothing (catalog lookups, DESCRIBE): run past the catalog cache's invalidation. */
  private async readRows(sql: string, options: StatementOptions = {}): Promise<Row[]> {
    return this.pool.with((connection) => this.guarded(options.actionName ?? "query", sql, async () => readerToRows(await connection.runAndReadAll(this.rewriteReferences(sql)))));
  }
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
