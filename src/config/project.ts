/**
 * Everything a command needs to know about the project before compiling it: the
 * validated c360.json (or the local DuckDB default when there is none), the chosen
 * target, and the vars to compile with (dataform.json < target < --vars).
 */
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { ModelFitConfig } from "../runner/model-fits.js";
import { readValidatedJson } from "./validate.js";

export interface DuckDbTargetConfig {
  engine: "duckdb";
  database: string;
  threads?: number;
  duckdbThreads?: number;
  memoryLimit?: string;
  /** DuckDB storage format of a new database file (DuckDbOptions.storageVersion). */
  storageVersion?: string;
  vars?: Record<string, string>;
}

export interface BigQueryTargetConfig {
  engine: "bigquery";
  project: string;
  location: string;
  datasetSuffix?: string;
  threads?: number;
  vars?: Record<string, string>;
}

export type TargetConfig = DuckDbTargetConfig | BigQueryTargetConfig;

export interface C360Config {
  defaultTarget?: string;
  landing?: string;
  /** The project's dashboard declaration, relative to the project. */
  dashboard?: string;
  /** The project's docs-site settings, relative to the project. */
  docs?: string;
  targets: Record<string, TargetConfig>;
  /** Models fitted in TypeScript on every build (runner/model-fits.ts). */
  fits?: ModelFitConfig[];
}

export interface DataformSettings {
  defaultDatabase?: string;
  defaultSchema: string;
  assertionSchema?: string;
  vars?: Record<string, string>;
}

export interface ProjectContext {
  projectDir: string;
  targetName: string;
  target: TargetConfig;
  /** Vars passed to the compiler: target vars and --vars over the project's own. */
  vars: Record<string, string>;
  /** Absolute landing folder. */
  landingDir: string;
  /** Absolute folder for artifacts (compiled.json, run_results.json, the local database). */
  artifactsDir: string;
  /** c360.json `fits`: models the runner fits after their output table is built. */
  fits: ModelFitConfig[];
  /** Absolute paths of the project's dashboard declaration and docs-site settings, when c360.json names them. */
  dashboardFile?: string;
  docsFile?: string;
}

const DEFAULT_CONFIG: C360Config = {
  defaultTarget: "local",
  targets: { local: { engine: "duckdb", database: "target/c360_warehouse.duckdb", vars: { dialect: "duckdb" } } },
};

export interface ProjectOptions {
  projectDir: string;
  target?: string;
  /** `--vars k=v` pairs, already split. */
  vars?: Record<string, string>;
  /** `--seeds DIR`, relative to the working directory. */
  landing?: string;
  /** `--database FILE`, relative to the working directory: a DuckDB target's database file for this invocation. */
  database?: string;
}

export function loadProject(options: ProjectOptions): ProjectContext {
  const projectDir = path.resolve(options.projectDir);
  if (!fs.existsSync(projectDir)) throw new UsageError(`Project directory ${projectDir} does not exist.`);
  const c360File = path.join(projectDir, "c360.json");
  const config = fs.existsSync(c360File) ? readValidatedJson<C360Config>(c360File, "c360") : DEFAULT_CONFIG;
  const dataformFile = path.join(projectDir, "dataform.json");
  const settings = fs.existsSync(dataformFile) ? readValidatedJson<DataformSettings>(dataformFile, "dataform") : undefined;
  if (!settings && !fs.existsSync(path.join(projectDir, "workflow_settings.yaml"))) {
    throw new UsageError(`${projectDir} is not a Dataform project: it has neither dataform.json nor workflow_settings.yaml.`);
  }
  const targetName = options.target ?? config.defaultTarget ?? Object.keys(config.targets)[0];
  const configured = config.targets[targetName];
  if (!configured) {
    throw new UsageError(`Unknown target '${targetName}'. ${c360File} defines: ${Object.keys(config.targets).join(", ")}.`);
  }
  const target = withDatabaseFile(configured, targetName, options.database);
  const defaultDialect = target.engine === "duckdb" ? { dialect: "duckdb" } : { dialect: "bigquery" };
  return {
    projectDir,
    targetName,
    target,
    vars: { ...settings?.vars, ...defaultDialect, ...target.vars, ...options.vars },
    landingDir: options.landing ? path.resolve(options.landing) : path.resolve(projectDir, config.landing ?? "seeds"),
    artifactsDir: path.join(projectDir, "target"),
    fits: config.fits ?? [],
    dashboardFile: config.dashboard ? path.resolve(projectDir, config.dashboard) : undefined,
    docsFile: config.docs ? path.resolve(projectDir, config.docs) : undefined,
  };
}

/** The target with its DuckDB database file replaced by `--database` (an absolute path). */
function withDatabaseFile(target: TargetConfig, targetName: string, database: string | undefined): TargetConfig {
  if (database === undefined) return target;
  if (target.engine !== "duckdb") throw new UsageError(`--database chooses a DuckDB file, but target '${targetName}' runs on ${target.engine}.`);
  if (!database.trim()) throw new UsageError("--database expects a file path.");
  return { ...target, database: path.resolve(database) };
}

/** The `fits` of a project's c360.json (validated), or none when it has no c360.json. */
export function readModelFits(projectDir: string): ModelFitConfig[] {
  const c360File = path.join(path.resolve(projectDir), "c360.json");
  return fs.existsSync(c360File) ? (readValidatedJson<C360Config>(c360File, "c360").fits ?? []) : [];
}

/** Parses `--vars a=1 b=2` into a record; `=` and `,` inside a value are kept. */
export function parseVars(pairs: string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new UsageError(`--vars expects key=value, got '${pair}'.`);
    vars[pair.slice(0, separator).trim()] = pair.slice(separator + 1).trim();
  }
  return vars;
}
