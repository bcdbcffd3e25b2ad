/**
 * `c360 diff` as a user runs it: the example project built twice (`run --database`), one
 * cell changed through a DuckDB connection of its own (`c360 query` opens the file read-only),
 * then compared as text and as JSON.
 */
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";

/** Changes a built file as another tool would: c360's own `query` only reads. */
async function changeDatabase(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("c360 diff end to end (example project)", () => {
  const projectDir = copyProject(EXAMPLE_PROJECT);
  const fileA = path.join(projectDir, "main.duckdb");
  const fileB = path.join(projectDir, "branch.duckdb");
  const diff = (...args: string[]) => runCliInProcess(["diff", "--project-dir", projectDir, ...args]);

  it("builds into the file --database names, and finds two equal builds equal (exit 0)", async () => {
    for (const file of [fileA, fileB]) expect((await runCliInProcess(["run", "--project-dir", projectDir, "--database", file, "-q"])).status).toBe(0);
    const result = await diff("--a", fileA, "--b", fileB);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("same    shop.fct_orders        3 rows  (key order_id)");
    expect(result.stdout).toContain("4 table(s): 4 equal, 0 different. No difference.");
  });

  it("names the table, key and column of one changed cell (exit 1), in text and JSON", async () => {
    await changeDatabase(fileB, "update shop.fct_orders set status = 'refunded' where order_id = 2");
    const text = await diff("--a", fileA, "--b", fileB);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/DIFF {4}shop\.fct_orders {8}3 rows {2}\(key order_id\)/);
    expect(text.stdout).toContain("column status: differs for 1 key(s)");
    expect(text.stdout).toContain("order_id=2: A 'cancelled', B 'refunded'");
    const json = await diff("--a", fileA, "--b", fileB, "--format", "json", "--select", "fct_orders");
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ version: 1, equal: false, engine: "duckdb", sampleSize: 5, tolerance: null });
    expect(report.summary).toEqual({ tables: 1, equal: 0, different: 1, only_in_a: 0, only_in_b: 0, absent: 0 });
    expect(report.tables[0]).toMatchObject({
      table: "shop.fct_orders",
      status: "different",
      rowsA: 3,
      rowsB: 3,
      key: ["order_id"],
      keySource: "uniqueKey",
      keyNote: null,
      keyed: { matched: 3, onlyInA: 0, onlyInB: 0, columns: [{ column: "status", keysDiffering: 1, sample: [{ key: { order_id: 2 }, a: "cancelled", b: "refunded" }] }] },
    });
    expect(report.tables[0].rows.onlyInA.count).toBe(1);
  });

  it("reports a table missing from one side, and takes a side from a target's database in c360.json", async () => {
    await changeDatabase(fileB, "drop table shop.revenue_report");
    const missing = await diff("--a", fileA, "--b", fileB, "--format", "json");
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).tables.find((table: { table: string }) => table.table === "shop.revenue_report").status).toBe("only_in_a");
    // The local target's database (target/example.duckdb in the example's c360.json).
    expect((await runCliInProcess(["run", "--project-dir", projectDir, "-q"])).status).toBe(0);
    const byTarget = await diff("--target-a", "local", "--b", fileA);
    expect(byTarget.status).toBe(0);
    expect(byTarget.stdout).toContain("A: target local (target/example.duckdb)");
  });

  it("exits 2 on usage errors: a missing side, a missing file, a bad --sample", async () => {
    const noSide = await diff("--a", fileA);
    expect(noSide.status).toBe(2);
    expect(noSide.stderr).toContain("Side b is missing");
    const noFile = await diff("--a", fileA, "--b", path.join(projectDir, "nowhere.duckdb"));
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain("nowhere.duckdb does not exist");
    expect((await diff("--a", fileA, "--b", fileB, "--sample", "-1")).status).toBe(2);
    expect((await diff("--target-a", "local", "--target-b", "nope")).stderr).toContain("Unknown target 'nope'");
  });
});
