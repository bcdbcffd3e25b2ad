/**
 * ARCHITECTURE.md, "The framework knows no project": no file under src/ names a table,
 * schema, landing source or var of this project, and src/ imports nothing from tools/.
 * The names come from the project itself (its compiled actions, its c360.json sources and
 * summary, its vars), so the check stays true as the project grows.
 *
 * Left out, on purpose: names without an underscore or a digit (customers, orders,
 * events: ordinary words, also `node:events`), the default schema `c360` (the framework's
 * own name), and the var `dialect`, a framework convention (c360 sets it to the target's
 * engine; README "Configuration").
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/project.js";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";

const FRAMEWORK_NAMES = new Set(["c360", "dialect"]);

function projectNames(): string[] {
  const context = loadProject({ projectDir: REPO_ROOT });
  const { actions } = compiledProject(REPO_ROOT, context.vars);
  const names = new Set<string>();
  for (const action of actions.values()) {
    names.add(action.target.schema);
    names.add(action.target.name);
  }
  for (const source of context.landingSources) {
    names.add(source.schema);
    names.add(source.table);
  }
  for (const name of Object.keys(context.vars)) names.add(name);
  return [...names].filter((name) => /[_0-9]/.test(name) && !FRAMEWORK_NAMES.has(name)).sort();
}

function filesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("the framework knows no project", () => {
  const names = projectNames();
  const sourceFiles = filesUnder(path.join(REPO_ROOT, "src"));

  it("reads the project's names from the project (its tables, schemas, sources and vars)", () => {
    expect(names).toEqual(expect.arrayContaining(["kpi_summary", "customer_360", "stg_shop__orders", "raw_crm", "raw_reference", "c360_staging", "c360_identity", "as_of_date", "identity_max_iterations", "max_accounts_per_identifier"]));
    expect(names.length).toBeGreaterThan(50);
  });

  it("names none of them under src/", () => {
    const pattern = new RegExp(`(?<![A-Za-z0-9_])(${names.join("|")})(?![A-Za-z0-9_])`);
    const hits: string[] = [];
    for (const file of sourceFiles) {
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, index) => {
          const match = pattern.exec(line);
          if (match) hits.push(`${path.relative(REPO_ROOT, file)}:${index + 1}: ${match[1]}`);
        });
    }
    expect(hits).toEqual([]);
  });

  it("imports nothing from tools/ (the project's own programs)", () => {
    const importsTools = sourceFiles.filter((file) => /from\s+["'](\.\.\/)+tools\//.test(fs.readFileSync(file, "utf8")));
    expect(importsTools.map((file) => path.relative(REPO_ROOT, file))).toEqual([]);
  });
});
