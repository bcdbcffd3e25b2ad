/**
 * What a resolved statement reads, the way BigQuery bills it: for every table it scans, the
 * columns it references (the analyzer runs with prune_unused_columns, so each table scan
 * lists only those), and for UPDATE, DELETE and MERGE with an UPDATE or DELETE clause the
 * table it changes, which is billed whole ("t" in BigQuery's DML size calculation). The
 * target of an INSERT is written, not read. It also reports, per scanned column, whether a
 * filter compares it with a constant: the condition partition pruning would need.
 */
import type { ResolvedNode } from "../../src/check/zetasql/protos.js";

export interface ScannedTable {
  /** The catalog's full name (project.dataset.table). */
  table: string;
  columns: string[];
}

export interface StatementReads {
  /** e.g. "QueryStmt", "CreateTableAsSelectStmt", "MergeStmt". */
  kind: string;
  /** Tables read, with the union of the columns referenced in each. */
  scanned: ScannedTable[];
  /** The table a DML statement changes and that BigQuery bills whole (UPDATE, DELETE, MERGE that updates or deletes). */
  changedWhole?: string;
  /** Scanned columns that some filter compares with a constant, by table ("table" → columns). */
  constantFilters: Map<string, Set<string>>;
}

interface ColumnProto {
  columnId: string;
  name: string;
}

interface TableScanFields {
  table: { name: string; fullName?: string };
  parent?: { columnList?: ColumnProto[] };
}

/** Descends the `Any…` oneof wrappers (`node` names the set field) to the concrete node. */
function concrete(node: ResolvedNode): { kind: string; fields: ResolvedNode } {
  let current = node;
  let kind = "";
  while (typeof current.node === "string" && current[current.node]) {
    kind = current.node;
    current = current[current.node] as ResolvedNode;
  }
  return { kind, fields: current };
}

/** The statement node: the analyzer answers with one key, e.g. { resolvedMergeStmtNode: … }. */
function statementNode(statement: ResolvedNode): { kind: string; fields: ResolvedNode } {
  const unwrapped = concrete(statement);
  if (unwrapped.kind) return unwrapped;
  const keys = Object.keys(statement).filter((key) => key.startsWith("resolved") && statement[key]);
  if (keys.length !== 1) return { kind: "", fields: statement };
  return { kind: keys[0], fields: statement[keys[0]] as ResolvedNode };
}

function walk(value: unknown, visit: (key: string, node: ResolvedNode) => void): void {
  if (Array.isArray(value)) {
    for (const element of value) walk(element, visit);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as ResolvedNode)) {
    if (child !== null && typeof child === "object" && !Array.isArray(child)) visit(key, child as ResolvedNode);
    walk(child, visit);
  }
}

function fullNameOf(scan: TableScanFields): string {
  return (scan.table.fullName || scan.table.name).toLowerCase();
}

/** Comparisons whose one side a constant (literal or parameter) and the other a column prune partitions in BigQuery. */
const COMPARISONS = new Set(["$equal", "$less", "$less_or_equal", "$greater", "$greater_or_equal", "$between", "$in"]);

export function statementReads(statement: ResolvedNode): StatementReads {
  const { kind: nodeKind, fields } = statementNode(statement);
  const kind = nodeKind.replace(/^resolved/, "").replace(/Node$/, "");
  const target = fields.tableScan as TableScanFields | undefined;
  const isDml = ["MergeStmt", "UpdateStmt", "DeleteStmt", "InsertStmt"].includes(kind);
  let changedWhole: string | undefined;
  if (isDml && target) {
    const clauses = (fields.whenClauseList as { actionType?: string }[] | undefined) ?? [];
    const changes = kind === "UpdateStmt" || kind === "DeleteStmt" || (kind === "MergeStmt" && clauses.some((clause) => clause.actionType !== "INSERT"));
    if (changes) changedWhole = fullNameOf(target);
  }

  const columnsByTable = new Map<string, Set<string>>();
  const tableOfColumn = new Map<string, { table: string; name: string }>();
  const constantFilters = new Map<string, Set<string>>();
  const visitScan = (scan: TableScanFields): void => {
    const table = fullNameOf(scan);
    const columns = columnsByTable.get(table) ?? new Set<string>();
    for (const column of scan.parent?.columnList ?? []) {
      columns.add(column.name);
      tableOfColumn.set(column.columnId, { table, name: column.name });
    }
    columnsByTable.set(table, columns);
  };
  const comparisons: ResolvedNode[] = [];
  // A DML statement's own target is its plain `tableScan` field, not a wrapped scan node: it is
  // billed whole (or, for INSERT, not at all), never by its referenced columns. A query inside
  // the statement that reads the target again is a wrapped scan, and counted.
  walk(fields, (key, node) => {
    if (key === "resolvedTableScanNode") visitScan(node as unknown as TableScanFields);
    if (key === "resolvedFunctionCallNode") comparisons.push(node);
  });

  for (const call of comparisons) {
    const base = (call.parent ?? {}) as { function?: { name?: string }; argumentList?: ResolvedNode[] };
    const name = base.function?.name?.replace(/^ZetaSQL:/, "") ?? "";
    if (!COMPARISONS.has(name)) continue;
    const argumentsOf = (base.argumentList ?? []).map((argument) => concrete(argument));
    const constants = argumentsOf.filter((argument) => argument.kind === "resolvedLiteralNode" || argument.kind === "resolvedParameterNode").length;
    if (constants === 0) continue;
    for (const argument of argumentsOf) {
      if (argument.kind !== "resolvedColumnRefNode") continue;
      const column = tableOfColumn.get((argument.fields.column as ColumnProto).columnId);
      if (!column) continue;
      const set = constantFilters.get(column.table) ?? new Set<string>();
      set.add(column.name);
      constantFilters.set(column.table, set);
    }
  }

  const scanned = [...columnsByTable].map(([table, columns]) => ({ table, columns: [...columns].sort() }));
  return { kind, scanned, changedWhole, constantFilters };
}
