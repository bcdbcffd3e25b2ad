import type { CommandModule } from "yargs";
import { createReporter } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

export const checkCommand: CommandModule<object, GlobalArguments> = {
  command: "check",
  describe: "Compile for BigQuery and verify every statement offline with the ZetaSQL analyzer",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .example("$0 check", "Verify the BigQuery SQL of every action, without credentials or network")
      .example("$0 check --vars start_date=2024-12-31", "The same with a var of the project set otherwise") as never,
  handler: async (argv) => {
    const context = projectFrom(argv);
    // The analyzer service is a separate binary; only this command starts it.
    const { checkProject, formatCheckReport } = await import("../../check/index.js");
    const report = await checkProject({ projectDir: context.projectDir, vars: context.vars, landingSources: context.landingSources });
    const text = formatCheckReport(report);
    if (report.ok) createReporter(argv).info(text);
    else {
      process.stdout.write(text + "\n");
      process.exitCode = 1;
    }
  },
};
