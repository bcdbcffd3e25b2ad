/**
 * Everything a command needs to know about the project before compiling it: the
 * validated c360.json (or the local DuckDB default when there is none), the chosen
 * target, and the vars to compile with (dataform.json < target < --vars).
 */
import fs from "node:fs";
import path from "node:path";
import { loadYaml } from "./yaml.js";
import { ConfigError, UsageError } from "../errors.js";
import { bronzeTableName, type LandingSource, type LandingSourceConfig, landingSourcesFrom } from "./landing-sources.js";
import type { SummaryConfig } from "./summary.js";
import type { ModelFitConfig } from "../runner/model-fits.js";
import { readValidatedJson } from "./validate.js";

export interface DuckDbTargetConfig {
  engine: "duckdb";
  database: string;
  threads?: number;
  duckdbThreads?: number;
  memoryLimit?: string;
  /** DuckDB's block_allocator_memory ("off" turns it off; DuckDbOptions.blockAllocatorMemory). */
  blockAllocatorMemory?: string;
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
  /** The landing sources the loader reads before a build (none: no load step). */
  sources?: LandingSourceConfig[];
  /** What a build prints at the end beyond the generic summary. */
  summary?: SummaryConfig;
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
  /** The project's landing sources (c360.json `sources`); empty: the project has no load step. */
  landingSources: LandingSource[];
  /** The project's end-of-build summary (c360.json `summary`), if it declares one. */
  summary?: SummaryConfig;
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
  targets: { local: { engine: "duckdb", database: "target/c360_warehouse.duckdb" } },
};

/** The values of the `dialect` var that mean a project follows c360's dialect convention. */
const DIALECT_CONVENTION = new Set(["bigquery", "duckdb"]);

/**
 * The project's own vars are its own: c360 sets `dialect` to the target's engine only when
 * the project follows c360's convention, i.e. its settings declare `dialect` as `bigquery`
 * or `duckdb`. A project whose `dialect` means something else (or that has none) keeps
 * its vars as written; a target's `vars` in c360.json and `--vars` still apply.
 */
export function dialectVar(projectVars: Record<string, string> | undefined, engine: TargetConfig["engine"]): Record<string, string> {
  const declared = projectVars?.dialect;
  return declared !== undefined && DIALECT_CONVENTION.has(declared) ? { dialect: engine } : {};
}

/** The vars of workflow_settings.yaml (Dataform 3's settings file), read as core reads them. */
function workflowSettingsVars(file: string): Record<string, string> | undefined {
  let settings: unknown;
  try {
    settings = loadYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(file, [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const vars = (settings as { vars?: unknown } | null | undefined)?.vars;
  if (vars === undefined || vars === null) return undefined;
  if (typeof vars !== "object" || Array.isArray(vars)) throw new ConfigError(file, ["/vars: must be a mapping of names to strings"]);
  return Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, String(value)]));
}

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
  const workflowSettingsFile = path.join(projectDir, "workflow_settings.yaml");
  const hasWorkflowSettings = fs.existsSync(workflowSettingsFile);
  if (!settings && !hasWorkflowSettings) {
    throw new UsageError(`${projectDir} is not a Dataform project: it has neither dataform.json nor workflow_settings.yaml.`);
  }
  const targetName = options.target ?? config.defaultTarget ?? Object.keys(config.targets)[0];
  const configured = config.targets[targetName];
  if (!configured) {
    throw new UsageError(`Unknown target '${targetName}'. ${c360File} defines: ${Object.keys(config.targets).join(", ")}.`);
  }
  const projectVars = settings?.vars ?? (hasWorkflowSettings ? workflowSettingsVars(workflowSettingsFile) : undefined);
  const target = withDatabaseFile(configured, targetName, options.database);
  return {
    projectDir,
    targetName,
    target,
    vars: checkedDateVars({ ...projectVars, ...dialectVar(projectVars, target.engine), ...target.vars, ...options.vars }),
    landingDir: options.landing ? path.resolve(options.landing) : path.resolve(projectDir, config.landing ?? "seeds"),
    landingSources: checkedLandingSources(c360File, config.sources),
    summary: config.summary,
    artifactsDir: path.join(projectDir, "target"),
    fits: config.fits ?? [],
    dashboardFile: config.dashboard ? path.resolve(projectDir, config.dashboard) : undefined,
    docsFile: config.docs ? path.resolve(projectDir, config.docs) : undefined,
  };
}

/**
 * What JSON Schema cannot say: no two sources read the same file or fill the same table, and
 * an XML layout maps only the source's own columns to attributes.
 */
function checkedLandingSources(file: string, configs: LandingSourceConfig[] | undefined): LandingSource[] {
  const sources = landingSourcesFrom(configs);
  const problems: string[] = [];
  sources.forEach((source, index) => {
    for (const key of ["recordAttributes", "rootAttributes"] as const) {
      for (const column of Object.keys(source.xml?.[key] ?? {})) {
        if (!source.fields.includes(column)) problems.push(`/sources/${index}/xml/${key}/${column}: ${column} is not one of the source's columns (${source.fields.join(", ")})`);
      }
    }
  });
  const seen = { file: new Map<string, number>(), table: new Map<string, number>() };
  sources.forEach((source, index) => {
    for (const [key, value] of [["file", source.file], ["table", bronzeTableName(source)]] as const) {
      const first = seen[key].get(value);
      if (first === undefined) seen[key].set(value, index);
      else problems.push(`/sources/${index}/${key}: ${value} is already the ${key} of /sources/${first}; each source reads its own file into its own table`);
    }
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  return sources;
}

/**
 * A var written as an ISO date (YYYY-MM-DD) must be a day of the calendar: 2024-02-30 is
 * refused here, once, naming the var, before the project compiles (otherwise every file that
 * reads the var fails on its own).
 */
export function checkedDateVars(vars: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(vars)) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!parts) continue;
    const date = new Date(Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])));
    const real = date.getUTCFullYear() === Number(parts[1]) && date.getUTCMonth() === Number(parts[2]) - 1 && date.getUTCDate() === Number(parts[3]);
    if (!real) throw new UsageError(`The var ${name}=${value} is not a day of the calendar (YYYY-MM-DD expected, e.g. ${parts[1]}-${parts[2] === "02" ? "02-28" : "06-30"}). Set it with --vars ${name}=YYYY-MM-DD or in c360.json / dataform.json.`);
  }
  return vars;
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
