/** src/engines/duckdb/instance-statement.ts: one statement on a connection of its own. */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { runOnOwnConnection } from "../../../src/engines/duckdb/instance-statement.js";

describe("runOnOwnConnection", () => {
  it("runs an instance-wide statement that later connections see, and passes a failure on", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    try {
      await runOnOwnConnection(instance, "attach ':memory:' as side");
      const connection = await instance.connect();
      const attached = await connection.runAndReadAll("select count(*) from duckdb_databases() where database_name = 'side'");
      expect(Number(attached.getRows()[0][0])).toBe(1);
      connection.closeSync();
      await expect(runOnOwnConnection(instance, "select * from no_such_table")).rejects.toThrow(/no_such_table/);
    } finally {
      instance.closeSync();
    }
  });
});
