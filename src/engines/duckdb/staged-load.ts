/**
 * The SQL that reads a staged bronze file (engine.ts, StagedFileFormat) with DuckDB's own
 * parallel CSV reader. Every option is spelled out (no sniffing) so the reader parses
 * exactly the format the loader wrote; strict mode makes any disagreement an error.
 */
import type { LoadColumn, StagedColumnSource, StagedFileLoad } from "../engine.js";
import { quoteIdentifier } from "./references.js";

function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function fileColumnName(index: number): string {
  return `c${index}`;
}

/** The DuckDB type of a bronze column (every loaded value is text or a whole number). */
export function duckType(type: LoadColumn["type"]): string {
  return type === "integer" ? "BIGINT" : "VARCHAR";
}

function readerOptions(format: StagedFileLoad["format"]): string {
  const shared = "header = false, auto_detect = false, new_line = '\\n', nullstr = '\\N', allow_quoted_nulls = false, strict_mode = true";
  return format === "csv" ? `delim = ',', quote = '"', escape = '"', ${shared}` : `delim = chr(1), quote = '', escape = '', ${shared}`;
}

function sourceExpression(source: StagedColumnSource, column: LoadColumn): string {
  if ("fileColumn" in source) return fileColumnName(source.fileColumn);
  if (source.constant === null) return `null::${duckType(column.type)}`;
  if (typeof source.constant === "number") return `${source.constant}::BIGINT`;
  return `${sqlText(source.constant)}::VARCHAR`;
}

/** `insert into <target> select … from read_csv(<staged file>, …)` for one staged file. */
export function stagedInsertSql(request: StagedFileLoad, quotedTarget: string): string {
  if (request.sources.length !== request.columns.length) {
    throw new Error(`staged load of ${request.target.name}: ${request.sources.length} column sources for ${request.columns.length} columns`);
  }
  const fileColumns = request.fileColumns.map((type, index) => `${sqlText(fileColumnName(index))}: '${duckType(type)}'`).join(", ");
  const projection = request.sources.map((source, index) => `${sourceExpression(source, request.columns[index])} as ${quoteIdentifier(request.columns[index].name)}`).join(", ");
  return `insert into ${quotedTarget} select ${projection} from read_csv(${sqlText(request.file)}, columns = {${fileColumns}}, ${readerOptions(request.format)})`;
}
