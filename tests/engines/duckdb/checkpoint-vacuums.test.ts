/** src/engines/duckdb/checkpoint-vacuums.ts: DuckDB's log of the row groups a checkpoint merges, read back as figures. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DUCKDB_LOG_MARK_QUERY, parseVacuumMessage, vacuumLogQuery } from "../../../src/engines/duckdb/checkpoint-vacuums.js";
import { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";

describe("parseVacuumMessage", () => {
  it("reads the table, the row groups merged and written, and the rows of a vacuum entry", () => {
    const message = "{'database': c360_warehouse, 'schema': raw_shop, 'table': orders, 'type': vacuum, 'info': {segment_idx=8, merge_count=5, target_count=2, merge_rows=226012, row_start=882767}}";
    expect(parseVacuumMessage(message)).toEqual({ table: "raw_shop.orders", rowGroupsMerged: 5, rowGroupsWritten: 2, rows: 226012 });
  });

  it("ignores the checkpoint's other entries", () => {
    expect(parseVacuumMessage("{'database': c360_warehouse, 'schema': c360, 'table': customer_360, 'type': checkpoint, 'info': {segment_idx=0, start=0, count=83315}}")).toBeUndefined();
  });
});

describe("the engine's DuckDB log (logDuckDb)", () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-vacuums-"));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it("holds the merge of two half-full row groups that an append and a checkpoint leave at a table's end", async () => {
    // One thread: each insert then writes one row group, so the layout is known.
    const engine = await DuckDbEngine.open(path.join(folder, "w.duckdb"), { connections: 1, threads: 1, logDuckDb: true });
    try {
      await engine.ensureSchema("raw");
      await engine.execute("create table raw.events as select range as id from range(60000)");
      await engine.execute("checkpoint");
      const mark = (await engine.query(DUCKDB_LOG_MARK_QUERY))[0].mark as string;
      expect(await engine.query(vacuumLogQuery(mark))).toEqual([]);
      // A second row group of 60,000: together they fit in one (122,880 rows), so the checkpoint merges them.
      await engine.execute("insert into raw.events select range from range(60000)");
      await engine.execute("checkpoint");
      const vacuums = (await engine.query(vacuumLogQuery(mark))).map((row) => parseVacuumMessage(String(row.message)));
      expect(vacuums).toEqual([{ table: "raw.events", rowGroupsMerged: 2, rowGroupsWritten: 1, rows: 120000 }]);
    } finally {
      await engine.close();
    }
  });

  it("is off unless asked", async () => {
    const engine = await DuckDbEngine.open(path.join(folder, "w.duckdb"), { connections: 1, threads: 1 });
    try {
      await engine.ensureSchema("raw");
      await engine.execute("create table raw.events as select range as id from range(60000)");
      await engine.execute("checkpoint");
      await engine.execute("insert into raw.events select range from range(60000)");
      await engine.execute("checkpoint");
      expect(await engine.query(vacuumLogQuery())).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
