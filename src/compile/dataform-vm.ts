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
import { guardDeterminism } from "./determinism-guard.js";
import { contentHash, FsObserver, type FsObservationRecord, observationsHold } from "./fs-observations.js";
import { loadYaml } from "../config/yaml.js";
import { UsageError } from "../errors.js";

type CompileSource = (code: string, filePath: string) => string;

/** Core's database callback for JiT code: method name, encoded request, node-style callback with the encoded response. */
export type JitRpc = (method: string, request: Uint8Array, callback: (error: Error | null, response?: Uint8Array) => void) => void;
type JitCompilerFactory = (rpc: (method: string, request: Uint8Array, callback: (error: Error | null, response?: Uint8Array) => void) => void) => {
  compile(request: Uint8Array): Promise<Uint8Array>;
};

interface LoadedModule {
  exports: unknown;
}

const SOURCE_EXTENSIONS = [".js", ".sqlx", ".sql", ".yaml", ".yml", ".json"];

const nodeRequire = createRequire(import.meta.url);

/** The oldest @dataform/core major c360 compiles with (the stock 3.x CLI refuses older cores too). */
const MINIMUM_CORE_MAJOR = 3;

/** Path of the @dataform/core bundle the project depends on (falls back to ours). */
export function resolveCoreBundle(projectDir: string, observer = new FsObserver()): string {
  const projectCore = path.join(projectDir, "node_modules", "@dataform", "core", "bundle.js");
  if (observer.kind(projectCore) !== "none") {
    assertSupportedCore(projectDir, path.join(path.dirname(projectCore), "package.json"), observer);
    return projectCore;
  }
  const bundled = nodeRequire.resolve("@dataform/core");
  assertPinnedCoreMatches(projectDir, bundled, observer);
  return bundled;
}

/**
 * workflow_settings.yaml may pin dataformCoreVersion, which the stock CLI installs on the
 * fly. c360 installs nothing: without the project's own node_modules/@dataform/core it
 * compiles with its own core, and core itself refuses another pinned version; say how to
 * install the pinned one instead.
 */
function assertPinnedCoreMatches(projectDir: string, bundledCore: string, observer: FsObserver): void {
  const settingsFile = path.join(projectDir, "workflow_settings.yaml");
  if (observer.kind(settingsFile) === "none") return;
  let pinned: unknown;
  try {
    pinned = (loadYaml(observer.readText(settingsFile)) as { dataformCoreVersion?: unknown } | null)?.dataformCoreVersion;
  } catch {
    return; // core reports an unreadable settings file itself, with its own message
  }
  const bundledVersion = (JSON.parse(observer.readText(path.join(path.dirname(bundledCore), "package.json"))) as { version: string }).version;
  if (typeof pinned === "string" && pinned !== bundledVersion) {
    throw new UsageError(
      `workflow_settings.yaml pins dataformCoreVersion ${pinned}, and the project has no node_modules/@dataform/core (c360's own is ${bundledVersion}). ` +
        `Install the pinned core in the project (npm install --save-exact @dataform/core@${pinned}), or pin ${bundledVersion}.`,
    );
  }
}

/**
 * Core 2.x has another compile API (and needs packages core 3 bundles), so running it fails
 * deep inside with an unrelated message; say what is needed instead, as the stock CLI does.
 */
function assertSupportedCore(projectDir: string, packageFile: string, observer: FsObserver): void {
  if (observer.kind(packageFile) === "none") return;
  const version = String((JSON.parse(observer.readText(packageFile)) as { version?: unknown }).version ?? "");
  const major = Number(version.split(".")[0]);
  if (Number.isInteger(major) && major < MINIMUM_CORE_MAJOR) {
    throw new UsageError(
      `${path.relative(process.cwd(), projectDir) || "."}: the project installs @dataform/core ${version}, and c360 requires @dataform/core >= ${MINIMUM_CORE_MAJOR}.0.0. ` +
        `Pin @dataform/core 3.x in package.json (or set dataformCoreVersion: 3.x in workflow_settings.yaml) and reinstall the project's packages (npm install).`,
    );
  }
}

export class DataformVm {
  private readonly context: vm.Context;
  private readonly coreExports: { compiler: CompileSource; main: (request: string) => string; version: string; jitCompiler?: JitCompilerFactory };
  /** Project modules evaluated during the current compile; cleared before each compile. */
  private projectModules = new Map<string, LoadedModule>();
  /** SQLX/SQL files that project code required (e.g. definitions/assertions.js requiring assertions/x.sqlx). */
  private nestedSourceFiles = new Set<string>();
  /** Compiled JavaScript of .sqlx/.sql/.yaml files, keyed by path and content. */
  private readonly compiledSourceCache = new Map<string, { source: string; code: string }>();

  /** The core bundle's script and the key of its V8 code cache (see saveCodeCache). */
  private readonly coreScript: { script: vm.Script; cacheKey: string; cached: boolean };

  /** What choosing and reading the core bundle observed: part of every compile's inputs. */
  private readonly coreObservations: FsObservationRecord;
  /** sha256 of the core bundle: what core's SQLX compiler is (a rebuilt core may keep its version). */
  private readonly coreHash: string;
  /** The current compile's file system observations (graph-cache.ts). */
  private observer = new FsObserver();
  /** Why the current compile's graph may not be reused (it read the clock, drew a random number, logged). */
  private nondeterminism: string | undefined;

  constructor(private readonly projectDir: string) {
    this.context = vm.createContext({ console, setTimeout, clearTimeout, TextEncoder, TextDecoder, URL });
    // Core reads `global`; in a fresh context it must point at the context itself.
    vm.runInContext("globalThis.global = globalThis;", this.context);
    guardDeterminism(this.context, (what) => {
      this.nondeterminism ??= what;
    });
    const coreObserver = new FsObserver();
    const bundlePath = resolveCoreBundle(projectDir, coreObserver);
    const bundle = fs.readFileSync(bundlePath);
    this.coreHash = contentHash(bundle);
    coreObserver.noteRead(bundlePath, this.coreHash);
    this.coreObservations = coreObserver.record();
    const source = bundle.toString("utf8");
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

  /** Whether choosing the core bundle again would give the same bundle, byte for byte. */
  coreUnchanged(): boolean {
    return observationsHold(this.coreObservations);
  }

  get coreVersion(): string {
    return this.coreExports.version;
  }

  /**
   * Runs a JiT action's code the way Dataform does: core's own jitCompiler evaluates it in
   * this vm with a JiT context whose database calls go to `rpc`. Bytes cross into the vm as
   * the vm's own Uint8Array (core's protobuf reader checks the type by its realm).
   */
  async jitCompile(request: Uint8Array, rpc: JitRpc): Promise<Uint8Array> {
    const factory = this.coreExports.jitCompiler;
    if (!factory) throw new UsageError(`@dataform/core ${this.coreVersion} has no JiT compiler: JiT actions need a recent @dataform/core 3.`);
    const VmUint8Array = vm.runInContext("Uint8Array", this.context) as Uint8ArrayConstructor;
    const compiler = factory((method, bytes, callback) =>
      rpc(method, Uint8Array.from(bytes), (error, response) => callback(error, response ? new VmUint8Array(response) : undefined)),
    );
    return Uint8Array.from(await compiler.compile(new VmUint8Array(request)));
  }

  /**
   * Runs core's main() on a base64 CoreExecutionRequest and returns its base64 response.
   * Every file system access it makes goes to `observer`, which also gets what choosing the
   * core bundle observed.
   */
  runMain(encodedRequest: string, observer = new FsObserver()): string {
    this.projectModules = new Map();
    this.nestedSourceFiles = new Set();
    this.observer = observer;
    this.nondeterminism = undefined;
    observer.include(this.coreObservations);
    const global = this.context as Record<string, unknown>;
    delete global.dataformJson;
    delete global.workflowSettingsYaml;
    const dataformJson = path.join(this.projectDir, "dataform.json");
    const workflowSettings = path.join(this.projectDir, "workflow_settings.yaml");
    if (observer.kind(workflowSettings) !== "none") global.workflowSettingsYaml = this.requireProjectFile(workflowSettings);
    if (observer.kind(dataformJson) !== "none") global.dataformJson = this.requireProjectFile(dataformJson);
    return this.coreExports.main(encodedRequest);
  }

  /** Set when the last compile's project code read the clock, drew a random number or logged: its graph is not a function of its files. */
  get lastCompileNondeterminism(): string | undefined {
    return this.nondeterminism;
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
    const relative = request.startsWith(".") || path.isAbsolute(request);
    const filePath = relative ? this.resolveProjectPath(request, fromDir) : this.resolveBareRequest(request, fromDir);
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
    const found = this.resolveFileOrFolder(path.resolve(base, request));
    if (found) return found;
    throw new Error(`Cannot find module '${request}' (looked in ${path.relative(this.projectDir, base) || "."})`);
  }

  /** A file, the file with a source extension, or a folder's package.json main / index file (Node's rules). */
  private resolveFileOrFolder(candidate: string): string | undefined {
    const observer = this.observer;
    const kind = observer.kind(candidate);
    if (kind === "file") return candidate;
    for (const extension of SOURCE_EXTENSIONS) {
      if (observer.isFile(candidate + extension)) return candidate + extension;
    }
    if (kind !== "dir") return undefined;
    const manifest = path.join(candidate, "package.json");
    if (observer.isFile(manifest)) {
      const main = (JSON.parse(observer.readText(manifest)) as { main?: unknown }).main;
      const entry = typeof main === "string" ? this.resolveFileOrFolder(path.resolve(candidate, main)) : undefined;
      if (entry) return entry;
    }
    return SOURCE_EXTENSIONS.map((extension) => path.join(candidate, `index${extension}`)).find((file) => observer.isFile(file));
  }

  /**
   * A bare request: a path from the project root (how core and Dataform projects name their
   * own files, e.g. "includes/constants"), else a package in a node_modules folder between
   * the requiring file and the project root, as the stock CLI's vm resolves it (packages
   * outside the project are not reachable).
   */
  private resolveBareRequest(request: string, fromDir: string): string {
    const projectFile = this.resolveFileOrFolder(path.resolve(this.projectDir, request));
    if (projectFile) return projectFile;
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const found = this.resolveFileOrFolder(path.join(dir, "node_modules", request));
      if (found) return found;
      if (dir === this.projectDir || !dir.startsWith(this.projectDir + path.sep)) break;
    }
    throw new Error(`Cannot find module '${request}' (looked in the project and its node_modules)`);
  }

  private requireProjectFile(filePath: string): unknown {
    const cached = this.projectModules.get(filePath);
    if (cached) return cached.exports;
    const module: LoadedModule = { exports: {} };
    this.projectModules.set(filePath, module);
    const source = this.observer.readText(filePath);
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
    const key = cacheKey("sqlx", this.coreHash, filePath, source);
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
