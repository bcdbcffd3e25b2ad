import { describe, expect, it } from "vitest";
import { rewriteDataformReferences } from "../../../src/engines/duckdb/references.js";

describe("rewriting Dataform references for DuckDB", () => {
  it("drops the project and double-quotes schema and table", () => {
    expect(rewriteDataformReferences("select * from `my-project.c360.orders` join `c360_staging.stg_x` using (id)")).toBe(
      'select * from "c360"."orders" join "c360_staging"."stg_x" using (id)',
    );
  });

  it("leaves single backticked identifiers, strings and unqualified names alone", () => {
    const sql = "select `column`, 'a.b.c' as text from plain_table";
    expect(rewriteDataformReferences(sql)).toBe(sql);
  });
});
