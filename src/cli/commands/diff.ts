/** `c360 diff`: compares the published tables of two builds; exit 0 when equal, 1 when not, 2 on usage errors. */
import type { CommandModule } from "yargs";
import { parseVars } from "../../config/project.js";
import { formatDiffJson, formatDiffText, runDiff } from "../../diff/index.js";

interface DiffArguments {
  projectDir: string;
  vars?: string[];
  a?: string;
  b?: string;
  targetA?: string;
  targetB?: string;
  all: boolean;
  select?: string[];
  exclude?: string[];
  sample: number;
  tolerance?: number;
  format: "text" | "json";
}

export const DEFAULT_SAMPLE_SIZE = 5;

export const diffCommand: CommandModule<object, DiffArguments> = {
  command: "diff",
  describe: "Compare the published tables of two builds (DuckDB files or targets): counts, rows only in one side, differing columns per key",
  builder: (yargs) =>
    yargs
      .option("project-dir", { type: "string", default: ".", describe: "Dataform project folder (tells which tables are published and their keys)" })
      .option("a", { type: "string", describe: "Side A: a DuckDB database file" })
      .option("b", { type: "string", describe: "Side B: a DuckDB database file" })
      .option("target-a", { type: "string", describe: "Side A: a target of c360.json" })
      .option("target-b", { type: "string", describe: "Side B: a target of c360.json" })
      .option("all", {
        type: "boolean",
        default: false,
        describe: "Compare every table, view, incremental and declared source of the project, in any schema (bronze and staging too)",
      })
      .option("select", { type: "array", string: true, alias: "s", describe: "Compare these actions instead of the published tables (name, tag:x, +name, name+)" })
      .option("exclude", { type: "array", string: true, describe: "Leave these out (same syntax as --select)" })
      .option("sample", { type: "number", default: DEFAULT_SAMPLE_SIZE, describe: "Rows or keys shown per difference (counts are always complete)" })
      .option("tolerance", { type: "number", describe: "Floating-point values within this absolute difference count as equal (keyed comparison; default exact)" })
      .option("format", { choices: ["text", "json"] as const, default: "text" as const, describe: "Output format" })
      .option("vars", { type: "array", string: true, describe: "Override compile vars: --vars start_date=2024-06-30" })
      .example("$0 diff --a target/main.duckdb --b target/branch.duckdb", "Two DuckDB builds")
      .example("$0 diff --target-a prod --target-b dev --format json", "Two BigQuery targets, as JSON")
      .example("$0 diff --a a.duckdb --b b.duckdb --select my_model --sample 20", "One table, more examples") as never,
  handler: async (argv) => {
    const report = await runDiff({
      projectDir: argv.projectDir,
      vars: parseVars(argv.vars),
      a: { file: argv.a, target: argv.targetA },
      b: { file: argv.b, target: argv.targetB },
      all: argv.all,
      select: argv.select,
      exclude: argv.exclude,
      sampleSize: argv.sample,
      tolerance: argv.tolerance,
    });
    process.stdout.write(argv.format === "json" ? formatDiffJson(report) : formatDiffText(report));
    process.exitCode = report.equal ? 0 : 1;
  },
};
