/**
 * Compiles a Dataform project in-process with @dataform/core and returns the graph.
 * The vm that holds core stays warm per project directory, so repeated compiles in one
 * process (tests, watch, benchmark) pay only for the project's own files.
 */
import fs from "node:fs";
import path from "node:path";
import { CompilationError } from "../errors.js";
import { splitSqlx } from "../format/sqlx-blocks.js";
import { DataformVm } from "./dataform-vm.js";
import { FsObserver } from "./fs-observations.js";
import { type CompileResult, graphCacheKey, readCachedCompile, writeCachedCompile } from "./graph-cache.js";
import { locateCompilationProblems } from "./problem-location.js";
import type { CompiledGraph } from "./graph-types.js";
import { decodeCompiledGraph, encodeCompileRequest } from "./protos.js";

export type { CompiledGraph } from "./graph-types.js";

export interface CompileOptions {
  projectDir: string;
  /** Overrides of the project's vars (e.g. dialect, the var c360 sets to the target's engine). */
  vars?: Record<string, string>;
  /** Overrides of other project settings (defaultDatabase, schemaSuffix, ...). */
  projectConfigOverride?: Record<string, unknown>;
  /**
   * Reuse the graph of an earlier compile whose inputs are unchanged (graph-cache.ts; on by
   * default, off with the rest of the disk cache by C360_CACHE_DIR=off). False always runs core.
   */
  reuseGraph?: boolean;
}

const warmVms = new Map<string, DataformVm>();

/** The files core may read: everything outside node_modules, as the stock CLI globs them. */
export function listProjectFiles(projectDir: string, observer = new FsObserver()): string[] {
  const files: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of observer.list(path.join(projectDir, relativeDir))) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const relativePath = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relativePath);
      else if (entry.name.includes(".")) files.push(relativePath);
    }
  };
  for (const root of ["definitions", "includes"]) {
    if (observer.kind(path.join(projectDir, root)) !== "none") walk(root);
  }
  return files.sort();
}

export function compileProject(options: CompileOptions): CompiledGraph {
  return compileProjectWithWarnings(options).graph;
}

/**
 * .sqlx files that a project keeps outside definitions/ and requires from a .js file (e.g.
 * assertions/ listed by definitions/assertions.js), which no file required: Dataform compiles
 * only what is required, so such a file is silently left out. Looks in the top-level folders
 * that hold at least one required file.
 */
export function unrequiredSourceFiles(projectDir: string, requiredFiles: string[], observer = new FsObserver()): string[] {
  const required = new Set(requiredFiles.map((file) => file.split(path.sep).join("/")));
  const roots = new Set([...required].map((file) => file.split("/")[0]).filter((root) => root !== "definitions" && root !== "includes"));
  const missing: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of observer.list(path.join(projectDir, relativeDir))) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const relativePath = `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) walk(relativePath);
      else if (entry.name.endsWith(".sqlx") && !required.has(relativePath)) missing.push(relativePath);
    }
  };
  for (const root of roots) walk(root);
  return missing.sort();
}

/**
 * The project's warm vm (core loaded once per project directory and process), made again
 * when the core it loaded is no longer the one the project would get (installed, changed).
 */
export function projectVm(projectDirectory: string): DataformVm {
  const projectDir = fs.realpathSync(path.resolve(projectDirectory));
  let dataformVm = warmVms.get(projectDir);
  if (!dataformVm || !dataformVm.coreUnchanged()) {
    dataformVm = new DataformVm(projectDir);
    warmVms.set(projectDir, dataformVm);
  }
  return dataformVm;
}

/**
 * The graph, and warnings about the project that do not stop a build. The graph of an
 * unchanged project comes from the graph cache, without loading core.
 */
export function compileProjectWithWarnings(options: CompileOptions): CompileResult {
  const projectDir = fs.realpathSync(path.resolve(options.projectDir));
  const override = { ...options.projectConfigOverride, vars: { ...options.vars } };
  const reuseGraph = options.reuseGraph ?? true;
  const key = reuseGraph ? graphCacheKey(projectDir, override) : undefined;
  const cached = key ? readCachedCompile(key) : undefined;
  if (cached) return cached;
  const dataformVm = projectVm(projectDir);
  const observer = new FsObserver();
  const projectFiles = listProjectFiles(projectDir, observer);
  const request = encodeCompileRequest(projectDir, projectFiles, override);
  let graph: CompiledGraph;
  try {
    graph = decodeCompiledGraph(dataformVm.runMain(request, observer)) as CompiledGraph;
  } catch (error) {
    throw new CompilationError([{ fileName: "", message: error instanceof Error ? error.message : String(error) }]);
  }
  dataformVm.saveCodeCache();
  attributeRequiredFiles(graph, dataformVm.requiredSourceFiles);
  attributeUnitTestDatasets(graph, projectDir, observer);
  const problems = graph.graphErrors?.compilationErrors ?? [];
  if (problems.length > 0) {
    throw new CompilationError(locateCompilationProblems(projectDir, problems, [...projectFiles, ...dataformVm.requiredSourceFiles]));
  }
  const warnings = unrequiredSourceFiles(projectDir, dataformVm.requiredSourceFiles, observer).map(
    (file) => `${file} is not compiled: no file of definitions/ requires it (add require("../${file}") to the .js file that lists its folder, e.g. definitions/assertions.js)`,
  );
  const result = { graph, warnings, reusedGraph: false };
  if (key && dataformVm.lastCompileNondeterminism === undefined) writeCachedCompile(key, observer.record(), result);
  return result;
}

/** Names each action defined in a required .sqlx after that file, as the stock CLI does. */
function attributeRequiredFiles(graph: CompiledGraph, requiredFiles: string[]): void {
  if (requiredFiles.length === 0) return;
  const byName = new Map(requiredFiles.map((file) => [path.basename(file).replace(/\.sqlx?$/, ""), file]));
  for (const action of [...(graph.tables ?? []), ...(graph.operations ?? []), ...(graph.assertions ?? [])]) {
    const file = byName.get(action.target.name);
    if (file && action.fileName?.endsWith(".js")) action.fileName = file;
  }
}

/**
 * The model each unit test runs, from the `dataset` of its config block: core compiles the
 * test's query but keeps no link to the model, which selection needs (`--select X` runs X's
 * unit tests). Accepts `dataset: "name"` and `dataset: { schema: "s", name: "n" }`.
 */
function attributeUnitTestDatasets(graph: CompiledGraph, projectDir: string, observer: FsObserver): void {
  for (const test of graph.tests ?? []) {
    if (!test.fileName?.endsWith(".sqlx")) continue;
    const source = observer.readText(path.join(projectDir, test.fileName));
    const config = splitSqlx(source).find((segment) => segment.kind === "block" && segment.name === "config")?.text ?? "";
    const quoted = /\bdataset\s*:\s*["'`]([^"'`]+)["'`]/.exec(config);
    const object = /\bdataset\s*:\s*\{([^}]*)\}/.exec(config);
    if (quoted) test.dataset = quoted[1];
    else if (object) {
      const field = (key: string) => new RegExp(`\\b${key}\\s*:\\s*["'\`]([^"'\`]+)["'\`]`).exec(object[1])?.[1];
      const name = field("name");
      const schema = field("schema");
      if (name) test.dataset = schema ? `${schema}.${name}` : name;
    }
  }
}
