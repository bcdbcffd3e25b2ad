/**
 * Runs a macro's DuckDB rendering over a table of input cases, and analyzes its BigQuery
 * rendering with the ZetaSQL analyzer (src/check), so each macro is verified on both
 * dialects without a BigQuery account.
 */
import { afterAll, beforeAll } from "vitest";
import { analyzeBigQueryExpression, closeSharedBigQueryAnalyzer } from "../../src/check/index.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import type { Dialect } from "../../includes/ts/dialect.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

export type MacroCell = string | number | boolean | null;

function literal(value: MacroCell): string {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

export class MacroHarness {
  private opened: DuckDbEngine | undefined;

  private constructor() {}

  /**
   * The calling test file's harness (call it while the file is collected): its in-memory
   * DuckDB opens before the file's tests and closes after them, with the shared BigQuery analyzer.
   */
  static forTestFile(): MacroHarness {
    const harness = new MacroHarness();
    beforeAll(async () => {
      harness.opened = await openMemoryEngine({ connections: 1 });
    });
    afterAll(async () => {
      await harness.opened?.close();
      harness.opened = undefined;
      await closeSharedBigQueryAnalyzer();
    });
    return harness;
  }

  /** The harness's DuckDB, for statements beyond a single macro (open during the file's tests). */
  get engine(): DuckDbEngine {
    if (!this.opened) throw new Error("MacroHarness.engine is open only during the tests of the file that created it");
    return this.opened;
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

}

/** The BigQuery type of a macro's BigQuery rendering over the given column types (throws BigQueryAnalysisError). */
export async function bigQueryType(render: (...columns: string[]) => string, columnTypes: string[]): Promise<string> {
  const columns = Object.fromEntries(columnTypes.map((type, index) => [`c${index}`, type]));
  return analyzeBigQueryExpression(render(...Object.keys(columns)), columns);
}

export const BOTH_DIALECTS: readonly Dialect[] = ["duckdb", "bigquery"];
