import type { CommandModule } from "yargs";
import { renderDot, renderText } from "../../graph/render.js";
import { compileForTarget } from "../../runner/session.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";
import { type SelectionArguments, savedStateFrom, selectFrom, withSelectionOptions } from "../selection-options.js";

interface GraphArguments extends GlobalArguments, SelectionArguments {
  format: "text" | "dot";
}

export const graphCommand: CommandModule<object, GraphArguments> = {
  command: "graph",
  describe: "Print the DAG as indented text or Graphviz DOT",
  builder: (yargs) =>
    withSelectionOptions(withGlobalOptions(yargs))
      .option("format", { choices: ["text", "dot"] as const, default: "text" as const })
      .example("$0 graph --select +my_model", "What my_model is built from")
      .example("$0 graph --format dot | dot -Tsvg > dag.svg", "Render the DAG with Graphviz") as never,
  handler: (argv) => {
    const saved = savedStateFrom(argv);
    const project = compileForTarget(projectFrom(argv));
    const selected = selectFrom(argv, project.actions, saved);
    process.stdout.write((argv.format === "dot" ? renderDot(project.actions, selected) : renderText(project.actions, selected)) + "\n");
  },
};
