/**
 * The CI form of the fault-injection suite (harness.ts; the long form and its options:
 * `npm run test:faults`): on the shipped seeds, a SIGKILL inside a full build's load, inside
 * a full refresh's table swap and inside an incremental build's merge, and an engine error
 * on a statement; after each, bronze agrees with the manifest, `c360 build` exits 0, and
 * `c360 diff --all` against a clean build finds no difference.
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { FaultSuite, faultMatrix, formatResult } from "./harness.js";

describe("fault injection (CI form)", () => {
  it(
    "every fault is hit where it was asked for, and a rebuild equals a clean build",
    async () => {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-faults-ci-"));
      const suite = new FaultSuite({ workDir, trials: 4, seed: 18, errorEvery: 4, corruptEvery: 0 });
      await suite.prepare();
      const results = await suite.run();
      const summary = `${results.map(formatResult).join("\n")}\n${faultMatrix(results)}`;
      expect(results.map((result) => [result.scenario, result.mode, result.point.replace(/:\d+$/, "")]), summary).toEqual([
        ["full-build", "kill", expect.stringMatching(/^load\.(part|read-half|part-rows)$/)],
        ["full-refresh", "kill", expect.stringMatching(/^load\.(swap|manifest)$/)],
        ["incremental", "kill", expect.stringMatching(/^merge\.(staged|done)$/)],
        ["full-build", "error", "engine.statement"],
      ]);
      expect(results.filter((result) => !result.hit || !result.passed), summary).toEqual([]);
    },
    40 * 60_000,
  );
});
