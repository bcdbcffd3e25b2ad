/**
 * The c360 command line. Exit codes: 0 all passed, 1 an action or assertion failed,
 * 2 usage, config or compile error.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { C360Error, errorMessage } from "../errors.js";
import { checkCommand } from "./commands/check.js";
import { compileCommand } from "./commands/compile.js";
import { dashboardCommand } from "./commands/dashboard.js";
import { diffCommand } from "./commands/diff.js";
import { docsCommand } from "./commands/docs.js";
import { buildCommand, runCommand, testCommand } from "./commands/execute.js";
import { formatCommand } from "./commands/format.js";
import { graphCommand } from "./commands/graph.js";
import { queryCommand } from "./commands/query.js";
import { seedCommand } from "./commands/seed.js";
import { validateCommand } from "./commands/validate.js";

export async function main(argv: string[] = hideBin(process.argv)): Promise<void> {
  try {
    await yargs(argv)
      .scriptName("c360")
      .usage("$0 <command> [options]\n\nBuild, test and check a Dataform project on embedded DuckDB (default) or BigQuery.")
      .command(buildCommand)
      .command(runCommand)
      .command(testCommand)
      .command(seedCommand)
      .command(compileCommand)
      .command(checkCommand)
      .command(formatCommand)
      .command(validateCommand)
      .command(queryCommand)
      .command(diffCommand)
      .command(graphCommand)
      .command(docsCommand)
      .command(dashboardCommand)
      .demandCommand(1, "Name a command; see c360 --help.")
      .strict()
      .recommendCommands()
      .help()
      .alias("help", "h")
      .version(false)
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((message, error) => {
        if (error) throw error;
        process.stderr.write(`${message}\nRun c360 --help for usage.\n`);
        process.exit(2);
      })
      .parseAsync();
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    process.exitCode = error instanceof C360Error ? error.exitCode : 2;
  }
}
