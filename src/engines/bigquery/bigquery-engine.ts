/**
 * The production warehouse: BigQuery through its REST API. Gives the execution semantics
 * Dataform gives on BigQuery (ARCHITECTURE.md "Execution semantics"): every statement is
 * one query job, labelled with the project, the action and the run; tables are replaced
 * atomically with CREATE OR REPLACE TABLE (partitioning and clustering from the action's
 * config); incrementals MERGE on their unique key; bronze rows arrive by load job.
 */
import { C360Error, ExecutionError, UnsupportedCapabilityError } from "../../errors.js";
import { faultPoint } from "../../faults.js";
import type {
  ColumnInfo,
  Engine,
  EngineCapabilities,
  InsertOptions,
  LoadColumn,
  LoadRequest,
  MergeOptions,
  QueryResult,
  Row,
  StatementOptions,
  StatementResult,
  TableLayout,
  TableMetadata,
  TableRef,
  ViewOptions,
} from "../engine.js";
import { executeInOrder } from "../engine.js";
import { DryRunRecorder, type DryRunReport } from "./dry-run.js";
import { type JobReference, type JobResource, type JobRunner, jobSeconds } from "./jobs.js";
import { bigQueryColumnType, loadSchema, removeStaged, stageRowsAsNdjson } from "./load.js";
import { type BigQueryRest, isAlreadyExists, isNotFound } from "./rest.js";
import {
  alterColumnsStatements,
  createEmptyTableStatement,
  createTableAsStatement,
  createViewStatement,
  insertStatement,
  mergeStatement,
  quoteIdentifier,
  quoteTableName,
  type SchemaField,
  tableMetadataPatch,
} from "./statements.js";
import { schemaToColumns, type TableFieldSchema } from "./values.js";

/** A query job's configuration beyond its SQL: the action's reservation, if any. */
function jobConfiguration(options: StatementOptions): { reservation: string } | undefined {
  return options.reservation ? { reservation: options.reservation } : undefined;
}

interface TableResource {
  type?: "TABLE" | "VIEW" | "MATERIALIZED_VIEW" | "EXTERNAL" | "SNAPSHOT";
  numRows?: string;
  schema?: { fields?: TableFieldSchema[] };
}

interface DatasetResource {
  location?: string;
}

/** BigQuery refuses CREATE OR REPLACE when the partitioning changes: the table must be dropped first. */
const LAYOUT_CHANGE = /Cannot replace a table with a different (partitioning|clustering) spec/i;

export interface BigQueryEngineSettings {
  project: string;
  location: string;
  dryRun: boolean;
}

export class BigQueryEngine implements Engine {
  readonly dialect = "bigquery" as const;
  /**
   * BigQuery has multi-statement transactions only inside one script or session, and they
   * reject DDL, which pre/post operations may hold: like Dataform on BigQuery, statements
   * run one job each, each atomic on its own (a MERGE or INSERT applies all its rows or none).
   */
  readonly capabilities: EngineCapabilities = { transactions: false, materializedViews: true, descriptions: true, labels: true };
  private readonly knownDatasets = new Set<string>();
  private readonly dryRuns = new DryRunRecorder();
  private readonly closeHooks: (() => void)[] = [];

  constructor(
    private readonly rest: BigQueryRest,
    private readonly jobs: JobRunner,
    readonly settings: BigQueryEngineSettings,
  ) {}

  /** Runs when close() is called (removes the Ctrl-C handler). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  async execute(sql: string, options: StatementOptions = {}): Promise<StatementResult> {
    const job = await this.run(sql, options);
    const affected = job.statistics?.query?.numDmlAffectedRows;
    return { rowsAffected: affected === undefined ? undefined : Number(affected), seconds: jobSeconds(job) };
  }

  async query(sql: string, options: StatementOptions = {}): Promise<Row[]> {
    return (await this.queryWithColumns(sql, options)).rows;
  }

  async queryWithColumns(sql: string, options: StatementOptions = {}): Promise<QueryResult> {
    const job = await this.run(sql, options);
    if (this.settings.dryRun) return { columns: [], rows: [] };
    return this.jobs.readResult(job.jobReference);
  }

  async createTableAs(table: TableRef, query: string, layout: TableLayout = {}, options: StatementOptions = {}): Promise<StatementResult> {
    const target = this.quoteTable(table);
    const statement = createTableAsStatement(target, query, layout).sql;
    if (this.settings.dryRun) return this.execute(statement, options);
    const existing = await this.tableResource(table);
    // A view of the same name is replaced by the table, as Dataform does when an action's type changes.
    if (existing && existing.type !== "TABLE") await this.execute(`drop ${existing.type === "MATERIALIZED_VIEW" ? "materialized view" : "view"} ${target}`, options);
    let result: StatementResult;
    try {
      result = await this.execute(statement, options);
    } catch (error) {
      if (!(error instanceof ExecutionError) || !LAYOUT_CHANGE.test(error.message)) throw error;
      // Only when the layout changed: the one case where replacing is not atomic.
      await this.execute(`drop table ${target}`, options);
      result = await this.execute(statement, options);
    }
    const created = await this.tableResource(table);
    return { ...result, rowsAffected: created?.numRows === undefined ? undefined : Number(created.numRows) };
  }

  async createView(table: TableRef, query: string, options: ViewOptions = {}): Promise<StatementResult> {
    const target = this.quoteTable(table);
    const materialized = options.materialized ?? false;
    if (!this.settings.dryRun) {
      // CREATE OR REPLACE cannot change an object's kind (table, view, materialized view): drop the other kind first.
      const existing = await this.tableResource(table);
      const wanted = materialized ? "MATERIALIZED_VIEW" : "VIEW";
      if (existing?.type && existing.type !== wanted) {
        const kind = existing.type === "TABLE" ? "table" : existing.type === "MATERIALIZED_VIEW" ? "materialized view" : "view";
        await this.execute(`drop ${kind} ${target}`, options);
      }
    }
    return this.execute(createViewStatement(target, query, materialized).sql, options);
  }

  async mergeInto(table: TableRef, query: string, uniqueKey: string[], options: MergeOptions = {}): Promise<StatementResult> {
    const columns = options.targetColumns?.map((column) => column.name) ?? (await this.requireColumns(table, options));
    return this.execute(mergeStatement(this.quoteTable(table), query, uniqueKey, columns, options.filters).sql, options);
  }

  /** tables.patch with the description, labels and column descriptions, as Dataform's BigQuery adapter sets them. */
  async setMetadata(table: TableRef, metadata: TableMetadata, options: StatementOptions = {}): Promise<{ warning?: string }> {
    if (this.settings.dryRun) return {};
    const resource = await this.tableResource(table);
    if (!resource) throw new ExecutionError(options.actionName ?? table.name, `cannot set the description of ${this.quoteTable(table)}: it does not exist`);
    await this.rest.request({
      method: "PATCH",
      path: `/datasets/${encodeURIComponent(table.schema)}/tables/${encodeURIComponent(table.name)}`,
      projectId: table.database ?? this.settings.project,
      json: tableMetadataPatch(metadata, (resource.schema?.fields ?? []) as unknown as SchemaField[]),
    });
    return {};
  }

  async insertInto(table: TableRef, query: string, options: InsertOptions = {}): Promise<StatementResult> {
    const columns = options.targetColumns?.map((column) => column.name) ?? (await this.requireColumns(table, options));
    return this.execute(insertStatement(this.quoteTable(table), query, columns).sql, options);
  }

  /** A dry-run job: BigQuery validates the query and reports its result's schema without running it or billing it (not counted in the --dry-run bytes). */
  async queryColumns(sql: string, options: StatementOptions = {}): Promise<ColumnInfo[]> {
    faultPoint("engine.statement");
    const job = await this.jobs.runQuery(sql, options.actionName, { dryRun: true, configuration: jobConfiguration(options) });
    const fields = job.statistics?.query?.schema?.fields;
    if (!fields) throw new ExecutionError(options.actionName ?? "statement", "BigQuery's dry run of the query gave no result schema", { statement: sql });
    return schemaToColumns(fields);
  }

  async alterColumns(table: TableRef, change: { add: ColumnInfo[]; drop: string[] }, options: StatementOptions = {}): Promise<StatementResult> {
    return executeInOrder(this, alterColumnsStatements(this.quoteTable(table), change), options);
  }

  async describeTable(table: TableRef): Promise<ColumnInfo[] | undefined> {
    const resource = await this.tableResource(table);
    return resource ? schemaToColumns(resource.schema?.fields ?? []) : undefined;
  }

  async listTables(schema?: string): Promise<TableRef[]> {
    const datasets = schema ? [schema] : await this.listDatasets();
    const tables: TableRef[] = [];
    for (const dataset of datasets) {
      let pageToken: string | undefined;
      do {
        let page: { tables?: { tableReference: { projectId: string; datasetId: string; tableId: string } }[]; nextPageToken?: string };
        try {
          page = await this.rest.request({ method: "GET", path: `/datasets/${encodeURIComponent(dataset)}/tables`, qs: { maxResults: 1000, pageToken } });
        } catch (error) {
          // A dataset not created yet (a dry run creates none) holds no tables.
          if (isNotFound(error)) break;
          throw error;
        }
        for (const { tableReference } of page.tables ?? []) {
          tables.push({ database: tableReference.projectId, schema: tableReference.datasetId, name: tableReference.tableId });
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    return tables.sort((left, right) => `${left.schema}.${left.name}`.localeCompare(`${right.schema}.${right.name}`));
  }

  /** Creates the dataset in the target's location when it does not exist (not in a dry run). */
  async ensureSchema(schema: string, database?: string): Promise<void> {
    const projectId = database ?? this.settings.project;
    const key = `${projectId}.${schema}`;
    if (this.knownDatasets.has(key) || this.settings.dryRun) return;
    const path = `/datasets/${encodeURIComponent(schema)}`;
    try {
      const dataset = await this.rest.request<DatasetResource>({ method: "GET", path, projectId });
      if (dataset.location && dataset.location.toUpperCase() !== this.settings.location.toUpperCase()) {
        throw new C360Error(
          `Dataset ${key} is in location ${dataset.location}, but the target runs jobs in ${this.settings.location}: BigQuery cannot write across locations. Use a target whose location is ${dataset.location}, or another dataset.`,
        );
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await this.rest.request({
          method: "POST",
          path: "/datasets",
          projectId,
          json: { datasetReference: { projectId, datasetId: schema }, location: this.settings.location },
        });
      } catch (createError) {
        // Another action of the same run created it first.
        if (!isAlreadyExists(createError)) throw createError;
      }
    }
    this.knownDatasets.add(key);
  }

  async addColumn(table: TableRef, column: LoadColumn, options: StatementOptions = {}): Promise<void> {
    await this.execute(`alter table ${this.quoteTable(table)} add column ${quoteIdentifier(column.name)} ${bigQueryColumnType(column)}`, options);
  }

  async load(request: LoadRequest): Promise<number> {
    const { target, columns } = request;
    const actionName = `load ${target.schema}.${target.name}`;
    await this.ensureSchema(target.schema, target.database);
    const staged = await stageRowsAsNdjson(request);
    try {
      if (this.settings.dryRun) return staged.rows;
      if (staged.rows === 0) {
        const typed = columns.map((column) => ({ name: column.name, type: bigQueryColumnType(column) }));
        await this.execute(createEmptyTableStatement(this.quoteTable(target), typed, request.mode === "replace"), { actionName });
        return 0;
      }
      const destinationTable = this.tableReference(target);
      faultPoint("engine.statement");
      const job = await this.jobs.runJob(
        actionName,
        (jobReference: JobReference) => ({
          jobReference,
          configuration: {
            load: {
              destinationTable,
              sourceFormat: "NEWLINE_DELIMITED_JSON",
              schema: { fields: loadSchema(columns) },
              writeDisposition: request.mode === "replace" ? "WRITE_TRUNCATE" : "WRITE_APPEND",
              createDisposition: "CREATE_IF_NEEDED",
              maxBadRecords: 0,
            },
            labels: this.jobs.labels(actionName),
          },
        }),
        false,
        (job) => this.rest.uploadJob<JobResource>(job, staged.file),
      );
      const loaded = Number(job.statistics?.load?.outputRows ?? staged.rows);
      if (loaded !== staged.rows) throw new ExecutionError(actionName, `the load job wrote ${loaded} rows, ${staged.rows} were sent`);
      return loaded;
    } finally {
      removeStaged(staged);
    }
  }

  /**
   * A copy job with WRITE_TRUNCATE (atomic, no bytes billed: BigQuery copies storage, not
   * rows through a query), then the source is dropped. A kill between the two leaves the
   * source behind: the loader drops leftover staging tables at its next run.
   */
  async replaceTable(target: TableRef, source: TableRef, options: StatementOptions = {}): Promise<void> {
    const actionName = options.actionName ?? `replace ${target.schema}.${target.name}`;
    if (this.settings.dryRun) return;
    faultPoint("engine.statement");
    await this.jobs.runJob(actionName, (jobReference: JobReference) => ({
      jobReference,
      configuration: {
        copy: {
          sourceTables: [this.tableReference(source)],
          destinationTable: this.tableReference(target),
          writeDisposition: "WRITE_TRUNCATE",
          createDisposition: "CREATE_IF_NEEDED",
        },
        labels: this.jobs.labels(actionName),
      },
    }));
    await this.execute(`drop table if exists ${this.quoteTable(source)}`, { actionName });
  }

  quoteTable(table: TableRef): string {
    return quoteTableName(table, this.settings.project);
  }

  /** Dataform renders `project.dataset.table`, which is already BigQuery's own name. */
  rewriteReferences(sql: string): string {
    return sql;
  }

  /** Refused: see capabilities (callers use runAtomically, which runs the work statement by statement here). */
  async transaction<T>(_work: () => Promise<T>): Promise<T> {
    throw new UnsupportedCapabilityError(
      "the BigQuery engine runs no multi-statement transactions (they reject DDL); each statement is one atomic job: use runAtomically",
    );
  }

  /** Asks BigQuery to cancel every job this engine is waiting for (Ctrl-C). */
  cancelRunningJobs(): ReturnType<JobRunner["cancelRunning"]> {
    return this.jobs.cancelRunning();
  }

  /** Bytes each action's statements would process, with the on-demand estimate (dry runs). */
  dryRunReport(): DryRunReport {
    return this.dryRuns.report();
  }

  async close(): Promise<void> {
    for (const hook of this.closeHooks.splice(0)) hook();
  }

  private tableReference(table: TableRef): { projectId: string; datasetId: string; tableId: string } {
    return { projectId: table.database ?? this.settings.project, datasetId: table.schema, tableId: table.name };
  }

  private async run(sql: string, options: StatementOptions): Promise<JobResource> {
    faultPoint("engine.statement");
    const job = await this.jobs.runQuery(sql, options.actionName, { dryRun: this.settings.dryRun, configuration: jobConfiguration(options) });
    if (this.settings.dryRun) {
      const bytes = job.statistics?.query?.totalBytesProcessed ?? job.statistics?.totalBytesProcessed ?? "0";
      this.dryRuns.record(options.actionName ?? "(statements)", Number(bytes));
    }
    return job;
  }

  private async requireColumns(table: TableRef, options: StatementOptions): Promise<string[]> {
    const columns = await this.describeTable(table);
    if (!columns) throw new ExecutionError(options.actionName ?? table.name, `cannot add rows to ${this.quoteTable(table)}: it does not exist`);
    return columns.map((column) => column.name);
  }

  private async tableResource(table: TableRef): Promise<TableResource | undefined> {
    try {
      return await this.rest.request<TableResource>({
        method: "GET",
        path: `/datasets/${encodeURIComponent(table.schema)}/tables/${encodeURIComponent(table.name)}`,
        projectId: table.database ?? this.settings.project,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async listDatasets(): Promise<string[]> {
    const datasets: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.rest.request<{ datasets?: { datasetReference: { datasetId: string } }[]; nextPageToken?: string }>({
        method: "GET",
        path: "/datasets",
        qs: { maxResults: 1000, pageToken },
      });
      datasets.push(...(page.datasets ?? []).map((dataset) => dataset.datasetReference.datasetId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return datasets;
  }
}
