/**
 * Reads what c360 needs from a resolved statement: its kind, the table it creates (if
 * any), and the columns it outputs with their types — the schema a downstream action sees.
 */
import type { ResolvedNode, TypeProto } from "./protos.js";
import { compactType } from "./types.js";

export interface ResolvedColumn {
  name: string;
  type: TypeProto;
}

export interface ResolvedStatementSummary {
  /** e.g. "QueryStmt", "CreateTableAsSelectStmt", "MergeStmt". */
  kind: string;
  /** For CREATE statements: the created name as written, split on dots. */
  createdName?: string[];
  /** Output columns (queries, CREATE … AS SELECT, CREATE VIEW, CREATE TABLE with columns). */
  columns?: ResolvedColumn[];
  /** CREATE TABLE … PARTITION BY: each expression's type and, for a call, the function's name. */
  partitionBy?: { type: TypeProto; functionName?: string }[];
}

/** Descends the `Any…` oneof wrappers to the concrete node; returns its kind and fields. */
function concreteNode(statement: ResolvedNode): { kind: string; fields: ResolvedNode } {
  let node = statement;
  let kind = "";
  while (typeof node.node === "string" && node[node.node]) {
    kind = node.node;
    node = node[node.node] as ResolvedNode;
  }
  // Concrete nodes keep their base classes' fields in `parent`: flatten, nearest first.
  const fields: ResolvedNode = {};
  for (let current: ResolvedNode | null | undefined = node; current; current = current.parent as ResolvedNode | null | undefined) {
    for (const [key, value] of Object.entries(current)) if (key !== "parent" && !(key in fields)) fields[key] = value;
  }
  return { kind: kind.replace(/^resolved/, "").replace(/Node$/, ""), fields };
}

interface OutputColumnField {
  name: string;
  column: { type: TypeProto };
}
interface ColumnDefinitionField {
  name: string;
  type: TypeProto;
}

export function summarizeStatement(statement: ResolvedNode): ResolvedStatementSummary {
  const { kind, fields } = concreteNode(statement);
  const summary: ResolvedStatementSummary = { kind };
  if (Array.isArray(fields.namePath) && kind.startsWith("Create")) summary.createdName = fields.namePath as string[];
  const outputColumns = fields.outputColumnList as OutputColumnField[] | undefined;
  const definitions = fields.columnDefinitionList as ColumnDefinitionField[] | undefined;
  if (outputColumns && outputColumns.length > 0) {
    summary.columns = outputColumns.map((column) => ({ name: column.name, type: compactType(column.column.type) }));
  } else if (definitions && definitions.length > 0) {
    summary.columns = definitions.map((column) => ({ name: column.name, type: compactType(column.type) }));
  }
  const partitionBy = fields.partitionByList as ResolvedNode[] | undefined;
  if (partitionBy && partitionBy.length > 0) {
    summary.partitionBy = partitionBy.map((expression) => {
      const { fields: expressionFields } = concreteNode(expression);
      const called = expressionFields.function as { name?: string } | undefined;
      return { type: compactType(expressionFields.type as TypeProto), functionName: called?.name?.replace(/^ZetaSQL:/, "") };
    });
  }
  return summary;
}
