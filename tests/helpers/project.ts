/** Test helpers: temporary copies of fixture projects, the repository root, compiled projects. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileProject } from "../../src/compile/index.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { readModelFits } from "../../src/config/project.js";
import type { CompiledProject } from "../../src/runner/session.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const EXAMPLE_PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/example");

/** The project compiled as the runner takes it, without the compiled.json that compileForTarget writes. */
export function compiledProject(projectDir: string, vars: Record<string, string> = {}): CompiledProject {
  const graph = compileProject({ projectDir, vars });
  return { graph, actions: buildActionGraph(graph).actions, seconds: 0, fits: readModelFits(projectDir) };
}

/** Copies a project (without node_modules and target/) to a fresh temporary folder. */
export function copyProject(source: string, prefix = "c360-test-"): string {
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(source, destination, {
    recursive: true,
    filter: (file) => !/[/\\](node_modules|target|\.git)([/\\]|$)/.test(path.relative(source, file) ? `/${path.relative(source, file)}` : ""),
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
