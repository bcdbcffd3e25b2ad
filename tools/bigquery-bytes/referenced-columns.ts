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
  /**
   * For each table, one entry per scan of it: the constant bounds that a WHERE (a filter scan's
   * top-level conjuncts) puts on the scan's DATE and TIMESTAMP columns — what partition
   * pruning can use. A scan without any bound has an empty list.
   */
  scanBounds: Map<string, ColumnBound[][]>;
}

/** column op value, the value in microseconds since 1970-01-01 UTC (DATE: its midnight). */
export interface ColumnBound {
  column: string;
  op: "<" | "<=" | ">" | ">=" | "=";
  micros: number;
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
  const tableOfColumn = new Map<string, { table: string; name: string; scan: number }>();
  const scanTables: string[] = [];
  const bounds: ColumnBound[][] = [];
  const constantFilters = new Map<string, Set<string>>();
  const visitScan = (scan: TableScanFields): void => {
    const table = fullNameOf(scan);
    const columns = columnsByTable.get(table) ?? new Set<string>();
    const index = scanTables.push(table) - 1;
    bounds.push([]);
    for (const column of scan.parent?.columnList ?? []) {
      columns.add(column.name);
      tableOfColumn.set(column.columnId, { table, name: column.name, scan: index });
    }
    columnsByTable.set(table, columns);
  };
  const comparisons: ResolvedNode[] = [];
  const filters: ResolvedNode[] = [];
  // A DML statement's own target is its plain `tableScan` field, not a wrapped scan node: it is
  // billed whole (or, for INSERT, not at all), never by its referenced columns. A query inside
  // the statement that reads the target again is a wrapped scan, and counted.
  walk(fields, (key, node) => {
    if (key === "resolvedTableScanNode") visitScan(node as unknown as TableScanFields);
    if (key === "resolvedFunctionCallNode") comparisons.push(node);
    if (key === "resolvedFilterScanNode" && node.filterExpr) filters.push(node.filterExpr as ResolvedNode);
  });
  for (const filter of filters) {
    for (const conjunct of conjuncts(filter)) {
      for (const bound of boundsOf(conjunct)) {
        const column = tableOfColumn.get(bound.columnId);
        if (column) bounds[column.scan].push({ column: column.name, op: bound.op, micros: bound.micros });
      }
    }
  }
  const scanBounds = new Map<string, ColumnBound[][]>();
  scanTables.forEach((table, index) => scanBounds.set(table, [...(scanBounds.get(table) ?? []), bounds[index]]));

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
  return { kind, scanned, changedWhole, constantFilters, scanBounds };
}

function functionCall(node: ResolvedNode): { name: string; arguments: ResolvedNode[] } | undefined {
  const { kind, fields } = concrete(node);
  if (kind !== "resolvedFunctionCallNode") return undefined;
  const base = (fields.parent ?? {}) as { function?: { name?: string }; argumentList?: ResolvedNode[] };
  return { name: base.function?.name?.replace(/^ZetaSQL:/, "") ?? "", arguments: base.argumentList ?? [] };
}

/** The top-level AND-ed parts of a condition. */
function conjuncts(condition: ResolvedNode): ResolvedNode[] {
  const call = functionCall(condition);
  return call?.name === "$and" ? call.arguments.flatMap(conjuncts) : [condition];
}

const MICROS_PER_DAY = 86_400_000_000;

/** A DATE or TIMESTAMP literal in microseconds since 1970-01-01 UTC; undefined for any other value. */
function literalMicros(node: ResolvedNode): number | undefined {
  const { kind, fields } = concrete(node);
  if (kind !== "resolvedLiteralNode") return undefined;
  const value = (fields.value as { value?: Record<string, unknown> } | undefined)?.value;
  if (!value) return undefined;
  if (typeof value.dateValue === "number" && value.value === "dateValue") return value.dateValue * MICROS_PER_DAY;
  const timestamp = value.timestampValue as { seconds?: string | number; nanos?: number } | undefined;
  if (timestamp && value.value === "timestampValue") return Number(timestamp.seconds ?? 0) * 1_000_000 + Math.floor((timestamp.nanos ?? 0) / 1000);
  return undefined;
}

const FLIPPED = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=" } as const;
const OPERATORS: Record<string, ColumnBound["op"]> = { $less: "<", $less_or_equal: "<=", $greater: ">", $greater_or_equal: ">=", $equal: "=" };

/** column op literal (either way round), or column between two literals. */
function boundsOf(condition: ResolvedNode): { columnId: string; op: ColumnBound["op"]; micros: number }[] {
  const call = functionCall(condition);
  if (!call) return [];
  const columnId = (argument: ResolvedNode | undefined) => {
    if (!argument) return undefined;
    const { kind, fields } = concrete(argument);
    return kind === "resolvedColumnRefNode" ? (fields.column as ColumnProto).columnId : undefined;
  };
  if (call.name === "$between" && call.arguments.length === 3) {
    const id = columnId(call.arguments[0]);
    const low = literalMicros(call.arguments[1]);
    const high = literalMicros(call.arguments[2]);
    return id !== undefined && low !== undefined && high !== undefined ? [{ columnId: id, op: ">=", micros: low }, { columnId: id, op: "<=", micros: high }] : [];
  }
  const op = OPERATORS[call.name];
  if (!op || call.arguments.length !== 2) return [];
  const [left, right] = call.arguments;
  const leftId = columnId(left);
  const rightMicros = literalMicros(right);
  if (leftId !== undefined && rightMicros !== undefined) return [{ columnId: leftId, op, micros: rightMicros }];
  const rightId = columnId(right);
  const leftMicros = literalMicros(left);
  if (rightId !== undefined && leftMicros !== undefined) return [{ columnId: rightId, op: FLIPPED[op], micros: leftMicros }];
  return [];
}
