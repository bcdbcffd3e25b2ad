import type { CommandModule } from "yargs";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

export const checkCommand: CommandModule<object, GlobalArguments> = {
  command: "check",
  describe: "Compile for BigQuery and verify every statement offline with the ZetaSQL analyzer",
  builder: (yargs) => withGlobalOptions(yargs).example("$0 check", "Verify the BigQuery SQL of every action without credentials") as never,
  handler: async (argv) => {
    const context = projectFrom(argv);
    const { checkProject } = await import("../../check/index.js");
    const report = await checkProject({ projectDir: context.projectDir, vars: { ...context.vars, dialect: "bigquery" } });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  },
};
