/**
 * Dataform parity: the same fixture compiled by the stock CLI (`dataform compile --json`,
 * @dataform/cli from devDependencies) and by c360 gives the same graph.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { toStockJson } from "../../src/compile/stock-json.js";
import { loadProject } from "../../src/config/project.js";
import { stockActionCount } from "../../src/graph/actions.js";
import { installDataformCore, REPO_ROOT } from "../helpers/project.js";

const PARITY_PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/parity");
const STOCK_CLI = path.join(REPO_ROOT, "node_modules/.bin/dataform");

/** A copy of the fixture with its own node_modules (the local package) and @dataform/core, as the stock CLI needs. */
function parityCopy(): string {
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), "c360-parity-"));
  fs.cpSync(PARITY_PROJECT, destination, { recursive: true });
  installDataformCore(destination);
  return destination;
}

function stock(args: string[]) {
  return spawnSync(STOCK_CLI, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
}

function stockJson(projectDir: string): unknown {
  return JSON.parse(execFileSync(STOCK_CLI, ["compile", projectDir, "--json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }));
}

function oursJson(projectDir: string, vars?: Record<string, string>): unknown {
  return toStockJson(compileProject({ projectDir, vars: vars ?? loadProject({ projectDir }).vars }));
}

describe("compiles like the stock dataform CLI", () => {
  it("a project requiring a package from its own node_modules and a folder's index.js, with JiT, notebook, materialized view, declaration and test", () => {
    const projectDir = parityCopy();
    const expected = stockJson(projectDir);
    const ours = oursJson(projectDir) as { tables: { target: { name: string }; query?: string; jitCode?: string; materialized?: boolean }[]; notebooks: unknown[] };
    expect(ours).toEqual(expected);
    // What the fixture exercises, so that an empty or failed compile cannot pass.
    const table = (name: string) => ours.tables.find((candidate) => candidate.target.name === name)!;
    expect(table("order_status").query).toContain("case status when 'p' then 'paid' else 'open' end");
    expect(table("order_currency").query).toContain("'EUR' as currency");
    expect(table("jit_paid_orders").jitCode).toContain("jctx.ref");
    expect(table("order_totals").materialized).toBe(true);
    expect(ours.notebooks).toHaveLength(1);
  });

  it("reports the action count the stock CLI prints (tables, assertions, operations; not declarations, tests or notebooks)", () => {
    const projectDir = parityCopy();
    const printed = stock(["compile", projectDir]);
    expect(printed.status).toBe(0);
    const stockCount = Number(/Compiled (\d+) action\(s\)/.exec(printed.stdout)?.[1]);
    expect(stockCount).toBe(8);
    expect(stockActionCount(compileProject({ projectDir }))).toBe(stockCount);
  });

  it("accepts every dataform.json key that stock core accepts, with the same graph", () => {
    const projectDir = parityCopy();
    const settingsFile = path.join(projectDir, "dataform.json");
    const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8")) as Record<string, unknown>;
    Object.assign(settings, {
      schemaSuffix: "dev",
      tablePrefix: "pre",
      builtinAssertionNamePrefix: "chk",
      defaultReservation: "projects/p/locations/US/reservations/r",
      disableAssertions: false,
      includeTestsInCompiledGraph: true,
      preserveGovernanceControls: false,
      defaultNotebookRuntimeOptions: { outputBucket: "gs://bucket", runtimeTemplateName: "template" },
      defaultIcebergConfig: { bucketName: "iceberg", tableFolderRoot: "root" },
    });
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    const context = loadProject({ projectDir });
    expect(oursJson(projectDir, context.vars)).toEqual(stockJson(projectDir));
  });

  it("refuses a project that installs @dataform/core 2.x with what it needs, as the stock CLI does", () => {
    const projectDir = parityCopy();
    // A stand-in for an old core: only its version matters to both tools' check.
    const core = path.join(projectDir, "node_modules/@dataform/core");
    fs.rmSync(core, { recursive: true });
    fs.mkdirSync(core, { recursive: true });
    fs.writeFileSync(path.join(core, "package.json"), JSON.stringify({ name: "@dataform/core", version: "2.9.0", main: "bundle.js" }));
    fs.writeFileSync(path.join(core, "bundle.js"), 'module.exports = { version: "2.9.0", compiler: (code) => code };\n');
    const printed = stock(["compile", projectDir, "--json"]);
    expect(printed.status).not.toBe(0);
    expect(printed.stderr).toMatch(/@dataform\/core 2\.9\.0 is not compatible.*>= 3\.0\.0/);
    expect(() => compileProject({ projectDir })).toThrow(/@dataform\/core 2\.9\.0, and c360 requires @dataform\/core >= 3\.0\.0/);
  });
});

describe("a pinned core", () => {
  it("says how to install the dataformCoreVersion that workflow_settings.yaml pins, when the project has no core of its own", () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-pinned-"));
    fs.mkdirSync(path.join(projectDir, "definitions"));
    fs.writeFileSync(path.join(projectDir, "definitions/one.sqlx"), 'config { type: "view" }\nselect 1 as one\n');
    fs.writeFileSync(path.join(projectDir, "workflow_settings.yaml"), "defaultProject: p\ndefaultDataset: d\ndefaultLocation: US\ndataformCoreVersion: 3.0.0\n");
    expect(() => compileProject({ projectDir })).toThrow(/pins dataformCoreVersion 3\.0\.0, and the project has no node_modules\/@dataform\/core .*npm install --save-exact @dataform\/core@3\.0\.0/);
  });
});

describe("the project's own vars", () => {
  it("keeps a dialect var that is not c360's convention, and sets it for a project that follows it", () => {
    expect(loadProject({ projectDir: PARITY_PROJECT }).vars).toEqual({ dialect: "postgres", cutoff_date: "2024-01-01" });
    expect(loadProject({ projectDir: path.join(REPO_ROOT, "tests/fixtures/projects/example") }).vars.dialect).toBe("duckdb");
  });
});
