/**
 * `c360 check` of this repository (BigQuery SQL analyzed offline by ZetaSQL, the project's own
 * vars), run once per test run by the integration project's global setup
 * (tests/helpers/seeds-database-setup.ts): the files that assert on it (check-project, the
 * gold contract, the project's dashboard) read one report instead of each checking the
 * repository again, several seconds of ZetaSQL each.
 */
import fs from "node:fs";
import { inject } from "vitest";
import type { CheckReport } from "../../src/check/index.js";
import { waitUntilBuilt } from "./build-markers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The report's JSON file; `<file>.ready` appears when it is written, `<file>.failed` (the error) when the check threw. */
    repositoryCheck: string;
  }
}

/** Waits until the run has checked the repository, then returns the report. */
export async function repositoryCheckReport(): Promise<CheckReport> {
  const file = inject("repositoryCheck");
  if (!file) throw new Error("no shared repository check: this test file must run in the integration project (see vitest.config.ts)");
  await waitUntilBuilt("check of the repository", file);
  return JSON.parse(fs.readFileSync(file, "utf8")) as CheckReport;
}
