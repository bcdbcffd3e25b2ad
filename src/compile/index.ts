/**
 * Compiles a Dataform project in-process with @dataform/core and returns the graph.
 * The vm that holds core stays warm per project directory, so repeated compiles in one
 * process (tests, watch, benchmark) pay only for the project's own files.
 */
import fs from "node:fs";
import path from "node:path";
import { CompilationError } from "../errors.js";
import { DataformVm } from "./dataform-vm.js";
import type { CompiledGraph } from "./graph-types.js";
import { decodeCompiledGraph, encodeCompileRequest } from "./protos.js";

export type { CompiledGraph } from "./graph-types.js";

export interface CompileOptions {
  projectDir: string;
  /** Overrides of the project's vars (e.g. dialect, the var c360 sets to the target's engine). */
  vars?: Record<string, string>;
  /** Overrides of other project settings (defaultDatabase, schemaSuffix, ...). */
  projectConfigOverride?: Record<string, unknown>;
}

const warmVms = new Map<string, DataformVm>();

/** The files core may read: everything outside node_modules, as the stock CLI globs them. */
export function listProjectFiles(projectDir: string): string[] {
  const files: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of fs.readdirSync(path.join(projectDir, relativeDir), { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const relativePath = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relativePath);
      else if (entry.name.includes(".")) files.push(relativePath);
    }
  };
  for (const root of ["definitions", "includes"]) {
    if (fs.existsSync(path.join(projectDir, root))) walk(root);
  }
  return files.sort();
}

export function compileProject(options: CompileOptions): CompiledGraph {
  const projectDir = fs.realpathSync(path.resolve(options.projectDir));
  let dataformVm = warmVms.get(projectDir);
  if (!dataformVm) {
    dataformVm = new DataformVm(projectDir);
    warmVms.set(projectDir, dataformVm);
  }
  const override = { ...options.projectConfigOverride, vars: { ...options.vars } };
  const request = encodeCompileRequest(projectDir, listProjectFiles(projectDir), override);
  let graph: CompiledGraph;
  try {
    graph = decodeCompiledGraph(dataformVm.runMain(request)) as CompiledGraph;
  } catch (error) {
    throw new CompilationError([{ fileName: "", message: error instanceof Error ? error.message : String(error) }]);
  }
  attributeRequiredFiles(graph, dataformVm.requiredSourceFiles);
  const problems = graph.graphErrors?.compilationErrors ?? [];
  if (problems.length > 0) {
    throw new CompilationError(
      problems.map((problem) => ({ fileName: problem.fileName ?? "", actionName: problem.actionName, message: problem.message ?? "" })),
    );
  }
  return graph;
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
