/**
 * Loads are atomic (ARCHITECTURE.md "Loads are atomic, and a run trusts only a complete
 * load"): a full refresh builds bronze beside the old and swaps it in with the manifest; a
 * new part goes in with its manifest row; a failure anywhere leaves both as they were.
 * Kills (SIGKILL) at the same points are in tests/faults/.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROJECT_SOURCES } from "../helpers/project.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { InjectedFault } from "../../src/faults.js";
import { LandingFileError } from "../../src/errors.js";
import { BronzeManifestMismatchError, assertBronzeMatchesManifest, bronzeDisagreements } from "../../src/loader/consistency.js";
import { loadLandingFolder, MANIFEST_TABLE } from "../../src/loader/index.js";
import { rejection, writeLanding } from "./helpers.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const LANDING = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0712\n2024-06-28,GBP,1.2649\n",
  "reference/countries.csv": "alpha2,alpha3,name\nUS,USA,United States\nGB,GBR,United Kingdom\n",
  "web/events.ndjson": '{"message_id":"m1","anonymous_id":"a1","event":"page_viewed","timestamp":"2024-03-05T14:20:01Z"}\n{"message_id":"m2"}\n',
  "loyalty/members.xml": '<members exported_at="2024-06-30T23:00:00Z"><member id="L1"><email>a@b.co</email></member><member id="L2"/></members>',
};
const CHANGED = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0713\n",
  "reference/countries.csv": "alpha2,alpha3,name\nFR,FRA,France\n",
  "web/events.ndjson": '{"message_id":"m9"}\n',
  "loyalty/members.xml": '<members exported_at="2024-07-30T23:00:00Z"><member id="L9"/></members>',
};
const BRONZE = ["raw_web.events", "raw_loyalty.members", "raw_reference.fx_rates", "raw_reference.countries"];

let engine: DuckDbEngine;
beforeEach(async () => {
  engine = await openMemoryEngine({ connections: 2 });
});
afterEach(async () => {
  delete process.env.C360_FAULT_AT;
  delete process.env.C360_FAULT_MODE;
  await engine.close();
});

/** Every bronze row and every manifest row (without the load time), in a fixed order. */
async function snapshot(): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const table of BRONZE) state[table] = await engine.query(`select * from ${table} order by _source_file, _record_number`);
  state.manifest = (await engine.query(`select * exclude (loaded_at) from raw_meta.load_manifest order by file`)) as unknown;
  state.tables = (await engine.listTables()).map((table) => `${table.schema}.${table.name}`);
  return state;
}

function injectError(point: string): void {
  process.env.C360_FAULT_AT = point;
  process.env.C360_FAULT_MODE = "error";
}

describe("atomic loads", () => {
  it("a full refresh that stops on a truncated file leaves every bronze table and the manifest as they were", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    const before = await snapshot();
    expect((before.manifest as unknown[]).length).toBe(4);
    const xml = path.join(folder, "loyalty/members.xml");
    fs.writeFileSync(xml, LANDING["loyalty/members.xml"].slice(0, 60));
    const error = await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true }));
    expect(error).toBeInstanceOf(LandingFileError);
    expect(await snapshot()).toEqual(before);
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });

  // Bronze tables swap in catalog order: crm, shop (2), web events (4th), support, loyalty, reference (7th, 8th).
  for (const point of ["load.part:2", "load.part-rows:3", "load.swap:1", "load.swap:5", "load.swap:8", "load.manifest:1", "engine.statement:40"]) {
    it(`a full refresh failing at ${point} changes nothing, and leaves no staging table`, async () => {
      const folder = writeLanding(LANDING);
      await loadLandingFolder(engine, folder, PROJECT_SOURCES);
      const before = await snapshot();
      // New content for every delivered file, so that a table swapped in would show.
      writeLanding(CHANGED, folder);
      injectError(point);
      expect(await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true }))).toBeInstanceOf(Error);
      delete process.env.C360_FAULT_AT;
      expect(await snapshot()).toEqual(before);
    });
  }

  it("the injected faults are reached (a fault point that is never passed would make the test above vacuous)", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    injectError("load.swap:8");
    const error = await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true }));
    expect(error).toBeInstanceOf(InjectedFault);
    expect(error.message).toBe("injected fault at load.swap:8");
  });

  it("a part corrupted after its first half was read fails the full refresh, which changes nothing; delivered again, it loads", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    const before = await snapshot();
    process.env.C360_FAULT_AT = "load.read-half:3"; // the third part read
    process.env.C360_FAULT_MODE = "corrupt";
    const error = await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true }));
    delete process.env.C360_FAULT_AT;
    expect(error).toBeInstanceOf(LandingFileError);
    const corrupted = (error as LandingFileError).file as keyof typeof LANDING;
    expect(Object.keys(LANDING)).toContain(corrupted);
    expect(fs.readFileSync(path.join(folder, corrupted)).includes(0xff)).toBe(true);
    expect(await snapshot()).toEqual(before);
    writeLanding({ [corrupted]: LANDING[corrupted] }, folder);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true });
    const after = await snapshot();
    for (const table of BRONZE) expect(after[table]).toEqual(before[table]);
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });

  it("a full refresh that completes swaps in every table and a manifest listing exactly its parts", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    fs.writeFileSync(path.join(folder, "reference/countries.csv"), "alpha2,alpha3,name\nFR,FRA,France\n");
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true });
    expect(report.fullRefresh).toBe(true);
    expect(await engine.query("select alpha2 from raw_reference.countries")).toEqual([{ alpha2: "FR" }]);
    expect(await engine.query("select file, records from raw_meta.load_manifest order by file")).toEqual([
      { file: "loyalty/members.xml", records: 2 },
      { file: "reference/countries.csv", records: 1 },
      { file: "reference/fx_rates.csv", records: 2 },
      { file: "web/events.ndjson", records: 2 },
    ]);
    expect((await engine.listTables()).filter((table) => table.name.endsWith("__loading"))).toEqual([]);
  });

  it("a new part goes in with its manifest row: a failure between the two keeps neither", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    writeLanding({ "web/events-2024-07-01.ndjson": '{"message_id":"m3"}\n' }, folder);
    const before = await snapshot();
    injectError("load.part-rows:1");
    expect(await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES))).toBeInstanceOf(InjectedFault);
    delete process.env.C360_FAULT_AT;
    expect(await snapshot()).toEqual(before);
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    expect(report.files.filter((file) => file.status === "loaded").map((file) => file.file)).toEqual(["web/events-2024-07-01.ndjson"]);
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });

  it("drops the staging tables a killed load left, and rebuilds a table whose rows disagree with the manifest", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    await engine.execute("create table raw_web.events__loading as select * from raw_web.events");
    await engine.execute("delete from raw_loyalty.members where member_id = 'L2'");
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    expect(report.warnings.filter((warning) => warning.startsWith("raw_"))).toEqual([
      "raw_loyalty.members holds 1 rows where the load manifest records 2 (an earlier load was interrupted, or the table was changed outside c360): reloading all its parts",
    ]);
    expect(await engine.query("select member_id from raw_loyalty.members order by member_id")).toEqual([{ member_id: "L1" }, { member_id: "L2" }]);
    expect((await engine.listTables()).map((table) => table.name)).not.toContain("events__loading");
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });
});

describe("bronze against the manifest (run and test refuse when they disagree)", () => {
  it("names each table that disagrees and says to run c360 build", async () => {
    await loadLandingFolder(engine, writeLanding(LANDING), PROJECT_SOURCES);
    await engine.execute("delete from raw_web.events where _record_number = 2");
    await engine.execute("drop table raw_loyalty.members");
    const error = await rejection(assertBronzeMatchesManifest(engine));
    expect(error).toBeInstanceOf(BronzeManifestMismatchError);
    expect((error as BronzeManifestMismatchError).exitCode).toBe(2);
    expect(error.message).toContain("  - raw_web.events: holds 1 rows, the manifest records 2 from 1 part(s)\n");
    expect(error.message).toContain("  - raw_loyalty.members: missing, the manifest records 2 from 1 part(s)\n");
    expect(error.message).toContain("Run `c360 build`");
  });

  it("has nothing to say without a manifest (a project without a load step)", async () => {
    await engine.execute("create schema raw_web; create table raw_web.events (x integer); insert into raw_web.events values (1)");
    expect(await engine.describeTable(MANIFEST_TABLE)).toBeUndefined();
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });
});
