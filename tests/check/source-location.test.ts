import { describe, expect, it } from "vitest";
import { lineInFile, locateInFile, relabelExcerpt, sqlErrorPosition } from "../../src/check/source-location.js";

const FILE = ['config { type: "table" }', "", "select", "  customer_id,", "  sum(amount) as revenue", "from", '  ${ref("orders")}', "group by", "  customer_id"];

describe("locating a warehouse error in the .sqlx", () => {
  it("reads DuckDB's LINE excerpt and caret", () => {
    const message = 'Binder Error: Referenced column "amount" not found\n\nLINE 3:   sum(amount) as revenue\n              ^';
    expect(sqlErrorPosition(message)).toEqual({ sourceLine: "  sum(amount) as revenue", column: 7, excerpt: true });
    expect(locateInFile(FILE, "  sum(amount) as revenue", 7, { excerpt: true })).toEqual({ line: 5, column: 7 });
  });

  it("reads BigQuery's [line:column] against the statement that failed", () => {
    const statement = "create or replace table `p.d.t` as (\nselect\n  customer_id,\n  sum(amount) as revenue\n)";
    expect(sqlErrorPosition("Unrecognized name: amount at [4:7]", statement)).toEqual({ sourceLine: "  sum(amount) as revenue", column: 7, excerpt: false });
  });

  it("gives no line when the text is not in the file exactly once", () => {
    expect(lineInFile(FILE, "  customer_id", { excerpt: true })).toBeUndefined();
    expect(lineInFile(FILE, "  customer_id")).toBe(9);
    expect(lineInFile(FILE, "select 42")).toBeUndefined();
    expect(sqlErrorPosition("Catalog Error: Table with name x does not exist!")).toBeUndefined();
  });

  it("relabels the excerpt with the file's line and keeps the caret under the same character", () => {
    const message = "Binder Error: x\n\nLINE 3:   sum(amount) as revenue\n              ^";
    const relabelled = relabelExcerpt(message, "definitions/r.sqlx", { line: 5, column: 7 });
    const [excerpt, caret] = relabelled.split("\n").slice(2);
    expect(excerpt).toBe("definitions/r.sqlx:5:   sum(amount) as revenue");
    expect(excerpt[caret.indexOf("^")]).toBe("a");
  });
});
