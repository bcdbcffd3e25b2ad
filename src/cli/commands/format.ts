import fs from "node:fs";
import path from "node:path";
import type { CommandModule } from "yargs";
import { listProjectFiles } from "../../compile/index.js";
import { UsageError } from "../../errors.js";
import { createReporter } from "../output.js";
import type { GlobalArguments } from "../options.js";
import { withGlobalOptions } from "../options.js";

interface FormatArguments extends GlobalArguments {
  check: boolean;
  files?: string[];
}

/** Every .sqlx beneath `folder`, relative to the project. */
function sqlxFilesUnder(projectDir: string, folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".sqlx"))
    .map((entry) => path.relative(projectDir, path.join(entry.parentPath, entry.name)));
}

/** Every .sqlx the project compiles, plus the standalone assertions folder. */
function sqlxFiles(projectDir: string): string[] {
  const files = listProjectFiles(projectDir).filter((file) => file.endsWith(".sqlx"));
  const assertionsDir = path.join(projectDir, "assertions");
  if (fs.existsSync(assertionsDir)) files.push(...sqlxFilesUnder(projectDir, assertionsDir));
  return files.sort();
}

/** The .sqlx files named on the command line: a folder stands for every .sqlx beneath it. */
function namedSqlxFiles(projectDir: string, names: string[]): string[] {
  const files = names.flatMap((name) => {
    const absolute = path.resolve(name);
    if (!fs.existsSync(absolute)) throw new UsageError(`format: ${name} does not exist; name .sqlx files or folders of the project`);
    return fs.statSync(absolute).isDirectory() ? sqlxFilesUnder(projectDir, absolute) : [path.relative(projectDir, absolute)];
  });
  return [...new Set(files)].sort();
}

export const formatCommand: CommandModule<object, FormatArguments> = {
  command: "format [files..]",
  describe: "Format the SQL in .sqlx files (config and js blocks untouched)",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .positional("files", { type: "string", array: true, describe: "Files or folders to format (default: every .sqlx of the project)" })
      .option("check", { type: "boolean", default: false, describe: "Change nothing; exit 1 when a file is not formatted" })
      .example("$0 format", "Format every model and assertion")
      .example("$0 format definitions/staging", "Format every .sqlx under a folder")
      .example("$0 format --check", "CI: fail when a file needs formatting") as never,
  handler: async (argv) => {
    // sql-formatter is large; only this command loads it.
    const { formatSqlx } = await import("../../format/format-sqlx.js");
    const reporter = createReporter(argv);
    const projectDir = path.resolve(argv.projectDir);
    const files = argv.files && argv.files.length > 0 ? namedSqlxFiles(projectDir, argv.files) : sqlxFiles(projectDir);
    const unformatted: string[] = [];
    for (const file of files) {
      const absolute = path.join(projectDir, file);
      const source = fs.readFileSync(absolute, "utf8");
      const formatted = formatSqlx(source);
      if (formatted === source) continue;
      unformatted.push(file);
      if (!argv.check) fs.writeFileSync(absolute, formatted);
    }
    if (argv.check && unformatted.length > 0) {
      process.stdout.write(`${unformatted.length} file(s) need formatting (run c360 format):\n${unformatted.map((file) => `  ${file}`).join("\n")}\n`);
      process.exitCode = 1;
      return;
    }
    reporter.info(argv.check ? `${files.length} file(s) formatted correctly` : `Formatted ${unformatted.length} of ${files.length} file(s)`);
  },
};
