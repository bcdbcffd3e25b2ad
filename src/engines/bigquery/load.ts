/**
 * Bronze loading on BigQuery: the loader's all-text rows are written to a temporary
 * NDJSON file (one object per row, column names as keys) and sent as a load job with an
 * explicit schema — the same rows, the same columns as every other engine gets.
 */
import fs from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import type { LoadColumn, LoadRequest } from "../engine.js";

export interface StagedRows {
  file: string;
  rows: number;
  bytes: number;
}

export function bigQueryColumnType(column: LoadColumn): "STRING" | "INT64" {
  return column.type === "integer" ? "INT64" : "STRING";
}

/** Load-job schema fields (REST names the integer type INTEGER). */
export function loadSchema(columns: LoadColumn[]): { name: string; type: "STRING" | "INTEGER"; mode: "NULLABLE" }[] {
  return columns.map((column) => ({ name: column.name, type: column.type === "integer" ? "INTEGER" : "STRING", mode: "NULLABLE" }));
}

function rowObject(columns: LoadColumn[], row: (string | number | null)[]): Record<string, string | number | null> {
  const object: Record<string, string | number | null> = {};
  columns.forEach((column, index) => {
    const value = row[index] ?? null;
    object[column.name] = value === null ? null : column.type === "integer" ? Number(value) : String(value);
  });
  return object;
}

/** Writes the rows to a fresh temporary file; the caller removes it with removeStaged(). */
export async function stageRowsAsNdjson(request: LoadRequest): Promise<StagedRows> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "c360-bq-load-"));
  const file = path.join(directory, `${request.target.schema}.${request.target.name}.ndjson`);
  const output = fs.createWriteStream(file, { encoding: "utf8" });
  let rows = 0;
  let bytes = 0;
  try {
    try {
      for await (const row of request.rows) {
        const line = `${JSON.stringify(rowObject(request.columns, row))}\n`;
        bytes += Buffer.byteLength(line);
        rows++;
        if (!output.write(line)) await once(output, "drain");
      }
    } finally {
      output.end();
      await once(output, "close");
    }
  } catch (error) {
    fs.rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return { file, rows, bytes };
}

export function removeStaged(staged: StagedRows): void {
  fs.rmSync(path.dirname(staged.file), { recursive: true, force: true });
}
