/** `c360 run`, `c360 test` and `c360 build`: compile, (load,) execute, report. */
import path from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import type { ProjectContext } from "../../config/project.js";
import { openEngine } from "../../engines/open-engine.js";
import type { ActionKind } from "../../graph/actions.js";
import { type ActionResult, writeRunResults } from "../../runner/results.js";
import { BUILD_KINDS, compileForTarget, executeActions, RUN_KINDS, TEST_KINDS } from "../../runner/session.js";
import { UsageError } from "../../errors.js";
import type { Engine } from "../../engines/engine.js";
import { dashboardAfterBuild } from "./dashboard.js";
import { loadLanding, VERIFY_CHECKSUMS_OPTION } from "./seed.js";
import { createReporter, formatSummary, progressHandlers } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions, withRunOptions } from "../options.js";

interface ExecuteArguments extends GlobalArguments {
  select?: string[];
  exclude?: string[];
  threads?: number;
  fullRefresh: boolean;
  failFast: boolean;
  skipUnchanged: boolean;
  seeds?: string;
  dryRun: boolean;
  verifyChecksums?: boolean;
  dashboard?: boolean;
}

async function execute(argv: ArgumentsCamelCase<ExecuteArguments>, command: string, kinds: ReadonlySet<ActionKind>, loadFirst: boolean): Promise<void> {
  const started = performance.now();
  const reporter = createReporter(argv);
  const context: ProjectContext = projectFrom(argv);
  if (argv.dryRun && context.target.engine !== "bigquery") throw new UsageError("--dry-run needs a BigQuery target (e.g. --target prod).");
  const project = compileForTarget(context);
  reporter.info(`Compiled ${project.actions.size} action(s) in ${project.seconds.toFixed(2)}s (target ${context.targetName}, as_of_date ${context.vars.as_of_date ?? "unset"})`);
  const threads = argv.threads ?? context.target.threads ?? 2;
  const engine = await openEngine(context, { threads, dryRun: argv.dryRun });
  let results: ActionResult[] = [];
  let summary: string | undefined;
  try {
    if (loadFirst) await loadLanding(engine, context, { fullRefresh: argv.fullRefresh, verifyChecksums: argv.verifyChecksums ?? false, reporter });
    else if (!argv.dryRun) await refuseIncompleteLoad(engine);
    results = await executeActions(engine, project, kinds, {
      select: argv.select,
      exclude: argv.exclude,
      threads,
      fullRefresh: argv.fullRefresh,
      failFast: argv.failFast,
      skipUnchanged: argv.skipUnchanged,
      ...progressHandlers(reporter),
    });
    if (command === "build" && !argv.quiet && !argv.dryRun && results.every((result) => result.status === "success")) {
      summary = await customerSummary(engine, context);
    }
  } finally {
    await engine.close();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  writeRunResults(context.artifactsDir, { command, target: context.targetName, startedAt: new Date(Date.now() - elapsedSeconds * 1000).toISOString(), elapsedSeconds, results });
  process.stdout.write(formatSummary(results, elapsedSeconds) + "\n");
  if (argv.dryRun) await printDryRunReport(engine);
  if (summary) process.stdout.write(`\n${summary}\n`);
  if (command === "build" && !argv.dryRun) await dashboardAfterBuild(context, project.actions, argv);
  if (results.some((result) => result.status !== "success")) process.exitCode = 1;
}

/** `run` and `test` read bronze only when it holds what the load manifest says (ARCHITECTURE.md "Loads are atomic"). */
async function refuseIncompleteLoad(engine: Engine): Promise<void> {
  const { assertBronzeMatchesManifest } = await import("../../loader/consistency.js");
  await assertBronzeMatchesManifest(engine);
}

/** What a person wants to see after a build: the Customer 360 in a few lines (when the project has it). */
async function customerSummary(engine: Engine, context: ProjectContext): Promise<string | undefined> {
  const gold = await engine.describeTable({ schema: "c360", name: "kpi_summary" });
  if (!gold) return undefined;
  const { buildSummary } = await import("../../reporting/build-summary.js");
  const location = context.target.engine === "duckdb" ? path.relative(process.cwd(), path.resolve(context.projectDir, context.target.database)) : `BigQuery project ${context.target.project}`;
  return buildSummary(engine, { location });
}

async function printDryRunReport(engine: Engine): Promise<void> {
  const { BigQueryEngine, formatDryRunReport } = await import("../../engines/bigquery/index.js");
  if (engine instanceof BigQueryEngine) process.stdout.write(formatDryRunReport(engine.dryRunReport()) + "\n");
}

export const runCommand: CommandModule<object, ExecuteArguments> = {
  command: "run",
  describe: "Build the selected tables, views, incrementals and operations in dependency order",
  builder: (yargs) =>
    withRunOptions(withGlobalOptions(yargs))
      .option("dry-run", { type: "boolean", default: false, describe: "BigQuery: dry-run every statement and report bytes processed and cost" })
      .example("$0 run", "Build every action on the default (local DuckDB) target")
      .example("$0 run --target prod --dry-run", "Bytes each action would process on BigQuery, and the on-demand cost")
      .example("$0 run --select +customer_360", "customer_360 and everything it reads")
      .example("$0 run --select tag:staging --full-refresh", "Rebuild the staging models from scratch")
      .example("$0 run --skip-unchanged", "Rebuild only what an edit or newly loaded data changed") as never,
  handler: (argv) => execute(argv, "run", RUN_KINDS, false),
};

export const testCommand: CommandModule<object, ExecuteArguments> = {
  command: "test",
  describe: "Run assertions and Dataform unit tests against the built tables",
  builder: (yargs) =>
    withRunOptions(withGlobalOptions(yargs))
      .example("$0 test", "Every assertion and unit test")
      .example("$0 test --select tag:gold", "Only the assertions tagged gold") as never,
  handler: (argv) => execute(argv, "test", TEST_KINDS, false),
};

export const buildCommand: CommandModule<object, ExecuteArguments> = {
  command: "build",
  describe: "Load the landing folder, then run every action and its tests in DAG order",
  builder: (yargs) =>
    withRunOptions(withGlobalOptions(yargs))
      .option("seeds", { type: "string", describe: "Landing folder (default: c360.json landing, else seeds/)" })
      .option("verify-checksums", VERIFY_CHECKSUMS_OPTION)
      .option("dashboard", { type: "boolean", default: true, describe: "Draw the project's dashboard at the end (--no-dashboard to skip)" })
      .example("$0 build", "The whole Customer 360 from the shipped seeds on local DuckDB")
      .example("$0 build --seeds ~/exports --vars as_of_date=2024-12-31", "Your own exports, as of a date") as never,
  handler: (argv) => execute(argv, "build", BUILD_KINDS, true),
};
