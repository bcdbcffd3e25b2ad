/** `c360 run` and `c360 test` refuse (exit 2) when bronze and the load manifest disagree; `c360 build` repairs it. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { runCliInProcess } from "../helpers/cli.js";
import { localDatabasePath } from "../helpers/database-path.js";
import { REFERENCE_LANDING, writeStateProject } from "../helpers/state-project.js";
import { writeLanding } from "../loader/helpers.js";

describe("c360 run and test against an incomplete load", () => {
  it("refuse, naming the table and saying to run c360 build, until a build reloads it", async () => {
    const projectDir = writeStateProject();
    for (const file of ["lookup.sqlx", "with_lookup.sqlx"]) fs.rmSync(path.join(projectDir, "definitions", file));
    const landing = writeLanding(REFERENCE_LANDING);
    expect((await runCliInProcess(["build", "--project-dir", projectDir, "--seeds", landing])).status).toBe(0);
    // Rows lost outside c360 (or by an interrupted load on an engine without transactions).
    const engine = await DuckDbEngine.open(localDatabasePath(projectDir), { connections: 1 });
    await engine.execute("delete from raw_reference.countries where alpha2 = 'GB'");
    await engine.close();

    for (const command of ["run", "test"]) {
      const refused = await runCliInProcess([command, "--project-dir", projectDir]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("raw_reference.countries: holds 1 rows, the manifest records 2 from 1 part(s)");
      expect(refused.stderr).toContain("Run `c360 build`");
    }
    const rebuilt = await runCliInProcess(["build", "--project-dir", projectDir, "--seeds", landing]);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stderr).toContain("raw_reference.countries holds 1 rows where the load manifest records 2");
    expect((await runCliInProcess(["run", "--project-dir", projectDir])).status).toBe(0);
    expect((await runCliInProcess(["query", "select count(*) as n from raw_reference.countries", "--format", "csv", "--project-dir", projectDir])).stdout).toBe("n\n2\n");
  });
});
