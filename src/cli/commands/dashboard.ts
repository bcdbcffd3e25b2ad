/** `c360 dashboard`, and the same dashboard written at the end of `c360 build`. */
import fs from "node:fs";
import path from "node:path";
import type { CommandModule } from "yargs";
import type { ProjectContext } from "../../config/project.js";
import { openEngine } from "../../engines/open-engine.js";
import { UsageError } from "../../errors.js";
import type { Action } from "../../graph/actions.js";
import { compileForTarget } from "../../runner/session.js";
import { createReporter, type Reporter } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

/** Draws the project's dashboard; says where it is, and warns (exit code 1) about any panel that could not be drawn. */
export async function drawDashboard(context: ProjectContext, actions: Map<string, Action>, reporter: Reporter): Promise<string> {
  const { writeDashboard } = await import("../../dashboard/index.js");
  const { target } = context;
  // Read-only where the file exists: the dashboard only reads, so queries may run beside it.
  const readOnly = target.engine === "duckdb" && target.database !== ":memory:" && fs.existsSync(path.resolve(context.projectDir, target.database));
  const engine = await openEngine(context, { readOnly });
  let written;
  try {
    written = await writeDashboard(context, actions, engine);
  } finally {
    await engine.close();
  }
  for (const problem of written.problems) reporter.warn(`dashboard: ${problem}`);
  if (written.problems.length > 0) process.exitCode = 1;
  return path.relative(process.cwd(), written.file) || written.file;
}

/** The end-of-build hook: the dashboard, when the project declares one and --dashboard is on. */
export async function dashboardAfterBuild(context: ProjectContext, actions: Map<string, Action>, argv: { dashboard?: boolean; quiet: boolean }): Promise<void> {
  if (argv.dashboard === false || !context.dashboardFile) return;
  const file = await drawDashboard(context, actions, createReporter(argv));
  process.stdout.write(`  Dashboard      ${file} (open it in a browser)\n`);
}

export const dashboardCommand: CommandModule<object, GlobalArguments> = {
  command: "dashboard",
  describe: "Write the project's KPI dashboard (target/dashboard/index.html) from the built tables",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .example("$0 dashboard", "Draw the dashboard that c360.json's \"dashboard\" declares, from the local build")
      .example("$0 dashboard --target prod", "The same dashboard from the BigQuery tables") as never,
  handler: async (argv) => {
    const context = projectFrom(argv);
    if (!context.dashboardFile) throw new UsageError(`The project declares no dashboard: add "dashboard": "<file>" to ${path.join(context.projectDir, "c360.json")} (see src/config/schemas/dashboard.schema.json).`);
    const project = compileForTarget(context);
    const file = await drawDashboard(context, project.actions, createReporter(argv));
    process.stdout.write(`Dashboard written to ${file}\n`);
  },
};
