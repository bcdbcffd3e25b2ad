/** Test helpers: temporary copies of fixture projects, the repository root, compiled projects. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileProject } from "../../src/compile/index.js";
import type { LandingSource } from "../../src/config/landing-sources.js";
import { loadProject } from "../../src/config/project.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { readModelFits } from "../../src/config/project.js";
import type { CompiledProject } from "../../src/runner/session.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const EXAMPLE_PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/example");

/** This project's landing sources, as its c360.json declares them (what `c360 build` loads). */
export const PROJECT_SOURCES: readonly LandingSource[] = loadProject({ projectDir: REPO_ROOT }).landingSources;

/** The project's landing source that fills bronze table `table` (schema raw_* or any). */
export function projectSource(table: string): LandingSource {
  const source = PROJECT_SOURCES.find((candidate) => candidate.table === table);
  if (!source) throw new Error(`c360.json declares no landing source for table ${table}`);
  return source;
}

/** The project compiled as the runner takes it, without the compiled.json that compileForTarget writes. */
export function compiledProject(projectDir: string, vars: Record<string, string> = {}): CompiledProject {
  const graph = compileProject({ projectDir, vars });
  return { graph, projectDir, actions: buildActionGraph(graph).actions, seconds: 0, fits: readModelFits(projectDir) };
}

/** Copies a project (without node_modules, target/ and the built dist/) to a fresh temporary folder. */
export function copyProject(source: string, prefix = "c360-test-"): string {
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(source, destination, {
    recursive: true,
    filter: (file) => {
      const relative = path.relative(source, file) ? `/${path.relative(source, file)}` : "";
      // The repository's dist/ (the bundled CLI, 18 MB) is build output like target/, as is a
      // test run's own bundle (.test-cli-*, tests/helpers/cli-bundle-setup.ts), and .cache/
      // holds the benchmark's generated landing folders (gigabytes at 1 M persons).
      return !/[/\\](node_modules|target|\.git)([/\\]|$)/.test(relative) && !/^[/\\](dist|\.cache|\.test-cli-[^/\\]*)([/\\]|$)/.test(relative);
    },
  });
  return destination;
}

/** The stock Dataform CLI needs the project's own node_modules/@dataform/core (not a link). */
export function installDataformCore(projectDir: string): void {
  const core = path.join(REPO_ROOT, "node_modules/@dataform/core");
  fs.cpSync(core, path.join(projectDir, "node_modules/@dataform/core"), { recursive: true });
  const packageFile = path.join(projectDir, "package.json");
  if (!fs.existsSync(packageFile)) {
    const version = JSON.parse(fs.readFileSync(path.join(core, "package.json"), "utf8")).version as string;
    fs.writeFileSync(packageFile, JSON.stringify({ dependencies: { "@dataform/core": version } }));
  }
}
