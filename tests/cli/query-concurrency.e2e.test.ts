/**
 * `c360 query` beside other processes: it reads through a read-only connection, so queries
 * share the database file; while a build (any writer) holds the file it says so, naming the
 * process, instead of DuckDB's bare lock error; before any build it says to run `c360 build`
 * and creates no empty database.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { runCli } from "../helpers/cli.js";
import { localDatabasePath } from "../helpers/database-path.js";
import { REFERENCE_LANDING, writeStateProject } from "../helpers/state-project.js";
import { writeLanding } from "../loader/helpers.js";

const COUNT = "select count(*) as n from raw_reference.countries";

describe("c360 query beside other processes", () => {
  const projectDir = writeStateProject();
  const database = localDatabasePath(projectDir);

  it("before any build says to run c360 build, and creates no database", () => {
    const result = runCli(["query", COUNT, "--project-dir", projectDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("run `c360 build` first");
    expect(fs.existsSync(database)).toBe(false);
  });

  it("says a build is writing the database (naming the process) while one holds it, and reads beside another reader", async () => {
    expect(runCli(["seed", "--project-dir", projectDir, "--seeds", writeLanding(REFERENCE_LANDING)]).status).toBe(0);
    const writer = await DuckDbEngine.open(database, { connections: 1 });
    try {
      const busy = runCli(["query", COUNT, "--project-dir", projectDir]);
      expect(busy.status).toBe(2);
      expect(busy.stderr).toContain(`is in use by another process (PID ${process.pid}): a c360 build, run, test or seed is writing it. Wait for it to finish, then try again.`);
      expect(busy.stderr).not.toContain("IO Error");
    } finally {
      await writer.close();
    }
    const reader = await DuckDbEngine.open(database, { connections: 1, readOnly: true });
    try {
      const shared = runCli(["query", COUNT, "--format", "csv", "--project-dir", projectDir]);
      expect(shared.stderr).toBe("");
      expect(shared.stdout).toBe("n\n2\n");
    } finally {
      await reader.close();
    }
  });
});
