/**
 * Just-in-time actions (`jitCode`): their SQL is produced at run time by the project's
 * JavaScript, which may query the warehouse first. Like the stock CLI, c360 hands the
 * code to core's own JiT compiler (in the project's warm vm) with a JitCompilationRequest,
 * and answers the code's database calls (Execute, ListTables, GetTable, DeleteTable) from
 * the engine the run uses.
 */
import type { Row, TableRef } from "../engines/engine.js";
import type { DataformVm } from "./dataform-vm.js";
import { decodeMessage, encodeMessage } from "./protos.js";

export type JitActionKind = "table" | "incremental" | "operation" | "assertion";

export interface JitRequest {
  target: TableRef;
  dependencies: TableRef[];
  jitCode: string;
  kind: JitActionKind;
  /** The compiled graph's jitData (`jctx.data`). */
  jitData?: Record<string, unknown>;
}

/** The SQL the JiT code returned, in the compiled graph's own field names. */
export interface JitResult {
  query?: string;
  preOps?: string[];
  postOps?: string[];
  incrementalQuery?: string;
  incrementalPreOps?: string[];
  incrementalPostOps?: string[];
  queries?: string[];
}

/** What JiT code may ask of the warehouse. */
export interface JitDatabase {
  execute(sql: string, rowLimit?: number): Promise<Row[]>;
  listTables(database: string, schema: string): Promise<TableRef[]>;
  /** Columns of a table, or undefined when it does not exist. */
  getTable(target: TableRef): Promise<{ name: string }[] | undefined>;
  deleteTable(target: TableRef): Promise<void>;
}

const TARGET_TYPES: Record<JitActionKind, string> = {
  table: "JIT_COMPILATION_TARGET_TYPE_TABLE",
  incremental: "JIT_COMPILATION_TARGET_TYPE_INCREMENTAL_TABLE",
  operation: "JIT_COMPILATION_TARGET_TYPE_OPERATION",
  assertion: "JIT_COMPILATION_TARGET_TYPE_ASSERTION",
};

/** A plain JavaScript value as a google.protobuf.Value (rows reach JiT code as Structs). */
export function protobufValue(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") return { numberValue: value };
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? { numberValue: Number(value) } : { stringValue: value.toString() };
  if (value instanceof Date) return { stringValue: value.toISOString() };
  if (Array.isArray(value)) return { listValue: { values: value.map(protobufValue) } };
  if (typeof value === "object") return { structValue: protobufStruct(value as Record<string, unknown>) };
  return { stringValue: String(value) };
}

export function protobufStruct(row: Record<string, unknown>): Record<string, unknown> {
  return { fields: Object.fromEntries(Object.entries(row).map(([key, value]) => [key, protobufValue(value)])) };
}

function targetOf(message: Record<string, unknown>): TableRef {
  const target = message.target as { database?: string; schema?: string; name?: string } | undefined;
  return { database: target?.database || undefined, schema: target?.schema ?? "", name: target?.name ?? "" };
}

async function answer(database: JitDatabase, method: string, bytes: Uint8Array): Promise<Uint8Array> {
  switch (method) {
    case "Execute": {
      const request = decodeMessage("dataform.ExecuteRequest", bytes) as { statement?: string; rowLimit?: number };
      const rows = await database.execute(request.statement ?? "", request.rowLimit || undefined);
      return encodeMessage("dataform.ExecuteResponse", { rows: rows.map(protobufStruct) });
    }
    case "ListTables": {
      const request = decodeMessage("dataform.ListTablesRequest", bytes) as { database?: string; schema?: string };
      const tables = await database.listTables(request.database ?? "", request.schema ?? "");
      return encodeMessage("dataform.ListTablesResponse", { tables: tables.map((target) => ({ target })) });
    }
    case "GetTable": {
      const target = targetOf(decodeMessage("dataform.GetTableRequest", bytes));
      const columns = await database.getTable(target);
      if (!columns) throw new Error(`Table not found: ${[target.database, target.schema, target.name].filter(Boolean).join(".")}`);
      return encodeMessage("dataform.TableMetadata", { target, type: "TABLE", fields: columns.map((column) => ({ name: column.name })) });
    }
    case "DeleteTable":
      await database.deleteTable(targetOf(decodeMessage("dataform.DeleteTableRequest", bytes)));
      return new Uint8Array();
    default:
      throw new Error(`JiT code called an unknown database method ${method}`);
  }
}

type TableResult = { query?: string; preOps?: string[]; postOps?: string[] };

/** Evaluates a JiT action's code and returns the SQL it produced. */
export async function compileJit(dataformVm: DataformVm, request: JitRequest, database: JitDatabase): Promise<JitResult> {
  const encoded = encodeMessage("dataform.JitCompilationRequest", {
    target: request.target,
    dependencies: request.dependencies,
    jitCode: request.jitCode,
    compilationTargetType: TARGET_TYPES[request.kind],
    ...(request.jitData ? { jitData: protobufStruct(request.jitData) } : {}),
  });
  const responseBytes = await dataformVm.jitCompile(encoded, (method, bytes, callback) => {
    answer(database, method, bytes).then(
      (response) => callback(null, response),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  });
  const response = decodeMessage("dataform.JitCompilationResponse", responseBytes) as {
    table?: TableResult;
    incrementalTable?: { regular?: TableResult; incremental?: TableResult };
    operation?: { queries?: string[] };
    assertion?: { query?: string };
  };
  if (response.table) return { query: response.table.query, preOps: response.table.preOps, postOps: response.table.postOps };
  if (response.incrementalTable) {
    const { regular, incremental } = response.incrementalTable;
    return {
      query: regular?.query,
      preOps: regular?.preOps,
      postOps: regular?.postOps,
      incrementalQuery: incremental?.query,
      incrementalPreOps: incremental?.preOps,
      incrementalPostOps: incremental?.postOps,
    };
  }
  if (response.operation) return { queries: response.operation.queries };
  if (response.assertion) return { query: response.assertion.query };
  throw new Error("the JiT compiler returned no result");
}
