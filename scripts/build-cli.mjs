// Builds the c360 bin: src/cli/bin.ts bundled by esbuild into dist/cli/ (ES modules, one chunk
// per lazily loaded command), so `c360` starts without tsx and loads few files. Plain Node (no
// tsx): npm runs it as the root package's `prepare`, on `npm install` and `npm ci`.
// Packages with native code, data files or heavy start-up stay external and load on demand.
// `node scripts/build-cli.mjs --out <folder>` builds into <folder>/cli/ instead of dist/cli/ (the
// tests bundle the source under test once per run); <folder> must be inside the repository, so
// the external packages resolve from its node_modules.
import { createHash } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outArgument = process.argv.indexOf("--out");
const OUT = outArgument > 0 ? path.resolve(process.argv[outArgument + 1]) : path.join(REPOSITORY, "dist");
const CLI_OUT = path.join(OUT, "cli");

const EXTERNAL = [
  "@dataform/core",
  "@duckdb/node-api",
  "@fivetrandevelopers/zetasql",
  "@google-cloud/bigquery",
  "@streamparser/json",
  "ajv",
  "csv-parse",
  "js-yaml",
  "protobufjs",
  "saxes",
  "sql-formatter",
];

/**
 * yargs measures its help text with string-width on every command (it prepares the help before
 * running a handler), and string-width builds an Intl.Segmenter and Unicode regular expressions
 * when loaded: tens of milliseconds of every start-up. Each `import "string-width"` gets a stand-in
 * that answers printable ASCII (all of c360's help) itself, as every string-width version does
 * (its length), and loads the real module, the version the importer would get, only for other
 * text: esbuild evaluates a module that is require()d only when first required.
 */
const lazyStringWidth = {
  name: "lazy-string-width",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "lazy-string-width" };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: "lazy-string-width" }, (args) => ({
      resolveDir: REPOSITORY,
      contents: `let real;
export default function stringWidth(input, options) {
  if (typeof input === "string" && /^[\\x20-\\x7E]*$/.test(input)) return input.length;
  real ??= require(${JSON.stringify(args.path)}).default;
  return real(input, options);
}
`,
    }));
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: REPOSITORY,
  entryPoints: ["src/cli/bin.ts"],
  outdir: CLI_OUT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external: EXTERNAL,
  // Bundled CommonJS dependencies call require(); give the ES module output one.
  banner: { js: "import { createRequire as __c360CreateRequire } from 'node:module'; const require = __c360CreateRequire(import.meta.url);" },
  plugins: [lazyStringWidth],
  logLevel: "warning",
});
// Executable, for running dist/cli/bin.js directly (npm's bin link makes its own).
chmodSync(path.join(CLI_OUT, "bin.js"), 0o755);
// The identity of this build (src/compile/code-identity.ts): what one build stored on disk
// (a compiled graph) is reused by that build only.
const buildHash = createHash("sha256");
for (const file of readdirSync(CLI_OUT).filter((name) => name.endsWith(".js")).sort()) {
  buildHash.update(file).update("\0").update(readFileSync(path.join(CLI_OUT, file))).update("\0");
}
writeFileSync(path.join(CLI_OUT, "build-id.json"), JSON.stringify({ id: buildHash.digest("hex") }) + "\n");
