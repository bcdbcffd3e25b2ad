import type { CommandModule } from "yargs";
import { openEngine } from "../../engines/open-engine.js";
import { formatCsv, formatTable } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

interface QueryArguments extends GlobalArguments {
  sql: string;
  format: "table" | "json" | "csv";
}

export const queryCommand: CommandModule<object, QueryArguments> = {
  command: "query <sql>",
  describe: "Run a SQL query on the target and print the rows",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .positional("sql", { type: "string", demandOption: true, describe: "The query (schema-qualified names, e.g. analytics.orders)" })
      .option("format", { choices: ["table", "json", "csv"] as const, default: "table" as const, describe: "Output format" })
      .example("$0 query \"select status, count(*) as orders from analytics.orders group by 1 order by 2 desc\"", "Rows per status of a table")
      .example("$0 query \"select * from analytics.daily_totals\" --format json", "A table as JSON") as never,
  handler: async (argv) => {
    const context = projectFrom(argv);
    const engine = await openEngine(context);
    try {
      const rows = await engine.query(argv.sql, { actionName: "query" });
      if (argv.format === "json") process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      else if (argv.format === "csv") process.stdout.write(formatCsv(rows));
      else process.stdout.write(formatTable(rows) + "\n");
    } finally {
      await engine.close();
    }
  },
};
