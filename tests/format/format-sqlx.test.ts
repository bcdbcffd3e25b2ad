import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatSqlx } from "../../src/format/format-sqlx.js";
import { splitSqlx } from "../../src/format/sqlx-blocks.js";
import { EXAMPLE_PROJECT } from "../helpers/project.js";

const messy = `config {
  type: "table",
  description: "Keeps  { braces } and \`templates \${1}\` as written",
  columns: { id: "the id" }
}

js {
  const label = "x}";
}

pre_operations {
  DELETE FROM \${self()} WHERE TRUE
}

SELECT ID, COUNT(*) AS N FROM \${ref("orders")} o WHERE o.status='completed' \${when(incremental(), \`AND o.ts > (SELECT MAX(ts) FROM \${self()})\`)} GROUP BY ID
`;

describe("c360 format", () => {
  it("splits blocks without being fooled by braces in strings and templates", () => {
    const segments = splitSqlx(messy);
    expect(segments.filter((segment) => segment.kind === "block").map((segment) => segment.name)).toEqual(["config", "js", "pre_operations"]);
  });

  it("formats the SQL with lower-case keywords and leaves config and js byte for byte", () => {
    const formatted = formatSqlx(messy);
    expect(formatted).toContain(messy.slice(0, messy.indexOf("js {")).trim());
    expect(formatted).toContain('js {\n  const label = "x}";\n}');
    expect(formatted).toContain("pre_operations {\n  delete from ${self()}\n  where\n    true\n}");
    expect(formatted).toMatch(/select\n  ID,\n  count\(\*\) as N\nfrom\n  \$\{ref\("orders"\)\} o/);
    expect(formatted).toContain("${when(incremental(), `AND o.ts > (SELECT MAX(ts) FROM ${self()})`)}");
  });

  it("is idempotent", () => {
    const once = formatSqlx(messy);
    expect(formatSqlx(once)).toBe(once);
  });

  it("is idempotent for a multi-line template in pre_operations, and keeps its lines where they were", () => {
    const source = [
      "pre_operations {",
      "  ${when(incremental(), `delete from ${self()}",
      "    where id in (select id from ${ref(\"a\")})`)}",
      "  ---",
      "  ${when(true, `insert into x select 1`)}",
      "}",
      "",
      "select 1 as id",
      "",
    ].join("\n");
    const once = formatSqlx(source);
    expect(once).toContain("  ${when(incremental(), `delete from ${self()}\n    where id in (select id from ${ref(\"a\")})`)}\n  ---\n");
    expect(formatSqlx(once)).toBe(once);
  });

  it("leaves the example project's formatted models unchanged", () => {
    for (const file of ["stg_orders.sqlx", "fct_orders.sqlx", "customer_revenue.sqlx"]) {
      const source = fs.readFileSync(path.join(EXAMPLE_PROJECT, "definitions", file), "utf8");
      expect(formatSqlx(source), file).toBe(source);
    }
  });
});
