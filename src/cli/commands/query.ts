import fs from "node:fs";
import path from "node:path";
import type { CommandModule } from "yargs";
import { UsageError } from "../../errors.js";
import { openEngine } from "../../engines/open-engine.js";
import { jsonRows } from "../json-rows.js";
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
      .positional("sql", { type: "string", demandOption: true, describe: "The query (schema-qualified names, e.g. c360.customer_360)" })
      .option("format", {
        choices: ["table", "json", "csv"] as const,
        default: "table" as const,
        describe: "Output format. json: numbers as JSON numbers, except a decimal or integer a double would not carry exactly, which stays an exact string",
      })
      .example("$0 query \"select rfm_segment, count(*) as customers from c360.customer_360 group by 1 order by 2 desc\"", "Customers per RFM segment")
      .example("$0 query \"select * from c360.kpi_summary\" --format json", "The KPIs as JSON") as never,
  handler: async (argv) => {
    const context = projectFrom(argv);
    const { target } = context;
    const local = target.engine === "duckdb" && target.database !== ":memory:";
    if (local) {
      const database = path.resolve(context.projectDir, target.database);
      // Opening would create an empty database, and the query would then say a table is missing.
      if (!fs.existsSync(database)) throw new UsageError(`There is no database at ${path.relative(process.cwd(), database) || database} yet: run \`c360 build\` first (it loads the landing folder and builds every table).`);
    }
    // Read-only: queries run beside other queries; while a build writes the file, opening says so (DatabaseBusyError).
    const engine = await openEngine(context, { readOnly: local });
    try {
      const { columns, rows } = await engine.queryWithColumns(argv.sql, { actionName: "query" });
      if (argv.format === "json") process.stdout.write(JSON.stringify(jsonRows(columns, rows), null, 2) + "\n");
      else if (argv.format === "csv") process.stdout.write(formatCsv(rows));
      else process.stdout.write(formatTable(rows) + "\n");
    } finally {
      await engine.close();
    }
  },
};
