import { describe, expect, it } from "vitest";
import { alterColumnsStatements, createTableAsStatement, quoteIdentifier, quoteTableName, stringLiteral } from "../../../src/engines/bigquery/statements.js";

describe("BigQuery statements", () => {
  it("quotes names as BigQuery does", () => {
    expect(quoteIdentifier("order`s\\x")).toBe("`order\\`s\\\\x`");
    expect(quoteTableName({ schema: "mart", name: "orders" }, "acme-analytics")).toBe("`acme-analytics.mart.orders`");
    expect(quoteTableName({ database: "other", schema: "mart", name: "orders" }, "acme-analytics")).toBe("`other.mart.orders`");
    expect(stringLiteral("it's\n")).toBe("'it\\'s\\n'");
  });

  it("knows where the action's query starts inside the statement", () => {
    const plain = createTableAsStatement("`p.d.t`", "select 1");
    expect(plain.sql.split("\n")[plain.queryLineOffset]).toBe("select 1");
    const laidOut = createTableAsStatement("`p.d.t`", "select 1", { partitionBy: "day", clusterBy: ["a", "b"] });
    expect(laidOut.sql.split("\n")[laidOut.queryLineOffset]).toBe("select 1");
    expect(laidOut.sql).toContain("cluster by `a`, `b`\n");
  });

  it("alters columns as Dataform's onSchemaChange does: drops, then additions, each idempotent", () => {
    expect(alterColumnsStatements("`p.d.t`", { add: [{ name: "shipped_on", type: "DATE" }, { name: "tags", type: "ARRAY<STRING>" }], drop: ["legacy"] })).toEqual([
      "alter table `p.d.t` drop column if exists `legacy`",
      "alter table `p.d.t` add column if not exists `shipped_on` DATE, add column if not exists `tags` ARRAY<STRING>",
    ]);
    expect(alterColumnsStatements("`p.d.t`", { add: [], drop: [] })).toEqual([]);
  });
});
