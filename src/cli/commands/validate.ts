import type { CommandModule } from "yargs";
import { compileForTarget } from "../../runner/session.js";
import { createReporter } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

export const validateCommand: CommandModule<object, GlobalArguments> = {
  command: "validate",
  describe: "Validate c360.json and dataform.json against their schemas, then compile",
  builder: (yargs) => withGlobalOptions(yargs).example("$0 validate", "Check the config files and that the project compiles") as never,
  handler: (argv) => {
    const context = projectFrom(argv);
    const project = compileForTarget(context);
    const reporter = createReporter(argv);
    for (const warning of project.warnings ?? []) reporter.warn(warning);
    reporter.info(`Config valid; target ${context.targetName} (${context.target.engine}); ${project.actions.size} action(s) compile.`);
  },
};
