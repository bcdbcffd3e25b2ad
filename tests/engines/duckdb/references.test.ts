import { describe, expect, it } from "vitest";
import { rewriteDataformReferences } from "../../../src/engines/duckdb/references.js";

describe("rewriting Dataform references for DuckDB", () => {
  it("drops the project and double-quotes schema and table", () => {
    expect(rewriteDataformReferences("select * from `my-project.c360.orders` join `c360_staging.stg_x` using (id)")).toBe(
      'select * from "c360"."orders" join "c360_staging"."stg_x" using (id)',
    );
  });

  it("keeps the project part of another project's table as its catalog", () => {
    expect(rewriteDataformReferences("select * from `archive-project.archive.orders` join `my-project.c360.orders` using (id)", new Set(["archive-project"]))).toBe(
      'select * from "archive-project"."archive"."orders" join "c360"."orders" using (id)',
    );
  });

  it("leaves single backticked identifiers, strings and unqualified names alone", () => {
    const sql = "select `column`, 'a.b.c' as text from plain_table";
    expect(rewriteDataformReferences(sql)).toBe(sql);
  });
});

describe("BigQuery string escapes that Dataform writes", () => {
  it("become doubled quotes; references inside string literals stay text", () => {
    expect(rewriteDataformReferences("select 'status in (\\'a\\', \\'b\\')' as failing_row_condition")).toBe(
      "select 'status in (''a'', ''b'')' as failing_row_condition",
    );
    expect(rewriteDataformReferences("select '`p.d.t`' as text, 'it''s' as ok from `p.d.t`")).toBe(`select '\`p.d.t\`' as text, 'it''s' as ok from "d"."t"`);
  });
});
