/**
 * Estimates what a BigQuery dry run reports as totalBytesProcessed, from real data: the
 * ZetaSQL analyzer (the SQL front end BigQuery is built on, as `c360 check` runs it) says
 * which columns of which tables a statement references, and each column's logical size
 * (size-rules.ts, summed from a local copy of the table) is added up the way BigQuery bills
 * on-demand queries:
 * - a query, CREATE TABLE … AS SELECT or INSERT … SELECT: every referenced column of every
 *   table it reads, once per table however often it is read;
 * - UPDATE, DELETE, and MERGE with an UPDATE or DELETE clause: that, plus the changed table
 *   whole (all its columns: "q + t" in BigQuery's DML size calculation). The target's own
 *   referenced columns are part of the whole, not added again;
 * - CREATE VIEW and DDL without a query: nothing.
 * A view holds no data: reading one reads the columns its query references for the columns
 * read from it (the view is expanded, as BigQuery does), counted with the statement's own
 * reads of the same tables.
 * Partition pruning, as BigQuery does it for a table partitioned by a DATE or TIMESTAMP column:
 * when every scan of the table in the statement has a WHERE conjunct comparing its partition
 * column with a constant (=, <, <=, >, >=, BETWEEN), only the partitions whose range can meet
 * those bounds are counted (the table's sizes given per partition). Not modelled, so counted
 * whole: bounds that reach the column through a function, a view or a join condition, and the
 * target of a DML statement (pruned in BigQuery only by a constant filter in its ON or WHERE).
 * A statement whose filter compares a partition column with a constant on a table given
 * without partition sizes is reported in `unprunedFilters`, so that an overstated figure shows.
 * It knows no project: tables, their sizes and partition columns are given to it.
 */
import { C360Error } from "../../src/errors.js";
import { BigQueryCatalog, type ColumnTypes } from "../../src/check/catalog.js";
import { BIGQUERY_ANALYZER_OPTIONS } from "../../src/check/zetasql/bigquery-language.js";
import type { AnalyzerOptionsProto, SimpleCatalogProto } from "../../src/check/zetasql/protos.js";
import { type ResolvedColumn, summarizeStatement } from "../../src/check/zetasql/resolved-output.js";
import { ZetaSqlRejection, ZetaSqlService } from "../../src/check/zetasql/service.js";
import { type ColumnBound, type StatementReads, statementReads } from "./referenced-columns.js";

/** BigQuery's on-demand minimum: 10 MB per table a query references, and per query. */
export const MINIMUM_BILLED_BYTES_PER_TABLE = 10 * 1024 * 1024;

export interface SizedTable {
  /** project, dataset, table. */
  database: string;
  schema: string;
  name: string;
  columns: ColumnTypes;
  /** Logical bytes of each column (size-rules.ts), by column name. */
  columnBytes: Record<string, number>;
  /** The column a partitioned table is partitioned by (partitionBy's column), if any. */
  partitionColumn?: string;
  /** Its partitions' ranges and sizes, for pruning (without them the table is counted whole). */
  partitions?: PartitionBytes[];
}

/** One partition: [startMicros, endMicros) in microseconds since 1970 UTC; null bounds for the NULL partition. */
export interface PartitionBytes {
  startMicros: number | null;
  endMicros: number | null;
  columnBytes: Record<string, number>;
}

export interface SqlView {
  database: string;
  schema: string;
  name: string;
  columns: ColumnTypes;
  /** Its query, as BigQuery would expand it. */
  query: string;
}

export interface TableRead {
  table: string;
  /** Columns billed: those referenced, or every column when the table is changed whole. */
  columns: string[];
  bytes: number;
  whole: boolean;
  /** When partitions were pruned: how many were read, of how many. */
  partitions?: { read: number; total: number };
}

export interface StatementEstimate {
  kind: string;
  /** What a dry run reports: totalBytesProcessed. */
  bytes: number;
  /** With the on-demand minimum of 10 MB per table referenced (what would be billed). */
  billedBytes: number;
  reads: TableRead[];
  /** Partition columns filtered with a constant, where BigQuery would prune and this estimate does not. */
  unprunedFilters: { table: string; column: string }[];
  /** A query's result columns: what a dry run reports as statistics.query.schema. */
  outputColumns?: ResolvedColumn[];
}

/** The analyzer's table names, as their full project.dataset.table, so that a scan says which table it read. */
function withFullNames(catalog: SimpleCatalogProto, defaultProject: string, path: string[] = []): SimpleCatalogProto {
  const table = catalog.table.map((entry) => {
    const parts = [...path, ...entry.name.split(".")];
    const fullName = (parts.length === 2 ? [defaultProject, ...parts] : parts).join(".");
    return { ...entry, fullName };
  });
  return { ...catalog, table, catalog: catalog.catalog.map((child) => withFullNames(child, defaultProject, [...path, child.name])) };
}

const NOT_BILLED = new Set(["CreateViewStmt", "DropStmt", "CreateTableStmt", "AlterTableStmt", "CreateSchemaStmt"]);

function meets(bound: ColumnBound, start: number, end: number): boolean {
  // Some instant x in [start, end) with x op bound.micros.
  switch (bound.op) {
    case "<":
      return start < bound.micros;
    case "<=":
      return start <= bound.micros;
    case ">":
      return end - 1 > bound.micros;
    case ">=":
      return end - 1 >= bound.micros;
    case "=":
      return start <= bound.micros && bound.micros < end;
  }
}

/**
 * The partitions a statement reads of a partitioned table, or undefined when it reads them all
 * (a scan without a bound on the partition column, or no partition sizes).
 */
export function keptPartitions(table: SizedTable, scans: ColumnBound[][]): PartitionBytes[] | undefined {
  const column = table.partitionColumn;
  if (!column || !table.partitions || scans.length === 0) return undefined;
  const perScan = scans.map((bounds) => bounds.filter((bound) => bound.column === column));
  if (perScan.some((bounds) => bounds.length === 0)) return undefined;
  // A comparison is never true for NULL: the NULL partition is pruned by any bound.
  return table.partitions.filter(
    (partition) =>
      partition.startMicros !== null &&
      partition.endMicros !== null &&
      perScan.some((bounds) => bounds.every((bound) => meets(bound, partition.startMicros!, partition.endMicros!))),
  );
}

export class DryRunBytesEstimator {
  private readonly tables = new Map<string, SizedTable>();
  private readonly views = new Map<string, SqlView>();
  private readonly catalog: BigQueryCatalog;
  private proto?: SimpleCatalogProto;

  private constructor(
    private readonly service: ZetaSqlService,
    readonly defaultProject: string,
  ) {
    this.catalog = new BigQueryCatalog(defaultProject);
  }

  static async start(defaultProject: string): Promise<DryRunBytesEstimator> {
    return new DryRunBytesEstimator(await ZetaSqlService.start(), defaultProject);
  }

  addTable(table: SizedTable): void {
    const missing = Object.keys(table.columns).filter((column) => table.columnBytes[column] === undefined);
    if (missing.length > 0) throw new C360Error(`${table.database}.${table.schema}.${table.name}: no size for column(s) ${missing.join(", ")}`);
    this.tables.set(BigQueryCatalog.key(table, this.defaultProject), table);
    this.catalog.add(table, table.columns);
    this.proto = undefined;
  }

  addView(view: SqlView): void {
    this.views.set(BigQueryCatalog.key(view, this.defaultProject), view);
    this.catalog.add(view, view.columns);
    this.proto = undefined;
  }

  /** The logical bytes of a table, all columns (what BigQuery shows as its size). */
  tableBytes(fullName: string): number {
    const table = this.tables.get(fullName.toLowerCase());
    return table ? Object.values(table.columnBytes).reduce((sum, bytes) => sum + bytes, 0) : 0;
  }

  /** What one statement reads: its scans, with every view it reads expanded into the scans of its query. */
  private async resolveReads(sql: string, depth = 0): Promise<StatementReads & { outputColumns?: ResolvedColumn[] }> {
    this.proto ??= withFullNames(this.catalog.toProto(), this.defaultProject);
    const options = { ...BIGQUERY_ANALYZER_OPTIONS, pruneUnusedColumns: true } as AnalyzerOptionsProto;
    let response;
    try {
      response = await this.service.analyze({ options, simpleCatalog: this.proto, sqlStatement: sql });
    } catch (error) {
      if (error instanceof ZetaSqlRejection) throw new C360Error(`The bytes estimator's analyzer rejected the statement: ${error.message}\n${sql}`, { cause: error });
      throw error;
    }
    const reads = { ...statementReads(response.resolvedStatement!), outputColumns: summarizeStatement(response.resolvedStatement!).columns };
    if (NOT_BILLED.has(reads.kind) || !reads.scanned.some((scan) => this.views.has(scan.table))) return reads;
    if (depth > 20) throw new C360Error(`Views nested more than 20 deep in:\n${sql}`);
    const scanned = new Map<string, Set<string>>();
    const add = (table: string, columns: string[]) => {
      const set = scanned.get(table) ?? new Set<string>();
      for (const column of columns) set.add(column);
      scanned.set(table, set);
    };
    for (const scan of reads.scanned) {
      const view = this.views.get(scan.table);
      if (!view) {
        add(scan.table, scan.columns);
        continue;
      }
      const selected = scan.columns.length > 0 ? scan.columns.map((column) => `\`${column}\``).join(", ") : "count(*)";
      const expanded = await this.resolveReads(`select ${selected} from (\n${view.query}\n)`, depth + 1);
      for (const inner of expanded.scanned) add(inner.table, inner.columns);
      for (const [table, bounds] of expanded.scanBounds) reads.scanBounds.set(table, [...(reads.scanBounds.get(table) ?? []), ...bounds]);
      for (const [table, columns] of expanded.constantFilters) for (const column of columns) (reads.constantFilters.get(table) ?? reads.constantFilters.set(table, new Set()).get(table)!).add(column);
    }
    return { ...reads, scanned: [...scanned].map(([table, columns]) => ({ table, columns: [...columns].sort() })) };
  }

  async estimate(sql: string): Promise<StatementEstimate> {
    const reads = await this.resolveReads(sql);
    if (NOT_BILLED.has(reads.kind)) return { kind: reads.kind, bytes: 0, billedBytes: 0, reads: [], unprunedFilters: [], outputColumns: reads.outputColumns };
    const tableReads: TableRead[] = [];
    const sized = (fullName: string): SizedTable => {
      const table = this.tables.get(fullName);
      if (!table) throw new C360Error(`The bytes estimator has no sizes for table ${fullName}, which this statement reads:\n${sql}`);
      return table;
    };
    for (const scan of reads.scanned) {
      if (scan.table === reads.changedWhole) continue;
      const table = sized(scan.table);
      const kept = keptPartitions(table, reads.scanBounds.get(scan.table) ?? []);
      const bytesOf = (columnBytes: Record<string, number>) => scan.columns.reduce((sum, column) => sum + (columnBytes[column] ?? 0), 0);
      tableReads.push(
        kept
          ? { table: scan.table, columns: scan.columns, bytes: kept.reduce((sum, partition) => sum + bytesOf(partition.columnBytes), 0), whole: false, partitions: { read: kept.length, total: table.partitions!.length } }
          : { table: scan.table, columns: scan.columns, bytes: bytesOf(table.columnBytes), whole: false },
      );
    }
    if (reads.changedWhole) {
      const table = sized(reads.changedWhole);
      tableReads.push({ table: reads.changedWhole, columns: Object.keys(table.columns), bytes: this.tableBytes(reads.changedWhole), whole: true });
    }
    const unprunedFilters = [...reads.constantFilters].flatMap(([table, columns]) => {
      const sizedTable = this.tables.get(table);
      const partitionColumn = sizedTable?.partitionColumn;
      return partitionColumn && !sizedTable.partitions && columns.has(partitionColumn) ? [{ table, column: partitionColumn }] : [];
    });
    const bytes = tableReads.reduce((sum, read) => sum + read.bytes, 0);
    const billedBytes =
      tableReads.length === 0 ? 0 : Math.max(MINIMUM_BILLED_BYTES_PER_TABLE, tableReads.reduce((sum, read) => sum + Math.max(MINIMUM_BILLED_BYTES_PER_TABLE, read.bytes), 0));
    return { kind: reads.kind, bytes, billedBytes, reads: tableReads, unprunedFilters, outputColumns: reads.outputColumns };
  }

  async close(): Promise<void> {
    await this.service.stop();
  }
}
