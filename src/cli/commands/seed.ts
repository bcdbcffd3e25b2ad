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

/** The load step as a person (or a log reader) follows it: the folder, the plan, one event per part, warnings, a total. */
export function reportedLoadStep(
  reporter: Reporter,
  options: { fullRefresh: boolean; verifyChecksums: boolean },
): { step: LoadStepOptions; onLoaded: (report: LoadReport) => void } {
  let started = performance.now();
  // Progress in parts, records and bytes: the parts to read are known before the first is read.
  const progress = { partsDone: 0, partsTotal: 0, bytesDone: 0, bytesTotal: 0 };
  return {
    step: {
      ...options,
      onStart: (landingDir) => {
        started = performance.now();
        reporter.info(`Loading landing folder ${path.relative(process.cwd(), landingDir) || "."}`);
      },
      onPlan: ({ parts, bytes }) => {
        Object.assign(progress, { partsTotal: parts, bytesTotal: bytes });
        reporter.event({ event: "load_started", parts, bytes });
      },
      onFile: (file) => {
        if (file.status === "loaded") {
          progress.partsDone++;
          progress.bytesDone += file.sizeBytes;
        }
        reporter.event({
          event: "load_file",
          file: file.file,
          table: file.table,
          status: file.status,
          records: file.records,
          bytes: file.sizeBytes,
          seconds: file.seconds,
          ...progress,
        });
      },
    },
    onLoaded: (report) => {
      for (const warning of report.warnings) reporter.warn(warning);
      const loaded = report.files.filter((file) => file.status === "loaded");
      const records = loaded.reduce((sum, file) => sum + file.records, 0);
      reporter.event({ event: "load_finished", parts: loaded.length, records, seconds: (performance.now() - started) / 1000 });
      if (report.fullRefresh) reporter.info("(full refresh: every bronze table was reloaded)");
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
    options.reporter.close();
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
