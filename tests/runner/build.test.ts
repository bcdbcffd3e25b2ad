/**
 * src/runner/build.ts: the one build entry point of `c360 build/run/test` and the benchmark.
 * Compile, load (only when the project declares sources), then run and test, in the order
 * and with the phases the callers time.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/project.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { runBuild, type PhaseTiming } from "../../src/runner/build.js";
import { copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { REFERENCE_LANDING, writeStateProject } from "../helpers/state-project.js";
import { writeLanding } from "../loader/helpers.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

let engine: DuckDbEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe("runBuild", () => {
  it("loads the project's landing sources, then builds; an incremental build reuses the compiled project and tracks bronze", async () => {
    engine = await openMemoryEngine({ connections: 1 });
    const projectDir = writeStateProject();
    // Only the tables over the landing folder (the lookup table lives outside it).
    for (const file of ["lookup.sqlx", "with_lookup.sqlx"]) fs.rmSync(path.join(projectDir, "definitions", file));
    const context = loadProject({ projectDir, landing: writeLanding(REFERENCE_LANDING) });
    const seen: PhaseTiming["phase"][] = [];
    const files: string[] = [];
    const full = await runBuild(context, { engine, steps: "build", load: { onFile: (file) => files.push(file.file) }, execution: { threads: 1, skipUnchanged: true }, onPhase: (timing) => seen.push(timing.phase) });
    expect(seen).toEqual(["compile", "load", "build"]);
    expect(full.phases.map((timing) => timing.phase)).toEqual(seen);
    expect(files).toEqual(["reference/fx_rates.csv", "reference/countries.csv"]);
    expect(full.load?.tables).toEqual([
      { table: "raw_reference.fx_rates", parts: 1, records: 1 },
      { table: "raw_reference.countries", parts: 1, records: 2 },
    ]);
    expect(full.results.every((result) => result.status === "success")).toBe(true);
    expect(await engine.query("select countries from marts.country_count")).toEqual([{ countries: 2 }]);

    // Nothing new: with the compiled project given, no compile; bronze is tracked, so the tables over it are unchanged.
    const again = await runBuild(context, { engine, project: full.project, steps: "run", load: {}, execution: { threads: 1, skipUnchanged: true } });
    expect(again.phases.map((timing) => timing.phase)).toEqual(["load", "run"]);
    expect(again.runResults.find((result) => result.name === "marts.country_names")?.unchanged).toBe(true);
    expect(again.testResults).toEqual([]);
  });

  it("has no load step for a project without sources, and runs the tests apart after the actions when asked", async () => {
    engine = await openMemoryEngine({ connections: 1 });
    const context = loadProject({ projectDir: copyProject(EXAMPLE_PROJECT) });
    expect(context.landingSources).toEqual([]);
    const outcome = await runBuild(context, { engine, steps: "run-then-test", load: { fullRefresh: true }, execution: { threads: 1 } });
    expect(outcome.load).toBeUndefined();
    expect(outcome.phases.map((timing) => timing.phase)).toEqual(["compile", "run", "test"]);
    expect(new Set(outcome.runResults.map((result) => result.kind))).toEqual(new Set(["operation", "view", "incremental", "table"]));
    expect(new Set(outcome.testResults.map((result) => result.kind))).toEqual(new Set(["assertion", "test"]));
    expect(outcome.results).toEqual([...outcome.runResults, ...outcome.testResults]);
    expect(outcome.results.every((result) => result.status === "success")).toBe(true);
  });
});
