import type { CommandModule } from "yargs";
import { renderDot, renderText } from "../../graph/render.js";
import { selectActions } from "../../graph/selection.js";
import { compileForTarget } from "../../runner/session.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

interface GraphArguments extends GlobalArguments {
  format: "text" | "dot";
  select?: string[];
  exclude?: string[];
}

export const graphCommand: CommandModule<object, GraphArguments> = {
  command: "graph",
  describe: "Print the DAG as indented text or Graphviz DOT",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .option("format", { choices: ["text", "dot"] as const, default: "text" as const })
      .option("select", { type: "array", string: true, alias: "s", describe: "Only these actions (name, tag:x, +name, name+)" })
      .option("exclude", { type: "array", string: true })
      .example("$0 graph --select +my_model", "What my_model is built from")
      .example("$0 graph --format dot | dot -Tsvg > dag.svg", "Render the DAG with Graphviz") as never,
  handler: (argv) => {
    const project = compileForTarget(projectFrom(argv));
    const selected = selectActions(project.actions, argv.select, argv.exclude);
    process.stdout.write((argv.format === "dot" ? renderDot(project.actions, selected) : renderText(project.actions, selected)) + "\n");
  },
};
