/** `c360 ls`: what a selection selects, without running anything (dbt's `ls`). */
import type { CommandModule } from "yargs";
import type { Action } from "../../graph/actions.js";
import { compileForTarget } from "../../runner/session.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";
import { type SelectionArguments, savedStateFrom, selectFrom, withSelectionOptions } from "../selection-options.js";

interface LsArguments extends GlobalArguments, SelectionArguments {
  format: "text" | "json";
}

/** One line of `c360 ls --format json`. */
export function describeForJson(action: Action): Record<string, unknown> {
  return { name: action.name, kind: action.kind, file: action.fileName, tags: action.tags, dependencies: action.dependencies };
}

export const lsCommand: CommandModule<object, LsArguments> = {
  command: "ls",
  aliases: ["list"],
  describe: "List the actions a selection selects (with their tests), without running them",
  builder: (yargs) =>
    withSelectionOptions(withGlobalOptions(yargs))
      .option("format", { choices: ["text", "json"] as const, default: "text" as const, describe: "text: one name per line; json: one JSON object per line (name, kind, file, tags, dependencies)" })
      .example("$0 ls --select my_model", "my_model and the assertions that check it")
      .example("$0 ls --select kind:incremental", "Every incremental table")
      .example("$0 ls --select tag:staging,kind:assertion", "Assertions tagged staging")
      .example("$0 ls --select state:modified+ --state prod-target", "What a change touches, against the compiled.json in prod-target/")
      .example("$0 ls --select path:definitions/identity --format json", "The identity folder's actions as JSON lines") as never,
  handler: (argv) => {
    const saved = savedStateFrom(argv);
    const project = compileForTarget(projectFrom(argv));
    for (const warning of project.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
    const selected = [...selectFrom(argv, project.actions, saved)].sort().map((name) => project.actions.get(name)!);
    const lines = argv.format === "json" ? selected.map((action) => JSON.stringify(describeForJson(action))) : selected.map((action) => action.name);
    if (lines.length > 0) process.stdout.write(lines.join("\n") + "\n");
    if (argv.format === "text") process.stderr.write(`${selected.length} action(s) selected\n`);
  },
};
