/**
 * Runs @dataform/core inside a node:vm context in this process, the way the stock CLI's
 * compile worker does it with vm2 (dataform-co/dataform cli/vm/compile.ts), but without
 * spawning a process: the core bundle is evaluated once and kept warm, and each compile
 * re-evaluates only the project's own files.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { cacheKey, readCache, writeCache } from "./disk-cache.js";

type CompileSource = (code: string, filePath: string) => string;

interface LoadedModule {
  exports: unknown;
}

const SOURCE_EXTENSIONS = [".js", ".sqlx", ".sql", ".yaml", ".yml", ".json"];

const nodeRequire = createRequire(import.meta.url);

/** Path of the @dataform/core bundle the project depends on (falls back to ours). */
export function resolveCoreBundle(projectDir: string): string {
  const projectCore = path.join(projectDir, "node_modules", "@dataform", "core", "bundle.js");
  if (fs.existsSync(projectCore)) return projectCore;
  return nodeRequire.resolve("@dataform/core");
}

export class DataformVm {
  private readonly context: vm.Context;
  private readonly coreExports: { compiler: CompileSource; main: (request: string) => string; version: string };
  /** Project modules evaluated during the current compile; cleared before each compile. */
  private projectModules = new Map<string, LoadedModule>();
  /** SQLX/SQL files that project code required (e.g. definitions/assertions.js requiring assertions/x.sqlx). */
  private nestedSourceFiles = new Set<string>();
  /** Compiled JavaScript of .sqlx/.sql/.yaml files, keyed by path and content. */
  private readonly compiledSourceCache = new Map<string, { source: string; code: string }>();

  /** The core bundle's script and the key of its V8 code cache (see saveCodeCache). */
  private readonly coreScript: { script: vm.Script; cacheKey: string; cached: boolean };

  constructor(private readonly projectDir: string) {
    this.context = vm.createContext({ console, setTimeout, clearTimeout, TextEncoder, TextDecoder, URL });
    // Core reads `global`; in a fresh context it must point at the context itself.
    vm.runInContext("globalThis.global = globalThis;", this.context);
    const bundlePath = resolveCoreBundle(projectDir);
    const source = fs.readFileSync(bundlePath, "utf8");
    const key = cacheKey("core-code", process.version, bundlePath, source);
    const cachedData = readCache("v8", key);
    const script = new vm.Script(this.wrap(source), { filename: bundlePath, cachedData });
    this.coreScript = { script, cacheKey: key, cached: cachedData !== undefined && !script.cachedDataRejected };
    const coreModule: LoadedModule = { exports: {} };
    this.run(script, bundlePath, coreModule, (request) => this.requireFromCore(request));
    this.coreExports = coreModule.exports as typeof this.coreExports;
  }

  /**
   * Stores V8's code for the core bundle after a compile, with every function that compile ran
   * already compiled, so the next process skips parsing and compiling them (Node 20 has no
   * module compile cache; vm.Script takes V8's cachedData).
   */
  saveCodeCache(): void {
    if (this.coreScript.cached) return;
    writeCache("v8", this.coreScript.cacheKey, this.coreScript.script.createCachedData());
    this.coreScript.cached = true;
  }

  get coreVersion(): string {
    return this.coreExports.version;
  }

  /** Runs core's main() on a base64 CoreExecutionRequest and returns its base64 response. */
  runMain(encodedRequest: string): string {
    this.projectModules = new Map();
    this.nestedSourceFiles = new Set();
    const global = this.context as Record<string, unknown>;
    delete global.dataformJson;
    delete global.workflowSettingsYaml;
    const dataformJson = path.join(this.projectDir, "dataform.json");
    const workflowSettings = path.join(this.projectDir, "workflow_settings.yaml");
    if (fs.existsSync(workflowSettings)) global.workflowSettingsYaml = this.requireProjectFile(workflowSettings);
    if (fs.existsSync(dataformJson)) global.dataformJson = this.requireProjectFile(dataformJson);
    return this.coreExports.main(encodedRequest);
  }

  /** `require` as seen by the core bundle: project paths are relative to the project root. */
  private requireFromCore(request: string): unknown {
    if (request === "@dataform/core") return this.coreExports;
    if (request === "path") return path;
    return this.requireProjectFile(this.resolveProjectPath(request, this.projectDir));
  }

  private requireFrom(request: string, fromDir: string): unknown {
    if (request === "@dataform/core") return this.coreExports;
    if (request === "path") return path;
    const base = request.startsWith(".") ? fromDir : this.projectDir;
    const filePath = this.resolveProjectPath(request, base);
    if (/\.sqlx?$/.test(filePath)) this.nestedSourceFiles.add(path.relative(this.projectDir, filePath));
    return this.requireProjectFile(filePath);
  }

  /**
   * SQLX files the last compile reached through another file's require(). Core names the
   * actions they define after the requiring .js file (the first definitions/ frame on the
   * stack); the stock CLI's vm2 names them after the .sqlx, and so does c360.
   */
  get requiredSourceFiles(): string[] {
    return [...this.nestedSourceFiles];
  }

  private resolveProjectPath(request: string, base: string): string {
    const candidate = path.resolve(base, request);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    for (const extension of SOURCE_EXTENSIONS) {
      if (fs.existsSync(candidate + extension)) return candidate + extension;
    }
    throw new Error(`Cannot find module '${request}' (looked in ${path.relative(this.projectDir, base) || "."})`);
  }

  private requireProjectFile(filePath: string): unknown {
    const cached = this.projectModules.get(filePath);
    if (cached) return cached.exports;
    const module: LoadedModule = { exports: {} };
    this.projectModules.set(filePath, module);
    const source = fs.readFileSync(filePath, "utf8");
    if (filePath.endsWith(".json")) {
      module.exports = JSON.parse(source);
      return module.exports;
    }
    const code = filePath.endsWith(".js") ? source : this.compileSource(source, filePath);
    this.evaluate(code, filePath, module, (request) => this.requireFrom(request, path.dirname(filePath)));
    return module.exports;
  }

  private compileSource(source: string, filePath: string): string {
    const cached = this.compiledSourceCache.get(filePath);
    if (cached && cached.source === source) return cached.code;
    // Core's SQLX compiler depends only on the source, the path and core itself.
    const key = cacheKey("sqlx", this.coreExports.version, filePath, source);
    const stored = readCache("sqlx", key)?.toString("utf8");
    const code = stored ?? this.coreExports.compiler(source, filePath);
    if (stored === undefined) writeCache("sqlx", key, code);
    this.compiledSourceCache.set(filePath, { source, code });
    return code;
  }

  private wrap(code: string): string {
    return `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  }

  private evaluate(code: string, filePath: string, module: LoadedModule, requireFn: (request: string) => unknown): void {
    // V8's code for a project file is kept like core's: compiling each file's script is a
    // large share of a fresh process's compile.
    const wrapped = this.wrap(code);
    const key = cacheKey("project-code", process.version, filePath, wrapped);
    const cachedData = readCache("v8", key);
    const script = new vm.Script(wrapped, { filename: filePath, cachedData });
    this.run(script, filePath, module, requireFn);
    if (cachedData === undefined || script.cachedDataRejected) writeCache("v8", key, script.createCachedData());
  }

  private run(script: vm.Script, filePath: string, module: LoadedModule, requireFn: (request: string) => unknown): void {
    const moduleFunction = script.runInContext(this.context) as (...args: unknown[]) => void;
    moduleFunction(module.exports, requireFn, module, filePath, path.dirname(filePath));
  }
}
