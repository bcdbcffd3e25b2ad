import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { loadLandingFolder } from "../../src/loader/index.js";
import { STATE_TABLE } from "../../src/runner/build-state.js";
import type { ActionResult } from "../../src/runner/results.js";
import { executeActions, RUN_KINDS } from "../../src/runner/session.js";
import { compiledProject } from "../helpers/project.js";
import { writeLanding } from "../loader/helpers.js";
import { REFERENCE_LANDING as REFERENCE, STATE_BRONZE_TABLES, STATE_PROJECT_DEFINITIONS, STATE_SOURCES, writeStateProject as writeProject } from "../helpers/state-project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

/** Names of the actions the run did not rebuild. */
function unchanged(results: ActionResult[]): string[] {
  expect(results.every((result) => result.status === "success")).toBe(true);
  return results.filter((result) => result.unchanged).map((result) => result.name).sort();
}

let engine: DuckDbEngine;
let projectDir: string;
let landing: string;
beforeEach(async () => {
  engine = await openMemoryEngine({ connections: 1 });
  projectDir = writeProject();
  landing = writeLanding(REFERENCE);
  await loadLandingFolder(engine, landing, STATE_SOURCES);
  await engine.execute("create schema elsewhere; create table elsewhere.lookup as select 1 as entry");
});
afterEach(() => engine.close());

/** As `c360 build` runs it: the bronze tables of the project's landing sources are tracked. */
const run = (options: { skipUnchanged?: boolean } = { skipUnchanged: true }) =>
  executeActions(engine, compiledProject(projectDir), RUN_KINDS, { threads: 1, bronzeTables: STATE_BRONZE_TABLES, ...options });

describe("--skip-unchanged", () => {
  it("rebuilds nothing the second time but what reads a clock or an untracked table", async () => {
    expect(unchanged(await run())).toEqual([]);
    // The incremental merged nothing, so it keeps its version and loaded_count is unchanged too.
    expect(unchanged(await run())).toEqual(["marts.country_count", "marts.country_list", "marts.country_names", "marts.loaded_count"]);
  });

  it("rebuilds what a newly loaded part reaches, with its new rows", async () => {
    await run();
    writeLanding({ "reference/countries-2024-07-01.csv": "alpha2,alpha3,name\nFR,FRA,France\n" }, landing);
    await loadLandingFolder(engine, landing, STATE_SOURCES);
    expect(unchanged(await run())).toEqual([]);
    expect(await engine.query("select countries from marts.country_count")).toEqual([{ countries: 3 }]);
    expect(await engine.query("select countries from marts.loaded_count")).toEqual([{ countries: 3 }]);
  });

  it("rebuilds an edited model and what reads it, and nothing else", async () => {
    await run();
    fs.writeFileSync(path.join(projectDir, "definitions", "country_names.sqlx"), `config { type: "table" }\nselect alpha2, upper(name) as name from \${ref("raw_reference", "countries")}`);
    expect(unchanged(await run())).toEqual(["marts.loaded_count"]);
    expect(await engine.query("select name from marts.country_names order by name")).toEqual([{ name: "UNITED KINGDOM" }, { name: "UNITED STATES" }]);
  });

  it("rebuilds a table that was dropped", async () => {
    await run();
    await engine.execute("drop table marts.country_count");
    expect(unchanged(await run())).not.toContain("marts.country_count");
    expect(await engine.query("select countries from marts.country_count")).toEqual([{ countries: 2 }]);
  });

  it("keeps the state true in runs without the flag, so a later run with it is not fooled", async () => {
    await run();
    const edited = `config { type: "table" }\nselect alpha2, lower(name) as name from \${ref("raw_reference", "countries")}`;
    const original = fs.readFileSync(path.join(projectDir, "definitions", "country_names.sqlx"), "utf8");
    fs.writeFileSync(path.join(projectDir, "definitions", "country_names.sqlx"), edited);
    await run({ skipUnchanged: false });
    // Back to the first SQL: the table holds the edited build, so it must be built again.
    fs.writeFileSync(path.join(projectDir, "definitions", "country_names.sqlx"), original);
    expect(unchanged(await run())).not.toContain("marts.country_names");
    expect(await engine.query("select name from marts.country_names order by name")).toEqual([{ name: "United Kingdom" }, { name: "United States" }]);
  });

  it("after a failed action keeps no version for it, and the recorded one of what the failure kept from running", async () => {
    await run();
    const recorded = async () => new Map((await engine.query(`select action, version from ${engine.quoteTable(STATE_TABLE)}`)).map((row) => [String(row.action), String(row.version)]));
    const before = await recorded();
    // country_names fails, so country_count, country_list and stamped, which read it, do not run.
    fs.writeFileSync(path.join(projectDir, "definitions", "country_names.sqlx"), `config { type: "table" }
select alpha2, no_such_column from \${ref("raw_reference", "countries")}`);
    const results = await run();
    expect(results.find((result) => result.name === "marts.country_names")?.status).toBe("failed");
    const after = await recorded();
    expect(after.has("marts.country_names")).toBe(false);
    for (const name of ["marts.country_count", "marts.country_list", "marts.stamped"]) expect(after.get(name), name).toBe(before.get(name));
    // Back to the SQL of the table it holds: its version is gone, so it is built again, and what reads it too.
    fs.writeFileSync(path.join(projectDir, "definitions", "country_names.sqlx"), STATE_PROJECT_DEFINITIONS["country_names.sqlx"]);
    expect(unchanged(await run())).not.toContain("marts.country_names");
  });

  it("keeps no state, and writes no table, in a warehouse that never used the flag", async () => {
    await run({ skipUnchanged: false });
    expect(await engine.describeTable(STATE_TABLE)).toBeUndefined();
    expect(unchanged(await run({ skipUnchanged: false }))).toEqual([]);
  });
});
