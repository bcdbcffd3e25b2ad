/**
 * The c360 command line. Exit codes: 0 all passed, 1 an action or assertion failed,
 * 2 usage, config or compile error. main() returns the code instead of exiting, so tests can
 * run the CLI in-process; scripts/c360.ts sets it as the process's exit code.
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

/** Thrown by yargs' fail handler once it has printed a usage mistake. */
class UsageReported extends Error {}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  process.exitCode = undefined;
  try {
    await yargs(argv)
      .scriptName("c360")
      .usage("$0 <command> [options]\n\nBuild the Customer 360 Dataform project on embedded DuckDB (default) or BigQuery.")
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
      // --help returns instead of exiting the process (main is also called in-process by tests).
      .exitProcess(false)
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((message, error) => {
        if (error) throw error;
        process.stderr.write(`${message}\nRun c360 --help for usage.\n`);
        throw new UsageReported(message);
      })
      .parseAsync();
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof UsageReported) return 2;
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    return error instanceof C360Error ? error.exitCode : 2;
  }
}
