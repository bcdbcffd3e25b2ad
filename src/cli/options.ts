/** Options shared by several commands, and turning them into a ProjectContext. */
import type { Argv } from "yargs";
import { loadProject, parseVars, type ProjectContext } from "../config/project.js";
import type { LogFormat } from "./progress.js";
import { withSelectionOptions } from "./selection-options.js";

export interface GlobalArguments {
  projectDir: string;
  target?: string;
  database?: string;
  vars?: string[];
  quiet: boolean;
  logFormat?: LogFormat;
}

export function withGlobalOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("project-dir", { type: "string", default: ".", describe: "Dataform project folder" })
    .option("target", { type: "string", describe: "Target from c360.json (default: its defaultTarget)" })
    .option("database", {
      type: "string",
      describe: "DuckDB targets: the database file to use instead of the target's (relative to the working directory)",
    })
    .option("vars", { type: "array", string: true, describe: "Override compile vars: --vars start_date=2024-06-30 dialect=duckdb" })
    .option("quiet", { type: "boolean", default: false, alias: "q", describe: "Print only errors and the final summary" })
    .option("log-format", {
      choices: ["text", "json"] as const,
      default: "text" as const,
      describe: "text: a live line on a terminal, else one timestamped line per finished action or loaded part; json: one JSON object per event and line",
    });
}

export function withRunOptions<T>(yargs: Argv<T>) {
  return withSelectionOptions(yargs)
    .option("threads", { type: "number", describe: "Actions run in parallel (default: the target's threads)" })
    .option("full-refresh", { type: "boolean", default: false, describe: "Rebuild incremental tables (and reload every landing part)" })
    .option("fail-fast", { type: "boolean", default: false, describe: "Stop scheduling new actions after the first failure" })
    .option("skip-unchanged", {
      type: "boolean",
      default: false,
      describe: "Do not rebuild tables and views whose SQL and inputs are unchanged since their last build (state kept in c360_meta.action_state)",
    })
    .option("statement-log", {
      type: "string",
      describe: "DuckDB: write every statement and commit, with its action, seconds and SQL, to this file (JSON lines)",
    });
}

export function projectFrom(argv: GlobalArguments & { seeds?: string }): ProjectContext {
  return loadProject({ projectDir: argv.projectDir, target: argv.target, database: argv.database, vars: parseVars(argv.vars), landing: argv.seeds });
}
