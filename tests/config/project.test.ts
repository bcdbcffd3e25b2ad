/** loadProject: the --database override of a DuckDB target's file. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/project.js";
import { UsageError } from "../../src/errors.js";
import { REPO_ROOT } from "../helpers/project.js";

const PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/diff");

describe("loadProject --database", () => {
  it("keeps the target's file by default and replaces it, resolved from the working directory, when given", () => {
    expect(loadProject({ projectDir: PROJECT }).target).toMatchObject({ engine: "duckdb", database: "target/diff.duckdb" });
    const other = loadProject({ projectDir: PROJECT, target: "other", database: "builds/main.duckdb" });
    expect(other.target).toMatchObject({ engine: "duckdb", database: path.resolve("builds/main.duckdb"), vars: { dialect: "duckdb" } });
  });

  it("refuses it for a BigQuery target, and an empty path", () => {
    expect(() => loadProject({ projectDir: PROJECT, target: "prod", database: "x.duckdb" })).toThrow(/--database chooses a DuckDB file, but target 'prod' runs on bigquery/);
    expect(() => loadProject({ projectDir: PROJECT, database: " " })).toThrow(UsageError);
  });
});
