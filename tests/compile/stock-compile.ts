/**
 * The stock Dataform CLI's output for the compile parity tests, two ways:
 * - live: `dataform compile` (@dataform/cli from devDependencies) in a subprocess, about five
 *   seconds each; the slow parity suite (stock-parity.slow.test.ts) runs it and checks that it
 *   still prints exactly what tests/fixtures/stock-compile/ holds (`vitest -u` rewrites those);
 * - recorded: that output, read from tests/fixtures/stock-compile/, which the everyday tests
 *   compare c360's in-process compile with, so `npm test` needs no stock CLI.
 * Both suites compile the same projects, made here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { installDataformCore, REPO_ROOT } from "../helpers/project.js";

export const PARITY_PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/parity");
const STOCK_CLI = path.join(REPO_ROOT, "node_modules/.bin/dataform");
const RECORDED = path.join(REPO_ROOT, "tests/fixtures/stock-compile");

/** What the stock CLI's summary prints for the parity fixture ("Compiled 8 action(s)."). */
export const PARITY_STOCK_ACTION_COUNT = 8;

/** The vars the example project is compiled with by both tools. */
export const EXAMPLE_VARS = { dialect: "bigquery", as_of_date: "2024-06-30", fail_amount_check: "false" };

/** A copy of the parity fixture with its own node_modules (the local package) and @dataform/core, as the stock CLI needs. */
export function parityCopy(): string {
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), "c360-parity-"));
  fs.cpSync(PARITY_PROJECT, destination, { recursive: true });
  installDataformCore(destination);
  return destination;
}

/** A parity copy whose dataform.json sets every key that stock core accepts. */
export function parityCopyWithEverySetting(): string {
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
  return projectDir;
}

/** A parity copy that installs a stand-in for @dataform/core 2.9.0: only its version matters to both tools' check. */
export function parityCopyWithOldCore(): string {
  const projectDir = parityCopy();
  const core = path.join(projectDir, "node_modules/@dataform/core");
  fs.rmSync(core, { recursive: true });
  fs.mkdirSync(core, { recursive: true });
  fs.writeFileSync(path.join(core, "package.json"), JSON.stringify({ name: "@dataform/core", version: "2.9.0", main: "bundle.js" }));
  fs.writeFileSync(path.join(core, "bundle.js"), 'module.exports = { version: "2.9.0", compiler: (code) => code };\n');
  return projectDir;
}

/** Runs the stock CLI with these arguments. */
export function stock(args: string[]) {
  return spawnSync(STOCK_CLI, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
}

/** `dataform compile <dir> --json [--vars=…]`: the stock CLI's compiled graph. */
export function stockJson(projectDir: string, vars?: Record<string, string>): unknown {
  const varsArgument = vars ? [`--vars=${Object.entries(vars).map(([key, value]) => `${key}=${value}`).join(",")}`] : [];
  return JSON.parse(execFileSync(STOCK_CLI, ["compile", projectDir, "--json", ...varsArgument], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
}

export type RecordedOutput = "parity" | "parity-every-setting" | "example";

/** The file that holds what the stock CLI printed for one of the projects above. */
export function recordedFile(name: RecordedOutput): string {
  return path.join(RECORDED, `${name}.json`);
}

/** The stock CLI's graph for one of the projects above, as recorded. */
export function recordedStockJson(name: RecordedOutput): unknown {
  return JSON.parse(fs.readFileSync(recordedFile(name), "utf8"));
}

/** How a graph is recorded: the stock CLI's JSON, two-space indented, one final newline. */
export function recordedText(graph: unknown): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}
