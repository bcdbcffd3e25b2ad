/**
 * The silver layers of this repository as a project of their own (sources, staging,
 * identity, their assertions, includes), copied so gold work in progress elsewhere in the
 * tree cannot break silver tests. Free of vitest hooks.
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../helpers/project.js";

export const SILVER_VARS = {
  dialect: "duckdb",
  as_of_date: "2024-06-30",
  max_accounts_per_identifier: "3",
  identity_max_iterations: "12",
} as const;

/** The hand-written landing folder whose outputs tests/fixtures/landing.README.md works out. */
export const FIXTURE_LANDING = path.join(REPO_ROOT, "tests/fixtures/landing");

/** What a silver build runs unless told otherwise: staging and identity, with their assertions. */
export const SILVER_SELECTION = ["tag:staging", "tag:identity"];

const LAYERS = ["definitions/sources", "definitions/staging", "definitions/identity", "assertions/staging", "assertions/identity"];

/** Copies the repository's silver layers into an empty folder. */
export function writeSilverProject(destination: string): string {
  for (const layer of LAYERS) {
    const source = path.join(REPO_ROOT, layer);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(destination, layer), { recursive: true });
  }
  fs.mkdirSync(path.join(destination, "includes"), { recursive: true });
  for (const file of fs.readdirSync(path.join(REPO_ROOT, "includes"))) {
    if (file.endsWith(".js")) fs.copyFileSync(path.join(REPO_ROOT, "includes", file), path.join(destination, "includes", file));
  }
  fs.copyFileSync(path.join(REPO_ROOT, "dataform.json"), path.join(destination, "dataform.json"));
  // Only the requires of the copied layers: other layers' assertions are not in the copy.
  const assertionsJs = fs.readFileSync(path.join(REPO_ROOT, "definitions/assertions.js"), "utf8");
  const kept = assertionsJs.split("\n").filter((line) => !line.startsWith("require(") || /assertions\/(staging|identity)\//.test(line));
  fs.writeFileSync(path.join(destination, "definitions/assertions.js"), kept.join("\n"));
  return destination;
}
