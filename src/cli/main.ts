/**
 * The c360 command line. Exit codes: 0 all passed, 1 an action or assertion failed,
 * 2 usage, config or compile error. main() returns the code instead of exiting, so tests can
 * run the CLI in-process; scripts/c360.ts sets it as the process's exit code.
 */
import type { CommandModule } from "yargs";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { C360Error, errorMessage } from "../errors.js";
import { asksForVersion, packageVersion } from "./version.js";

type LoadCommand = () => Promise<CommandModule<object, never>>;

/**
 * Every command, loaded on demand: a process imports only the module of the command it runs
 * (and that module imports engines, loaders or the analyzer only in its handler), so
 * `c360 compile` never loads DuckDB, BigQuery or ZetaSQL. Help and unknown commands load all.
 */
const COMMANDS: Record<string, LoadCommand> = {
  build: async () => (await import("./commands/execute.js")).buildCommand as never,
  run: async () => (await import("./commands/execute.js")).runCommand as never,
  test: async () => (await import("./commands/execute.js")).testCommand as never,
  ls: async () => (await import("./commands/ls.js")).lsCommand as never,
  seed: async () => (await import("./commands/seed.js")).seedCommand as never,
  compile: async () => (await import("./commands/compile.js")).compileCommand as never,
  check: async () => (await import("./commands/check.js")).checkCommand as never,
  format: async () => (await import("./commands/format.js")).formatCommand as never,
  validate: async () => (await import("./commands/validate.js")).validateCommand as never,
  query: async () => (await import("./commands/query.js")).queryCommand as never,
  diff: async () => (await import("./commands/diff.js")).diffCommand as never,
  graph: async () => (await import("./commands/graph.js")).graphCommand as never,
  docs: async () => (await import("./commands/docs.js")).docsCommand as never,
  dashboard: async () => (await import("./commands/dashboard.js")).dashboardCommand as never,
};

export { packageVersion } from "./version.js";

async function commandsFor(argv: string[]): Promise<CommandModule<object, never>[]> {
  const named = argv.find((argument) => !argument.startsWith("-"));
  const load = named !== undefined ? COMMANDS[named] : undefined;
  if (load) return [await load()];
  return Promise.all(Object.values(COMMANDS).map((loadCommand) => loadCommand()));
}

/** Thrown by yargs' fail handler once it has printed a usage mistake. */
class UsageReported extends Error {}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  process.exitCode = undefined;
  try {
    if (asksForVersion(argv)) {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const parser = yargs(argv)
      .scriptName("c360")
      .usage("$0 <command> [options]\n\nBuild, test and check a Dataform project on embedded DuckDB (default) or BigQuery.");
    for (const command of await commandsFor(argv)) parser.command(command);
    await parser
      .demandCommand(1, "Name a command; see c360 --help.")
      .strict()
      .recommendCommands()
      .help()
      .alias("help", "h")
      .version("version", "Print the c360 version", packageVersion())
      // --help returns instead of exiting the process (main is also called in-process by tests).
      .exitProcess(false)
      // Wrapping measures every help line; yargs prepares the help of the command it runs
      // even when no one asks, so measure only when help is asked for.
      .wrap(argv.includes("--help") || argv.includes("-h") || argv.length === 0 ? Math.min(110, process.stdout.columns || 110) : null)
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
