import fs from "node:fs";
import path from "node:path";
import type { CommandModule } from "yargs";
import { buildCatalog } from "../../docs/catalog.js";
import { openEngine } from "../../engines/open-engine.js";
import { compileForTarget } from "../../runner/session.js";
import { createReporter } from "../output.js";
import { type GlobalArguments, projectFrom, withGlobalOptions } from "../options.js";

export const docsCommand: CommandModule<object, GlobalArguments & { types: boolean }> = {
  command: "docs",
  describe: "Write the documentation site (target/docs/index.html and catalog.json)",
  builder: (yargs) =>
    withGlobalOptions(yargs)
      .option("types", { type: "boolean", default: true, describe: "Read column types and row counts from the target's warehouse (--no-types to skip)" })
      .example("$0 docs", "Document every model, column, test and its lineage")
      .example("$0 docs --no-types", "Without connecting to the warehouse") as never,
  handler: async (argv) => {
    const context = projectFrom(argv);
    const project = compileForTarget(context);
    // Graphviz (WebAssembly) and the Markdown renderer load only for this command.
    const [{ lineageSvg }, { anchor, renderDocsSiteHtml }, { buildDocsSite }] = await Promise.all([
      import("../../docs/lineage.js"),
      import("../../docs/render-html.js"),
      import("../../docs/site.js"),
    ]);
    const docsDir = path.join(context.artifactsDir, "docs");
    const engine = argv.types ? await openEngine(context) : undefined;
    let catalog;
    let site;
    try {
      catalog = await buildCatalog(project.actions, engine);
      site = await buildDocsSite(catalog, project.actions, {
        projectDir: context.projectDir,
        settingsFile: context.docsFile,
        runResultsFile: path.join(context.artifactsDir, "run_results.json"),
        outputDir: docsDir,
        engine,
        defaultTitle: `${path.basename(context.projectDir)} — data catalog`,
      });
    } finally {
      await engine?.close();
    }
    fs.mkdirSync(docsDir, { recursive: true });
    fs.writeFileSync(path.join(docsDir, "catalog.json"), JSON.stringify(catalog, null, 2) + "\n");
    fs.writeFileSync(path.join(docsDir, "index.html"), renderDocsSiteHtml(site, { lineageSvg: await lineageSvg(project.actions, anchor) }));
    const undocumented = catalog.flatMap((entry) => entry.columns.filter((column) => !column.description).map((column) => `${entry.name}.${column.name}`));
    const reporter = createReporter(argv);
    reporter.info(`Documented ${catalog.length} action(s) in ${path.relative(process.cwd(), docsDir) || docsDir}/index.html`);
    if (undocumented.length > 0) reporter.warn(`${undocumented.length} column(s) have no description: ${undocumented.slice(0, 10).join(", ")}${undocumented.length > 10 ? ", …" : ""}`);
  },
};
