/**
 * Dataform parity: c360 compiles the parity fixture to the graph the stock CLI
 * (`dataform compile --json`, @dataform/cli from devDependencies) gives, as recorded in
 * tests/fixtures/stock-compile/. stock-parity.slow.test.ts runs the stock CLI itself on the
 * same projects and checks that it still gives exactly those recordings; CI runs both.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { toStockJson } from "../../src/compile/stock-json.js";
import { loadProject } from "../../src/config/project.js";
import { stockActionCount } from "../../src/graph/actions.js";
import { REPO_ROOT } from "../helpers/project.js";
import { PARITY_PROJECT, PARITY_STOCK_ACTION_COUNT, parityCopy, parityCopyWithEverySetting, parityCopyWithOldCore, recordedStockJson } from "./stock-compile.js";

function oursJson(projectDir: string): unknown {
  return toStockJson(compileProject({ projectDir, vars: loadProject({ projectDir }).vars }));
}

describe("compiles like the stock dataform CLI", () => {
  it("a project requiring a package from its own node_modules and a folder's index.js, with JiT, notebook, materialized view, declaration and test", () => {
    const ours = oursJson(parityCopy()) as { tables: { target: { name: string }; query?: string; jitCode?: string; materialized?: boolean }[]; notebooks: unknown[] };
    expect(ours).toEqual(recordedStockJson("parity"));
    // What the fixture exercises, so that an empty or failed compile cannot pass.
    const table = (name: string) => ours.tables.find((candidate) => candidate.target.name === name)!;
    expect(table("order_status").query).toContain("case status when 'p' then 'paid' else 'open' end");
    expect(table("order_currency").query).toContain("'EUR' as currency");
    expect(table("jit_paid_orders").jitCode).toContain("jctx.ref");
    expect(table("order_totals").materialized).toBe(true);
    expect(ours.notebooks).toHaveLength(1);
  });

  it("reports the action count the stock CLI prints (tables, assertions, operations; not declarations, tests or notebooks)", () => {
    expect(stockActionCount(compileProject({ projectDir: parityCopy() }))).toBe(PARITY_STOCK_ACTION_COUNT);
  });

  it("accepts every dataform.json key that stock core accepts, with the same graph", () => {
    expect(oursJson(parityCopyWithEverySetting())).toEqual(recordedStockJson("parity-every-setting"));
  });

  it("refuses a project that installs @dataform/core 2.x with what it needs, as the stock CLI does", () => {
    const projectDir = parityCopyWithOldCore();
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
