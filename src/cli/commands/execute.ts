/** `c360 run`, `c360 test` and `c360 build`: compile, (load,) execute, report. */
import path from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import type { ProjectContext } from "../../config/project.js";
import { openEngine } from "../../engines/open-engine.js";
import { type Action, otherProjects } from "../../graph/actions.js";
import { type BuildSteps, runBuild } from "../../runner/build.js";
import { bigQueryOnlyHint, DIALECT_FAILURE } from "../../runner/dialect-hint.js";
import { compileForTarget } from "../../runner/session.js";
import { type ActionResult, writeRunResults } from "../../runner/results.js";
import { UsageError } from "../../errors.js";
import type { Engine } from "../../engines/engine.js";
import { dashboardAfterBuild } from "./dashboard.js";
import { NO_SOURCES_MESSAGE, reportedLoadStep, VERIFY_CHECKSUMS_OPTION } from "./seed.js";
import { createReporter, describeActionCounts, formatSummary, progressHandlers, summaryEvent } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions, withRunOptions } from "../options.js";
import { type SelectionArguments, savedStateFrom, selectionOptions } from "../selection-options.js";

interface ExecuteArguments extends GlobalArguments, SelectionArguments {
  threads?: number;
  fullRefresh: boolean;
  failFast: boolean;
  skipUnchanged: boolean;
  seeds?: string;
  dryRun: boolean;
  verifyChecksums?: boolean;
  dashboard?: boolean;
  statementLog?: string;
}

/** `steps` is also the command's name (build, run, test). */
async function execute(argv: ArgumentsCamelCase<ExecuteArguments>, steps: Exclude<BuildSteps, "run-then-test">): Promise<void> {
  const command = steps;
  const started = performance.now();
  const reporter = createReporter(argv);
  const context: ProjectContext = projectFrom(argv);
  if (argv.dryRun && context.target.engine !== "bigquery") throw new UsageError("--dry-run needs a BigQuery target (e.g. --target prod).");
  if (argv.statementLog !== undefined && context.target.engine !== "duckdb") {
    throw new UsageError("--statement-log needs a DuckDB target: on BigQuery, every statement is a job in the project's job history (INFORMATION_SCHEMA.JOBS).");
  }
  const saved = savedStateFrom(argv);
  // Compiled before the engine opens: the selection reads the compiled actions and the saved state.
  const project = compileForTarget(context);
  for (const warning of project.warnings ?? []) reporter.warn(warning);
  reporter.info(`Compiled ${describeActionCounts(project.graph, project.actions.values())} in ${project.seconds.toFixed(2)}s (target ${context.targetName}${varsNote(context)})`);
  const threads = argv.threads ?? context.target.threads ?? 2;
  const loadFirst = steps === "build";
  if (loadFirst && context.landingSources.length === 0) reporter.info(`${NO_SOURCES_MESSAGE} Building without a load step.`);
  const load = loadFirst ? reportedLoadStep(reporter, { fullRefresh: argv.fullRefresh, verifyChecksums: argv.verifyChecksums ?? false }) : undefined;
  const statementLog = argv.statementLog === undefined ? undefined : await openStatementLog(argv.statementLog);
  const engine = await openEngine(context, { threads, dryRun: argv.dryRun, projects: otherProjects(project.graph), statementLog });
  let results: ActionResult[] = [];
  let summary: string | undefined;
  await reporter.startLiveLine();
  try {
    const outcome = await runBuild(context, {
      engine,
      project,
      steps,
      load: load?.step ?? false,
      // A dry run reads nothing, so it has no bronze to check.
      checkBronze: !argv.dryRun,
      execution: {
        select: argv.select,
        exclude: argv.exclude,
        selection: selectionOptions(argv, project.actions, saved),
        threads,
        fullRefresh: argv.fullRefresh,
        failFast: argv.failFast,
        skipUnchanged: argv.skipUnchanged,
        ...progressHandlers(reporter),
      },
      onLoaded: load?.onLoaded,
    });
    results = outcome.results;
    if (command === "build" && !argv.quiet && !argv.dryRun && results.every((result) => result.status === "success")) {
      summary = await declaredSummary(engine, context, outcome.project.actions);
    }
  } finally {
    reporter.close();
    await engine.close();
  }
  if (engine.dialect === "duckdb") await explainBigQueryOnlyFailures(results, project.actions, context.projectDir);
  const elapsedSeconds = (performance.now() - started) / 1000;
  writeRunResults(context.artifactsDir, { command, target: context.targetName, startedAt: new Date(Date.now() - elapsedSeconds * 1000).toISOString(), elapsedSeconds, results });
  if (reporter.logFormat === "json") reporter.event(summaryEvent(command, results, elapsedSeconds));
  else {
    process.stdout.write(formatSummary(results, elapsedSeconds) + "\n");
    if (argv.dryRun) await printDryRunReport(engine);
    if (summary) process.stdout.write(`\n${summary}\n`);
  }
  if (command === "build" && !argv.dryRun) await dashboardAfterBuild(context, project.actions, argv);
  if (results.some((result) => result.status !== "success")) process.exitCode = 1;
}

/** The --statement-log file, emptied; the module loads only when asked for. */
async function openStatementLog(file: string) {
  const { StatementLogFile } = await import("../../engines/duckdb/statement-log.js");
  return new StatementLogFile(path.resolve(file));
}

/** The vars the project was compiled with, so that a person sees what the build used. */
function varsNote(context: ProjectContext): string {
  const vars = Object.entries(context.vars);
  return vars.length > 0 ? `, vars ${vars.map(([key, value]) => `${key}=${value}`).join(" ")}` : "";
}

/**
 * DuckDB says only what its parser or binder rejected: where a failed action's SQL is
 * valid BigQuery, say that it is BigQuery dialect, with its file and line (dialect-hint.ts).
 * The ZetaSQL service starts only when some failure looks like a dialect problem.
 */
async function explainBigQueryOnlyFailures(results: ActionResult[], actions: Map<string, Action>, projectDir: string): Promise<void> {
  const failed = results.filter((result) => result.status === "failed" && result.error && DIALECT_FAILURE.test(result.error));
  if (failed.length === 0) return;
  const { BigQueryAnalyzer } = await import("../../check/analyzer.js");
  const analyzer = await BigQueryAnalyzer.start();
  try {
    for (const result of failed) {
      const action = actions.get(result.name);
      const hint = action && (await bigQueryOnlyHint(action, result.error!, projectDir, analyzer));
      if (hint) result.error = `${result.error}\n       ${hint}`;
    }
  } finally {
    await analyzer.close();
  }
}

/** The project's own end-of-build summary (c360.json `summary`), when it declares one. */
async function declaredSummary(engine: Engine, context: ProjectContext, actions: Map<string, Action>): Promise<string | undefined> {
  if (!context.summary) return undefined;
  const { projectSummary } = await import("../../reporting/project-summary.js");
  const location = context.target.engine === "duckdb" ? path.relative(process.cwd(), path.resolve(context.projectDir, context.target.database)) : `BigQuery project ${context.target.project}`;
  return projectSummary(engine, actions, context.summary, { location });
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
      .example("$0 run --select +my_model", "my_model and everything it reads")
      .example("$0 run --select tag:staging --full-refresh", "Rebuild the models tagged staging from scratch")
      .example("$0 run --select path:definitions/marts --exclude my_model", "The marts folder but one model")
      .example("$0 run --select state:modified+ --state prod-target", "What changed since the compiled.json saved in prod-target/, and its downstream")
      .example("$0 run --skip-unchanged", "Rebuild only what an edit or newly loaded data changed") as never,
  handler: (argv) => execute(argv, "run"),
};

export const testCommand: CommandModule<object, ExecuteArguments> = {
  command: "test",
  describe: "Run assertions and Dataform unit tests against the built tables",
  builder: (yargs) =>
    withRunOptions(withGlobalOptions(yargs))
      .example("$0 test", "Every assertion and unit test")
      .example("$0 test --select my_model", "The assertions and unit tests of my_model")
      .example("$0 test --select tag:daily", "The tests of every model tagged daily")
      .example("$0 test --select kind:assertion,path:assertions/gold", "Only the standalone assertions under assertions/gold") as never,
  handler: (argv) => execute(argv, "test"),
};

export const buildCommand: CommandModule<object, ExecuteArguments> = {
  command: "build",
  describe: "Load the landing folder (when the project declares sources), then run every action and its tests in DAG order",
  builder: (yargs) =>
    withRunOptions(withGlobalOptions(yargs))
      .option("seeds", { type: "string", describe: "Landing folder (default: c360.json landing, else seeds/)" })
      .option("verify-checksums", VERIFY_CHECKSUMS_OPTION)
      .option("dashboard", { type: "boolean", default: true, describe: "Draw the project's dashboard at the end (--no-dashboard to skip)" })
      .example("$0 build", "Load the landing folder, build and test everything on local DuckDB")
      .example("$0 build --seeds ~/exports --vars key=value", "Another landing folder, with a var of the project set")
      .example("$0 build --select my_model", "Load, then build my_model and run its tests")
      .example("$0 build --select 1+my_model", "my_model, the models it reads directly, and their tests") as never,
  handler: (argv) => execute(argv, "build"),
};
