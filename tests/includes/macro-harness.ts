/**
 * Runs a macro's DuckDB rendering over a table of input cases, and analyzes its BigQuery
 * rendering with the ZetaSQL analyzer (src/check), so each macro is verified on both
 * dialects without a BigQuery account.
 */
import { analyzeBigQueryExpression } from "../../src/check/index.js";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import type { Dialect } from "../../includes/ts/dialect.js";

export type MacroCell = string | number | boolean | null;

function literal(value: MacroCell): string {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

export class MacroHarness {
  private constructor(private readonly engine: DuckDbEngine) {}

  static async open(): Promise<MacroHarness> {
    return new MacroHarness(await DuckDbEngine.open(":memory:", { connections: 1 }));
  }

  /**
   * Evaluates `render(columns…, "duckdb")` once per case row; columns are named c0, c1, …
   * (text unless `casts` gives a DuckDB type). Returns the outputs in case order, as
   * JavaScript values (timestamps and dates as text, decimals as text).
   */
  async evaluate(render: (...columns: string[]) => string, cases: MacroCell[][], casts: string[] = []): Promise<unknown[]> {
    if (cases.length === 0) return [];
    const width = cases[0].length;
    const columns = Array.from({ length: width }, (_unused, index) => `c${index}`);
    const typed = columns.map((name, index) => (casts[index] ? `cast(${name} as ${casts[index]}) as ${name}` : `cast(${name} as varchar) as ${name}`));
    const values = cases.map((row, position) => `(${position}, ${row.map(literal).join(", ")})`).join(",\n");
    const sql =
      `with raw_cases(position, ${columns.join(", ")}) as (values ${values}),\n` +
      `cases as (select position, ${typed.join(", ")} from raw_cases)\n` +
      `select position, ${render(...columns)} as result from cases order by position`;
    const rows = await this.engine.query(sql);
    return rows.map((row) => row.result);
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}

/** The BigQuery type of a macro's BigQuery rendering over the given column types (throws BigQueryAnalysisError). */
export async function bigQueryType(render: (...columns: string[]) => string, columnTypes: string[]): Promise<string> {
  const columns = Object.fromEntries(columnTypes.map((type, index) => [`c${index}`, type]));
  return analyzeBigQueryExpression(render(...Object.keys(columns)), columns);
}

export const BOTH_DIALECTS: readonly Dialect[] = ["duckdb", "bigquery"];
