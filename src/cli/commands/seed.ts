/** `c360 seed`: load the landing folder into bronze tables (also the first step of build). */
import path from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import type { ProjectContext } from "../../config/project.js";
import { openEngine } from "../../engines/open-engine.js";
import { UsageError } from "../../errors.js";
import type { LoadReport } from "../../loader/index.js";
import { loadProjectSources, type LoadStepOptions } from "../../runner/build.js";
import { createReporter, type Reporter } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

export const VERIFY_CHECKSUMS_OPTION = {
  type: "boolean",
  default: false,
  describe: "Checksum every part loaded before (default: only those whose size or modification time changed)",
} as const;

export const NO_SOURCES_MESSAGE = "The project declares no landing sources (c360.json `sources`): there is nothing to load.";

/** The load step as a person follows it: the folder, one line per part, warnings, a total. */
export function reportedLoadStep(
  reporter: Reporter,
  options: { fullRefresh: boolean; verifyChecksums: boolean },
): { step: LoadStepOptions; onLoaded: (report: LoadReport) => void } {
  let started = performance.now();
  return {
    step: {
      ...options,
      onStart: (landingDir) => {
        started = performance.now();
        reporter.info(`Loading landing folder ${path.relative(process.cwd(), landingDir) || "."}`);
      },
      onFile: (file) =>
        reporter.info(`  ${file.file.padEnd(44)} ${String(file.records).padStart(10)} records  ${file.seconds.toFixed(2)}s${file.status === "unchanged" ? "  (loaded before, unchanged)" : ""}`),
    },
    onLoaded: (report) => {
      for (const warning of report.warnings) reporter.warn(warning);
      const loaded = report.files.filter((file) => file.status === "loaded");
      const records = loaded.reduce((sum, file) => sum + file.records, 0);
      reporter.info(`Loaded ${loaded.length} new part(s), ${records} records, in ${((performance.now() - started) / 1000).toFixed(2)}s${report.fullRefresh ? " (full refresh)" : ""}`);
    },
  };
}

async function seed(context: ProjectContext, options: { fullRefresh: boolean; verifyChecksums: boolean; reporter: Reporter }): Promise<void> {
  if (context.landingSources.length === 0) throw new UsageError(NO_SOURCES_MESSAGE);
  const { step, onLoaded } = reportedLoadStep(options.reporter, options);
  const engine = await openEngine(context);
  try {
    onLoaded(await loadProjectSources(engine, context, step));
  } finally {
    await engine.close();
  }
}

export const seedCommand: CommandModule<object, GlobalArguments & { seeds?: string; fullRefresh: boolean; verifyChecksums: boolean }> = {
  command: "seed",
  describe: "Load the landing folder (CSV, NDJSON, JSON, XML) into bronze tables",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .option("seeds", { type: "string", describe: "Landing folder (default: c360.json landing, else seeds/)" })
      .option("full-refresh", { type: "boolean", default: false, describe: "Reload every part, not only new ones" })
      .option("verify-checksums", VERIFY_CHECKSUMS_OPTION)
      .example("$0 seed", "Load new parts of seeds/ into the local database")
      .example("$0 seed --seeds /data/exports --full-refresh", "Reload another landing folder from scratch") as never,
  handler: async (argv: ArgumentsCamelCase<GlobalArguments & { seeds?: string; fullRefresh: boolean; verifyChecksums: boolean }>) => {
    const context = projectFrom(argv);
    await seed(context, { fullRefresh: argv.fullRefresh, verifyChecksums: argv.verifyChecksums, reporter: createReporter(argv) });
  },
};
