/** `c360 seed`: load the landing folder into bronze tables (also the first step of build). */
import path from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import type { ProjectContext } from "../../config/project.js";
import type { Engine } from "../../engines/engine.js";
import { openEngine } from "../../engines/open-engine.js";
import { createReporter, type Reporter } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

export const VERIFY_CHECKSUMS_OPTION = {
  type: "boolean",
  default: false,
  describe: "Checksum every part loaded before (default: only those whose size or modification time changed)",
} as const;

export async function loadLanding(
  engine: Engine,
  context: ProjectContext,
  options: { fullRefresh: boolean; verifyChecksums: boolean; reporter: Reporter },
): Promise<void> {
  const { reporter } = options;
  const started = performance.now();
  reporter.info(`Loading landing folder ${path.relative(process.cwd(), context.landingDir) || "."}`);
  // Loaded on demand: commands that only compile need none of the parsers.
  const { loadLandingFolder } = await import("../../loader/index.js");
  const report = await loadLandingFolder(engine, context.landingDir, {
    fullRefresh: options.fullRefresh,
    verifyChecksums: options.verifyChecksums,
    onFile: (file) =>
      reporter.info(`  ${file.file.padEnd(44)} ${String(file.records).padStart(10)} records  ${file.seconds.toFixed(2)}s${file.status === "unchanged" ? "  (loaded before, unchanged)" : ""}`),
  });
  for (const warning of report.warnings) reporter.warn(warning);
  const loaded = report.files.filter((file) => file.status === "loaded");
  const records = loaded.reduce((sum, file) => sum + file.records, 0);
  reporter.info(`Loaded ${loaded.length} new part(s), ${records} records, in ${((performance.now() - started) / 1000).toFixed(2)}s${report.fullRefresh ? " (full refresh)" : ""}`);
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
    const engine = await openEngine(context);
    try {
      await loadLanding(engine, context, { fullRefresh: argv.fullRefresh, verifyChecksums: argv.verifyChecksums, reporter: createReporter(argv) });
    } finally {
      await engine.close();
    }
  },
};
